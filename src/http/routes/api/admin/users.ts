// The provider admin API for users: GET /api/v1/users (search, cursor pages) and /api/v1/users/:userId (the
// whole picture) need gatehouse.admin.users.read; the actions (disable, enable, unlock, reset two-factor, sign
// out everywhere, send a password reset, set the system role) need gatehouse.admin.users.manage, and setting a
// system role also gatehouse.admin.roles.manage (as on the admin pages: otherwise a user manager could make
// themselves Super Admin). Everything goes through services.userAdmin, which audits each call with the admin
// behind the token as actor. Also here: the admin sessions routes (users-sessions.ts) and the system roles
// (system-roles.ts), which are the users' provider-level roles.
import type { Context } from "koa";
import { z } from "zod";
import type { AppContext } from "../../../web-context.ts";
import { catalogueError, refusalError } from "../../../errors.ts";
import { documented } from "../declared-errors.ts";
import { defineRoute, userOf, type ApiRoute } from "../openapi.ts";
import { DEFAULT_LIMIT, MAX_LIMIT, nextCursor } from "../pagination.ts";
import {
  apiActorOf,
  OUTRANKED_DOC,
  outranked,
  adminUser,
  adminUserDetails,
  detailsView,
  userNotFound,
  userParams,
  userView,
} from "./users-views.ts";
import { adminSessionRoutes } from "./users-sessions.ts";
import { adminPasskeyRoutes } from "./users-passkeys.ts";
import { systemRoleRoutes } from "./system-roles.ts";
import { fieldInvalid } from "../request-invalid.ts";
import { ADMIN_PERMISSIONS } from "../../../../authz/core-permissions.ts";

const READ = { token: "user", permission: "gatehouse.admin.users.read" } as const;
const MANAGE = { token: "user", permission: "gatehouse.admin.users.manage" } as const;
const TAGS = ["Admin: users"];

const searchQuery = z.strictObject({
  query: z
    .string()
    .max(254, "has at most 254 characters")
    .optional()
    .meta({ description: "text the email or username contains (any case)" }),
  teamId: z.uuid("is not a team id").optional().meta({ description: "only members of this team" }),
  disabled: z
    .enum(["true", "false"], "is true or false")
    .transform((v) => v === "true")
    .optional()
    .meta({ description: "only disabled (true) or only active (false) users" }),
  cursor: z.string().max(1024).optional().meta({ description: "the previous page's nextCursor; leave out for the first page" }),
  limit: z.coerce
    .number<string>()
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(MAX_LIMIT, `must be at most ${MAX_LIMIT}`)
    .default(DEFAULT_LIMIT)
    .meta({ description: `how many users per page, 1-${MAX_LIMIT}`, example: 20 }),
});

const noQuery = z.strictObject({});
const systemRoleBody = z.strictObject({
  role: z.string().max(40).nullable().meta({ description: "a system role's key, or null to take the user's away" }),
});

const disabled = z
  .object({
    changed: z.boolean().meta({ description: "false when the user was disabled already (whatever signed in meanwhile is ended too)" }),
    sessionsEnded: z.number().int(),
    grantsRevoked: z.number().int(),
  })
  .meta({ id: "UserDisabled" });
const changed = (id: string, description: string, field: string) => z.object({ [field]: z.boolean().meta({ description }) }).meta({ id });
const signedOut = z.object({ sessionsEnded: z.number().int(), grantsRevoked: z.number().int() }).meta({ id: "UserSignedOut" });
const roleSet = z.object({ systemRole: z.string().nullable(), previous: z.string().nullable() }).meta({ id: "UserSystemRoleSet" });

type ActionRoute = {
  path: string;
  summary: string;
  description: string;
  response: z.ZodObject;
  errors?: { status: number; description: string }[];
  run: (ctx: Context, userId: string) => Promise<Record<string, unknown>>;
};

export function adminUserRoutes(app: AppContext): ApiRoute[] {
  return [...userRoutes(app), ...actionRoutes(app), ...adminSessionRoutes(app), ...adminPasskeyRoutes(app), ...systemRoleRoutes(app)];
}

