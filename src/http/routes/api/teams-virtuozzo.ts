// /api/v1/teams/:teamId/virtuozzo/...: the Virtuozzo plugin's team routes (mounted only with VIRTUOZZO_ENABLED).
// The link (status; link or re-link with the platform login and password, Owner only; the new Owner's confirmation
// after an ownership transfer; unlink, Owner or provider admin), the relying parties authorized for the team's
// sessions, and the team-scoped platform session itself: GET for a member whose role has virtuozzo.session.read or
// for an authorized relying party's client_credentials token; forced refresh and revoke for the Owner (or admin).
// services/virtuozzo/ decides and audits; platform trouble is 503 (or 502 for an unreadable answer) with Retry-After.
import type { Context } from "koa";
import { z } from "zod";
import type { AppContext } from "../../web-context.ts";
import type { VirtuozzoRefusal } from "../../../services/virtuozzo/index.ts";
import { asAdmin } from "../../../services/team-admin.ts";
import type { TeamActorRef } from "../../../services/team-roles.ts";
import { ADMIN_PERMISSIONS } from "../../../authz/core-permissions.ts";
import { InvalidTokenError } from "../../../resource-server/index.ts";
import { refusalError, type AppError } from "../../errors.ts";
import { documented } from "./declared-errors.ts";
import { tokenOf } from "./auth.ts";
import { defineRoute, type ApiRoute } from "./openapi.ts";
import { fieldInvalid } from "./request-invalid.ts";
import { teamParams, type TeamApi } from "./teams-shared.ts";
import { iso, when } from "./schemas.ts";

const TAGS = ["Virtuozzo"];
const RETRY_AFTER = 5;
const OWNER = "*";

const linkView = z
  .object({
    linked: z.boolean(),
    state: z
      .enum(["active", "suspended"])
      .nullable()
      .meta({ description: "suspended: the Owner changed since the link was made; the new Owner confirms it" }),
    platformUrl: z.string().nullable(),
    login: z.string().nullable(),
    groupType: z.string().nullable(),
    linkedById: z.uuid().nullable(),
    clientIds: z.array(z.string()),
    updatedAt: when.nullable(),
  })
  .meta({ id: "VirtuozzoLink" });
const sessionView = z
  .object({
    session: z
      .string()
      .meta({ description: "the platform session (pass it as `session` to the platform's API); valid for this team only" }),
    expiresAt: when,
    platformUrl: z.string(),
    refreshed: z.boolean().meta({ description: "true when this request signed in anew" }),
  })
  .meta({ id: "VirtuozzoSession" });
const linkBody = z
  .strictObject({
    login: z.string().trim().min(1, "enter the platform login").max(320),
    password: z.string().min(1, "enter the platform password").max(1024),
    platformUrl: z.string().max(2048).optional().meta({ description: "one of VIRTUOZZO_PLATFORM_URLS; the first when left out" }),
  })
  .meta({ id: "VirtuozzoLinkRequest" });

type View = {
  link: { platformUrl: string; login: string; groupType: string; linkedById: string; clientIds: string[]; updatedAt: Date };
  state: "active" | "suspended";
} | null;
const viewOf = (v: View): z.input<typeof linkView> =>
  v
    ? {
        linked: true,
        state: v.state,
        platformUrl: v.link.platformUrl,
        login: v.link.login,
        groupType: v.link.groupType,
        linkedById: v.link.linkedById,
        clientIds: v.link.clientIds,
        updatedAt: iso(v.link.updatedAt),
      }
    : { linked: false, state: null, platformUrl: null, login: null, groupType: null, linkedById: null, clientIds: [], updatedAt: null };

/** a refusal as the API's error; `storedCredentials`: the platform refused the team's stored credentials (not the caller's) */
export function virtuozzoError(r: VirtuozzoRefusal, storedCredentials = false): AppError {
  switch (r.outcome) {
    case "forbidden":
      return refusalError("permission.denied#team", r);
    case "invalid":
      return fieldInvalid("body", r.field, r.message);
    case "not_linked":
      return refusalError("virtuozzo.not_linked", r);
    case "suspended":
      return refusalError("virtuozzo.link_suspended", r);
    case "credentials_refused":
      return refusalError(storedCredentials ? "virtuozzo.credentials_refused#stored" : "virtuozzo.credentials_refused", r);
    case "group_refused":
      return refusalError("virtuozzo.group_type_refused", r, { groupType: r.groupType });
    case "unavailable":
      return refusalError("virtuozzo.unavailable", r, { retryAfter: RETRY_AFTER });
    case "malformed":
      return refusalError("virtuozzo.bad_answer", r, { retryAfter: RETRY_AFTER });
  }
}

