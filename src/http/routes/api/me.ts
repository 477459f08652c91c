// The self-service API (/api/v1/me...): the caller's own profile, live sessions (revoke one), trusted devices
// (revoke one), two-factor state and team memberships, for a user's access token for ISSUER/api (a
// client_credentials token gets 403 token.user_required). The token's own session is marked `current`: the
// token's `sid` claim is the Gatehouse session uid (src/oidc/token-claims.ts), the same id the list shows.
// Devices have no `current`: an API call carries no device cookie. Revocations are audited by the services
// (session.revoked / device.revoked, the user as actor); a revocation of a session or device the user does
// not have is a 404, audited as a failure (services/own-revocations.ts).
import type { Context } from "koa";
import { z } from "zod";
import { sessionFields, sessionFieldsOf, when } from "./schemas.ts";
import type { AppContext } from "../../web-context.ts";
import type { UserSession } from "../../../services/sessions/records.ts";
import type { TrustedDevice } from "../../../services/devices/trusted-devices.ts";
import { catalogueError } from "../../errors.ts";
import { documented } from "./declared-errors.ts";
import { tokenOf } from "./auth.ts";
import { defineRoute, userOf, type ApiRoute } from "./openapi.ts";
import { nextCursor, pageOf, pageQuery } from "./pagination.ts";

const ME = { token: "user" } as const;
const TAGS = ["Me"];

export const meProfile = z
  .object({
    id: z.uuid(),
    email: z.string(),
    username: z.string(),
    name: z.string().nullable(),
    emailVerified: z.boolean(),
    createdAt: when,
    systemRole: z.string().nullable().meta({ description: "the key of the user's system (provider-level) role, if any" }),
  })
  .meta({ id: "MeProfile" });

export const meSession = z
  .object({
    id: z.string().meta({ description: "the session's id (its uid); an access token's sid claim names it" }),
    current: z.boolean().meta({ description: "the session this access token was issued in" }),
    ...sessionFields,
  })
  .meta({ id: "MeSession" });

export const meDevice = z
  .object({
    id: z.uuid(),
    label: z.string(),
    ip: z.string().nullable(),
    countryCode: z.string().nullable(),
    createdAt: when,
    lastUsedAt: when,
    expiresAt: when,
  })
  .meta({ id: "MeTrustedDevice" });

export const meTwoFactor = z
  .object({
    enabled: z.boolean(),
    enabledAt: when.nullable(),
    backupCodesLeft: z.number().int().meta({ description: "unused backup codes (0 while two-factor is off)" }),
  })
  .meta({ id: "MeTwoFactor" });

export const meTeam = z
  .object({
    team: z.object({ id: z.uuid(), slug: z.string(), name: z.string() }),
    role: z.object({ key: z.string(), name: z.string() }),
    permissions: z
      .array(z.string())
      .meta({ description: "the role's grants resolved to registered permission codes (what a token for this team carries)" }),
    joinedAt: when,
  })
  .meta({ id: "MeTeamMembership" });

const sessionParams = z.strictObject({ sessionId: z.string().regex(/^[\w-]{1,64}$/, "is not a session id") });
const deviceParams = z.strictObject({ deviceId: z.uuid("is not a device id") });
const noQuery = z.strictObject({});

const sessionView = (s: UserSession, sid: string | undefined): z.input<typeof meSession> => ({
  id: s.id,
  current: s.id === sid,
  ...sessionFieldsOf(s),
});

const deviceView = (d: TrustedDevice): z.input<typeof meDevice> => ({
  id: d.id,
  label: d.label,
  ip: d.ip,
  countryCode: d.countryCode,
  createdAt: d.createdAt.toISOString(),
  lastUsedAt: d.lastUsedAt.toISOString(),
  expiresAt: d.expiresAt.toISOString(),
});

