// The self-service API's data routes: `GET /api/v1/me/export` (the caller's own data as JSON; no parameter can
// name another user; RATE_LIMIT_EXPORT_PER_USER, shared with the account page) and `DELETE /api/v1/me` (delete
// the caller's account after re-authentication: the password, or without one a TOTP or backup code; wrong ones
// count toward the lockout. A passkey ceremony needs a browser, so an account with passkeys only is refused with
// account.passkey_required, pointing at /account/data, rather than accepting a token's earlier sign-in). Both go through the same services as the account page; refusals come from the
// error catalogue.
import type { Context } from "koa";
import { z } from "zod";
import type { AppContext } from "../../web-context.ts";
import { catalogueError } from "../../errors.ts";
import { documented } from "./declared-errors.ts";
import { ownDeletionRefusal } from "../../../services/account-deletion.ts";
import { tokenOf } from "./auth.ts";
import { defineRoute, userOf, type ApiRoute } from "./openapi.ts";

const ME = { token: "user" } as const;
const TAGS = ["Me"];
const rows = z.array(z.record(z.string(), z.unknown()));

export const meExport = z
  .object({
    format: z.literal("gatehouse.account-export.v1"),
    exportedAt: z.string(),
    issuer: z.string(),
    profile: z.record(z.string(), z.unknown()).meta({ description: "id, email, username, name, verification, system role, times" }),
    credentials: z.record(z.string(), z.unknown()).meta({
      description: "whether a password is set and when it changed; two-factor on or off and backup codes left (never a secret or a hash)",
    }),
    teams: rows.meta({ description: "each team with the caller's role and its permissions" }),
    sessions: rows.meta({ description: "every sign-in session on record, ended ones too" }),
    trustedDevices: rows,
    loginLocations: rows,
    auditEvents: rows.meta({ description: "the audit events about the caller or by them, newest first (at most 10,000)" }),
    auditEventsTruncated: z.boolean(),
  })
  .meta({ id: "MeExport" });

const deleteBody = z.strictObject({
  password: z.string().min(1).max(1024).optional().meta({ description: "the current password (accounts that have one)" }),
  code: z.string().min(1).max(64).optional().meta({ description: "a TOTP or backup code, for an account without a password" }),
});

const deleted = z
  .object({
    status: z.enum(["deleted", "scheduled"]).meta({
      description:
        "deleted: erased now; scheduled: disabled until deletionDueAt (ACCOUNT_DELETION_GRACE_DAYS), restorable by the emailed link",
    }),
    deletionDueAt: z.string().nullable(),
  })
  .meta({ id: "MeDeleted" });

export function meDataRoutes(app: AppContext): ApiRoute[] {
  const { services } = app;
  const request = (ctx: Context) => ({ ip: ctx.ip, userAgent: ctx.get("user-agent") || null, clientId: tokenOf(ctx).client_id ?? null });
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/me/export",
      tags: TAGS,
      access: ME,
      query: z.strictObject({}),
      summary: "Export the caller's data",
      description:
        "Profile, teams and roles, sessions, trusted devices, second-factor metadata (never secrets), login locations and the audit events about the caller. Only the caller's own data: the route takes no user id. Audited as account.exported.",
      response: { status: 200, description: "the export", schema: meExport },
      errors: [
        documented("rate_limited", "RATE_LIMIT_EXPORT_PER_USER exports an hour"),
        documented("user.not_found", "the caller's account was deleted meanwhile"),
      ],
      handle: async (ctx) => {
        const user = userOf(ctx);
        await app.rateLimits.exportPerUser.consume(user.id);
        const document = await services.accountExport.exportFor(user.id, { ...request(ctx), via: "api" });
        if (!document) throw catalogueError("user.not_found");
        return document;
      },
    }),

    defineRoute({
      method: "delete",
      path: "/api/v1/me",
      tags: TAGS,
      access: ME,
      body: deleteBody,
      summary: "Delete the caller's account",
      description:
        "Needs the current password (or, for an account without one, a TOTP or backup code). An account that signs in with passkeys only (no password, no authenticator app) is refused with account.passkey_required: a passkey needs a browser, so it deletes on the account page /account/data. Refused while the caller is the Owner of a team with other members (transfer it first) and for the last active Super Admin. Every session ends, every grant and token is revoked, relying parties get back-channel logouts, and a confirmation is emailed. With ACCOUNT_DELETION_GRACE_DAYS the account is disabled and restorable by an emailed link until then.",
      response: { status: 200, description: "deleted or scheduled", schema: deleted },
      errors: [
        documented("account.reauth_required", "no password or code given"),
        documented("account.wrong_password"),
        documented("account.wrong_code"),
        documented("account.owns_teams", "the caller owns a team with other members (data.teams lists them)"),
        documented("account.last_super_admin"),
        documented("account.no_factor"),
        documented("account.passkey_required", "passkeys only: use /account/data"),
        documented("account.deletion_pending"),
        documented("user.not_found", "the caller's account was deleted meanwhile (two deletions at once: one of them finds it gone)"),
        documented("account.locked"),
        documented("rate_limited", "too many deletion attempts for this account (Retry-After says when)"),
      ],
      handle: async (ctx, { body }) => {
        const user = userOf(ctx);
        await app.rateLimits.loginPerIdentifier.consume(`user:${user.id}`);
        const result = await services.accountDeletion.deleteOwn(user, body, { ...request(ctx), via: "api" });
        if (result.outcome === "deleted") return { status: "deleted" as const, deletionDueAt: null };
        if (result.outcome === "scheduled") return { status: "scheduled" as const, deletionDueAt: result.dueAt.toISOString() };
        if (result.outcome === "not_found") throw catalogueError("user.not_found");
        throw catalogueError(
          ownDeletionRefusal(result.outcome)!,
          result.outcome === "owns_teams" ? { teams: result.teams.map((t) => ({ slug: t.slug, name: t.name })) } : undefined,
        );
      },
    }),
  ];
}