function userRoutes(app: AppContext): ApiRoute[] {
  const ua = app.services.userAdmin;
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/users",
      tags: TAGS,
      access: READ,
      query: searchQuery,
      summary: "Search users, newest first",
      description: "Every filter is optional; audited as user.searched.",
      response: {
        status: 200,
        description: "a page of users",
        schema: z.object({ users: z.array(adminUser), nextCursor }).meta({ id: "AdminUserPage" }),
      },
      handle: async (ctx, { query }) => {
        const result = await ua.search(
          { query: query.query, teamId: query.teamId, disabled: query.disabled, cursor: query.cursor, limit: query.limit },
          apiActorOf(ctx),
        );
        if (result.outcome === "invalid") throw fieldInvalid("query", result.field, result.message);
        return { users: result.users.map(userView), nextCursor: result.nextCursor };
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/v1/users/:userId",
      tags: TAGS,
      access: READ,
      params: userParams,
      query: noQuery,
      summary: "One user: profile, teams and roles, two-factor state, sessions, trusted devices, lock, recent events",
      description: "Audited as user.viewed.",
      response: { status: 200, description: "the user", schema: adminUserDetails },
      errors: [documented("user.not_found")],
      handle: async (ctx, { params }) => {
        const result = await ua.view(params.userId, apiActorOf(ctx));
        if (result.outcome === "not_found") throw userNotFound();
        return detailsView(result, app.clock.now());
      },
    }),
    defineRoute({
      method: "put",
      path: "/api/v1/users/:userId/system-role",
      tags: TAGS,
      access: MANAGE,
      params: userParams,
      body: systemRoleBody,
      summary: "Give a user a system role, or take it away (null)",
      description: `Needs ${ADMIN_PERMISSIONS.rolesManage} as well (403 permission.denied without it). The last active Super Admin keeps the role. Audited as user.system_role_changed.`,
      response: { status: 200, description: "the user's system role now and before", schema: roleSet },
      errors: [
        documented("permission.denied#roles_manage", `the caller's system role lacks ${ADMIN_PERMISSIONS.rolesManage}`),
        documented("permission.denied#refused", "the role given or taken holds more than the caller's own"),
        documented("user.not_found"),
        documented("user.last_super_admin", "the last active Super Admin keeps the role"),
      ],
      handle: async (ctx, { params, body }) => {
        if (!(await app.services.systemRoles.canAdmin(userOf(ctx), ADMIN_PERMISSIONS.rolesManage))) {
          throw catalogueError("permission.denied#roles_manage", { permission: ADMIN_PERMISSIONS.rolesManage });
        }
        const result = await ua.setSystemRole(params.userId, body.role, apiActorOf(ctx));
        if (result.outcome === "not_found") throw userNotFound();
        if (result.outcome === "unknown_role")
          throw fieldInvalid("body", "role", "is not a system role's key (GET /api/v1/system-roles lists them)");
        if (result.outcome === "last_super_admin") throw catalogueError("user.last_super_admin");
        if (result.outcome === "forbidden") throw refusalError("permission.denied#refused", result);
        return { systemRole: body.role, previous: result.previous };
      },
    }),
  ];
}