export function meRoutes(app: AppContext): ApiRoute[] {
  const { services } = app;
  /** where from, and the client of the token: the revocation's audit events (services/own-revocations.ts) */
  const caller = (ctx: Context) => ({ ip: ctx.ip, userAgent: ctx.get("user-agent") || null, clientId: tokenOf(ctx).client_id });

  return [
    defineRoute({
      method: "get",
      path: "/api/v1/me",
      tags: TAGS,
      access: ME,
      query: noQuery,
      summary: "The caller's profile",
      response: { status: 200, description: "the profile (never a password hash or a secret)", schema: meProfile },
      handle: (ctx) => {
        const u = userOf(ctx);
        return {
          id: u.id,
          email: u.email,
          username: u.username,
          name: u.name,
          emailVerified: u.emailVerified,
          createdAt: u.createdAt.toISOString(),
          systemRole: u.systemRole,
        };
      },
    }),

    defineRoute({
      method: "get",
      path: "/api/v1/me/sessions",
      tags: TAGS,
      access: ME,
      query: pageQuery,
      summary: "The caller's live sessions, newest first",
      description:
        "Sessions ended or past their idle or absolute timeout are not listed. `current` marks the session of the token used for the call (its sid claim).",
      response: {
        status: 200,
        description: "a page of sessions",
        schema: z.object({ sessions: z.array(meSession), nextCursor }).meta({ id: "MeSessionPage" }),
      },
      handle: async (ctx, { query }) => {
        const page = pageOf(await services.sessions.listActive(userOf(ctx).id), (s) => [s.startedAt.toISOString(), s.id], query);
        return { sessions: page.items.map((s) => sessionView(s, tokenOf(ctx).sid)), nextCursor: page.nextCursor };
      },
    }),

    defineRoute({
      method: "delete",
      path: "/api/v1/me/sessions/:sessionId",
      tags: TAGS,
      access: ME,
      params: sessionParams,
      summary: "Sign one of the caller's sessions out",
      description:
        "Ends the session everywhere (its tokens stop refreshing, relying parties hear it by back-channel logout). Revoking the token's own session is allowed: its refresh token stops working, while the access token itself (a JWT, checked offline) stays valid until it expires.",
      response: { status: 204, description: "ended" },
      errors: [documented("session.not_found", "the caller has no such live session")],
      handle: async (ctx, { params }) => {
        const result = await services.ownRevocations.revokeSession(userOf(ctx).id, params.sessionId, caller(ctx));
        if (result.outcome === "not_found") throw catalogueError("session.not_found");
      },
    }),

    defineRoute({
      method: "get",
      path: "/api/v1/me/devices",
      tags: TAGS,
      access: ME,
      query: pageQuery,
      summary: "The caller's trusted devices, most recently trusted first",
      response: {
        status: 200,
        description: "a page of trusted devices",
        schema: z.object({ devices: z.array(meDevice), nextCursor }).meta({ id: "MeTrustedDevicePage" }),
      },
      handle: async (ctx, { query }) => {
        const page = pageOf(await services.devices.list(userOf(ctx).id, undefined), (d) => [d.createdAt.toISOString(), d.id], query);
        return { devices: page.items.map(deviceView), nextCursor: page.nextCursor };
      },
    }),

    defineRoute({
      method: "delete",
      path: "/api/v1/me/devices/:deviceId",
      tags: TAGS,
      access: ME,
      params: deviceParams,
      summary: "Stop trusting one of the caller's devices",
      description: "The next sign-in from that browser asks for device approval again (when DEVICE_APPROVAL is on).",
      response: { status: 204, description: "revoked" },
      errors: [documented("device.not_found", "the caller has no such live trusted device")],
      handle: async (ctx, { params }) => {
        const result = await services.ownRevocations.revokeDevice(userOf(ctx).id, params.deviceId, caller(ctx));
        if (result.outcome === "not_found") throw catalogueError("device.not_found");
      },
    }),

    defineRoute({
      method: "get",
      path: "/api/v1/me/two-factor",
      tags: TAGS,
      access: ME,
      query: noQuery,
      summary: "Whether the caller has two-factor authentication on",
      response: { status: 200, description: "the two-factor state", schema: meTwoFactor },
      handle: async (ctx) => {
        const user = userOf(ctx);
        const enabled = services.totp.enabled(user);
        return {
          enabled,
          enabledAt: enabled ? (user.totpEnabledAt?.toISOString() ?? null) : null,
          backupCodesLeft: enabled ? await services.totp.remainingBackupCodes(user.id) : 0,
        };
      },
    }),

    defineRoute({
      method: "get",
      path: "/api/v1/me/teams",
      tags: TAGS,
      access: ME,
      query: pageQuery,
      summary: "The caller's team memberships, newest first",
      response: {
        status: 200,
        description: "a page of memberships",
        schema: z.object({ teams: z.array(meTeam), nextCursor }).meta({ id: "MeTeamPage" }),
      },
      handle: async (ctx, { query }) => {
        const memberships = await services.teams.membershipsOf(userOf(ctx).id);
        const page = pageOf(memberships, (m) => [m.createdAt.toISOString(), m.team.id], query);
        return {
          teams: page.items.map((m) => ({
            team: { id: m.team.id, slug: m.team.slug, name: m.team.name },
            role: { key: m.role.key, name: m.role.name },
            permissions: services.teams.claimsOf(m).permissions,
            joinedAt: m.createdAt.toISOString(),
          })),
          nextCursor: page.nextCursor,
        };
      },
    }),
  ];
}