const NOT_LINKED = documented("virtuozzo.not_linked", "the team has no platform link");
const SUSPENDED = documented("virtuozzo.link_suspended", "the Owner changed; the new Owner confirms the link");
const PLATFORM_ERRORS = [
  documented("virtuozzo.bad_answer", "the platform's answer did not have the documented shape (Retry-After)"),
  documented(
    "virtuozzo.unavailable",
    "the platform did not answer in time (VIRTUOZZO_REQUEST_TIMEOUT_MS) or failed (Retry-After); nothing was changed",
  ),
];

export function teamVirtuozzoRoutes(app: AppContext, api: TeamApi): ApiRoute[] {
  const vz = app.services.virtuozzo;
  const settle = <R extends { outcome: string }>(r: R | VirtuozzoRefusal, stored = false): R => {
    if (
      "message" in r &&
      ["forbidden", "invalid", "not_linked", "suspended", "credentials_refused", "group_refused", "unavailable", "malformed"].includes(
        r.outcome,
      )
    )
      throw virtuozzoError(r as VirtuozzoRefusal, stored);
    return r as R;
  };
  const owner = { token: "user", team: OWNER } as const;

  /** a user's token: the member (or provider admin); a client_credentials token: the relying party itself */
  async function callerOf(ctx: Context): Promise<{ kind: "user"; by: TeamActorRef } | { kind: "client"; clientId: string }> {
    const claims = tokenOf(ctx);
    if (claims.sub === claims.client_id) return { kind: "client", clientId: String(claims.client_id) };
    const user = await app.services.accounts.findActive(claims.sub);
    if (!user) throw new InvalidTokenError("The token's user no longer exists or is disabled.");
    return {
      kind: "user",
      by: (await app.services.systemRoles.canAdmin(user, ADMIN_PERMISSIONS.teamsManage)) ? asAdmin(user.id) : user.id,
    };
  }

  return [
    defineRoute({
      method: "get",
      path: "/api/v1/teams/:teamId/virtuozzo/link",
      tags: TAGS,
      access: { token: "user", team: "virtuozzo.link.manage" },
      params: teamParams,
      query: z.strictObject({}),
      summary: "The team's Virtuozzo platform link (never its password)",
      response: { status: 200, description: "the link, or linked: false", schema: linkView },
      handle: async (ctx, { params }) => viewOf(settle(await vz.linkStatus(params.teamId, await api.actorOf(ctx))).view),
    }),
    defineRoute({
      method: "put",
      path: "/api/v1/teams/:teamId/virtuozzo/link",
      tags: TAGS,
      access: owner,
      params: teamParams,
      body: linkBody,
      summary: "Link (or re-link) the team to a Virtuozzo platform account",
      description:
        "Owner only. Gatehouse signs in to the platform with these credentials, reads the account's user info and group type, and signs out; the group type must be one of VIRTUOZZO_ALLOWED_GROUP_TYPES. Then the password is stored encrypted with the master key and the team's cached session is purged. Audited (virtuozzo.linked, or virtuozzo.link.refused); the password is never logged or audited.",
      response: { status: 200, description: "the link", schema: linkView },
      errors: [
        documented("virtuozzo.credentials_refused", "the platform refused the login or password (nothing stored)"),
        documented("request.invalid", "data.field platformUrl: not a configured platform"),
        documented("virtuozzo.group_type_refused", "the account's group type is not allowed (data.groupType)"),
        ...PLATFORM_ERRORS,
      ],
      handle: async (ctx, { params, body }) =>
        viewOf(settle(await vz.link(params.teamId, await api.actorOf(ctx), body, api.request(ctx))).view),
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/teams/:teamId/virtuozzo/link/confirm",
      tags: TAGS,
      access: owner,
      params: teamParams,
      summary: "The new Owner takes over the team's suspended platform link",
      description:
        "After an ownership transfer the link is suspended (no sessions) until the new Owner confirms it: the stored credentials are checked against the platform again. Audited (virtuozzo.link.confirmed).",
      response: { status: 200, description: "the link, active", schema: linkView },
      errors: [
        NOT_LINKED,
        documented("virtuozzo.credentials_refused", "the stored credentials no longer work; link again"),
        documented("virtuozzo.group_type_refused", "the account's group type is no longer allowed (data.groupType)"),
        ...PLATFORM_ERRORS,
      ],
      handle: async (ctx, { params }) => viewOf(settle(await vz.confirm(params.teamId, await api.actorOf(ctx), api.request(ctx))).view),
    }),
    defineRoute({
      method: "delete",
      path: "/api/v1/teams/:teamId/virtuozzo/link",
      tags: TAGS,
      access: owner,
      params: teamParams,
      summary: "Unlink the team's platform account",
      description:
        "The Owner or a provider admin. The stored credentials are deleted and the cached session purged and signed out. Audited (virtuozzo.unlinked).",
      response: { status: 204, description: "unlinked" },
      errors: [NOT_LINKED],
      handle: async (ctx, { params }) => {
        settle(await vz.unlink(params.teamId, await api.actorOf(ctx), api.request(ctx)));
      },
    }),
    defineRoute({
      method: "put",
      path: "/api/v1/teams/:teamId/virtuozzo/clients",
      tags: TAGS,
      access: owner,
      params: teamParams,
      body: z.strictObject({ clientIds: z.array(z.string().min(1).max(200)).max(50) }).meta({ id: "VirtuozzoClients" }),
      summary: "Which relying parties may get the team's platform session with their client_credentials token",
      response: { status: 200, description: "the authorized clients", schema: z.object({ clientIds: z.array(z.string()) }) },
      errors: [NOT_LINKED],
      handle: async (ctx, { params, body }) => ({
        clientIds: settle(await vz.setClients(params.teamId, await api.actorOf(ctx), body.clientIds, api.request(ctx))).clientIds,
      }),
    }),
    defineRoute({
      method: "get",
      path: "/api/v1/teams/:teamId/virtuozzo/session",
      tags: TAGS,
      access: { token: "any", team: "virtuozzo.session.read" },
      params: teamParams,
      query: z.strictObject({}),
      summary: "A platform session for this team (team-scoped session key)",
      description:
        "For a member whose team role has virtuozzo.session.read (or the Owner, or a provider admin), or a relying party's client_credentials token when the Owner authorized that client. Cached in Redis per team; a request finding less than VIRTUOZZO_SAFETY_WINDOW_SECONDS left signs in anew, once across all processes. Sessions come only from the current Owner's link. Refusals are audited (virtuozzo.session.denied).",
      response: { status: 200, description: "the session and its expiry", schema: sessionView },
      errors: [
        documented("permission.denied#team", "not a member with virtuozzo.session.read, or a client the Owner did not authorize"),
        NOT_LINKED,
        SUSPENDED,
        documented("virtuozzo.credentials_refused#stored", "the platform refused the stored credentials; the cache was purged"),
        ...PLATFORM_ERRORS,
      ],
      handle: async (ctx, { params }) => {
        const got = settle(await vz.session(params.teamId, await callerOf(ctx), api.request(ctx)), true);
        ctx.set("Cache-Control", "no-store");
        return { session: got.session, expiresAt: iso(got.expiresAt), platformUrl: got.platformUrl, refreshed: got.refreshed };
      },
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/teams/:teamId/virtuozzo/session/refresh",
      tags: TAGS,
      access: owner,
      params: teamParams,
      summary: "Force a new platform session (Owner or provider admin)",
      response: { status: 200, description: "the new session", schema: sessionView },
      errors: [
        NOT_LINKED,
        SUSPENDED,
        documented("virtuozzo.credentials_refused#stored", "the platform refused the stored credentials; the cache was purged"),
        ...PLATFORM_ERRORS,
      ],
      handle: async (ctx, { params }) => {
        const got = settle(await vz.refresh(params.teamId, await api.actorOf(ctx), api.request(ctx)), true);
        ctx.set("Cache-Control", "no-store");
        return { session: got.session, expiresAt: iso(got.expiresAt), platformUrl: got.platformUrl, refreshed: got.refreshed };
      },
    }),
    defineRoute({
      method: "delete",
      path: "/api/v1/teams/:teamId/virtuozzo/session",
      tags: TAGS,
      access: owner,
      params: teamParams,
      summary: "Revoke the team's cached platform session (Owner or provider admin)",
      description:
        "Purged from the cache and signed out at the platform; the next request signs in anew. Audited (virtuozzo.session.revoked).",
      response: { status: 204, description: "revoked" },
      handle: async (ctx, { params }) => {
        settle(await vz.revoke(params.teamId, await api.actorOf(ctx), api.request(ctx)));
      },
    }),
  ];
}