function actionRoutes(app: AppContext): ApiRoute[] {
  const ua = app.services.userAdmin;
  const actions: ActionRoute[] = [
    {
      path: "disable",
      summary: "Disable a user",
      description:
        "They can no longer sign in; every session ends and every grant (so every refresh token) is revoked, and their access tokens stop working on this API. An admin cannot disable themselves (403 user.cannot_disable_self). Audited as user.disabled.",
      response: disabled,
      errors: [
        documented("user.cannot_disable_self", "an admin cannot disable their own account"),
        OUTRANKED_DOC,
        documented("user.last_super_admin", "the last active Super Admin cannot be disabled"),
      ],
      run: async (ctx, id) => {
        const r = await ua.disable(id, apiActorOf(ctx));
        if (r.outcome === "not_found") throw userNotFound();
        if (r.outcome === "self") throw catalogueError("user.cannot_disable_self");
        if (r.outcome === "last_super_admin") throw catalogueError("user.last_super_admin");
        if (r.outcome === "outranked") throw outranked();
        return { changed: r.changed, sessionsEnded: r.sessions, grantsRevoked: r.grants };
      },
    },
    {
      path: "enable",
      summary: "Enable a disabled user",
      description: "They can sign in again. Audited as user.enabled.",
      response: changed("UserEnabled", "false when the user was not disabled", "changed"),
      errors: [OUTRANKED_DOC],
      run: async (ctx, id) => {
        const r = await ua.enable(id, apiActorOf(ctx));
        if (r.outcome === "not_found") throw userNotFound();
        if (r.outcome === "outranked") throw outranked();
        return { changed: r.changed };
      },
    },
    {
      path: "unlock",
      summary: "Lift a user's sign-in lock",
      description: "The failed sign-in count starts over. Audited as user.unlocked.",
      response: changed("UserUnlocked", "whether the user was locked", "wasLocked"),
      errors: [OUTRANKED_DOC],
      run: async (ctx, id) => {
        const r = await ua.unlock(id, apiActorOf(ctx));
        if (r.outcome === "not_found") throw userNotFound();
        if (r.outcome === "outranked") throw outranked();
        return { wasLocked: r.wasLocked };
      },
    },
    {
      path: "reset-two-factor",
      summary: "Turn a user's two-factor authentication off",
      description:
        "The TOTP secret and backup codes are deleted; the password alone signs in until they set it up again. The user is told by email. Audited as user.two_factor_reset.",
      response: changed("UserTwoFactorReset", "whether two-factor authentication was on", "wasEnabled"),
      errors: [OUTRANKED_DOC],
      run: async (ctx, id) => {
        const r = await ua.resetTwoFactor(id, apiActorOf(ctx));
        if (r.outcome === "not_found") throw userNotFound();
        if (r.outcome === "outranked") throw outranked();
        return { wasEnabled: r.wasEnabled };
      },
    },
    {
      path: "sign-out-everywhere",
      summary: "End every session of a user and revoke every grant",
      description: "Relying parties are told by back-channel logout; the account stays usable. Audited as user.signed_out_everywhere.",
      response: signedOut,
      errors: [OUTRANKED_DOC],
      run: async (ctx, id) => {
        const r = await ua.signOutEverywhere(id, apiActorOf(ctx));
        if (r.outcome === "not_found") throw userNotFound();
        if (r.outcome === "outranked") throw outranked();
        return { sessionsEnded: r.sessions, grantsRevoked: r.grants };
      },
    },
    {
      path: "password-reset",
      summary: "Email a user a password-reset link",
      description: "The link goes to the user's email only (the answer never has it). Audited as user.password_reset_sent.",
      response: changed("UserPasswordResetSent", "always true", "sent"),
      errors: [
        documented("user.disabled", "a disabled account gets no password reset"),
        documented(
          "rate_limited",
          "the address's hourly reset budget (RATE_LIMIT_RESET_PER_IDENTIFIER, shared with /forgot-password) is spent; Retry-After says when",
        ),
      ],
      run: async (ctx, id) => {
        const r = await ua.sendPasswordReset(id, apiActorOf(ctx), { beforeSend: (key) => app.rateLimits.resetPerIdentifier.consume(key) });
        if (r.outcome === "not_found") throw userNotFound();
        if (r.outcome === "disabled") throw catalogueError("user.disabled");
        return { sent: true };
      },
    },
  ];
  return actions.map((a) =>
    defineRoute({
      method: "post",
      path: `/api/v1/users/:userId/${a.path}`,
      tags: TAGS,
      access: MANAGE,
      params: userParams,
      summary: a.summary,
      description: a.description,
      response: { status: 200, description: "done", schema: a.response },
      errors: [documented("user.not_found"), ...(a.errors ?? [])],
      handle: (ctx, { params }) => a.run(ctx, params.userId),
    }),
  );
}
