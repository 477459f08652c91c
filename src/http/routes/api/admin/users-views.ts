// What the admin users API shows: the zod schemas of its answers (they are the OpenAPI document's components
// and strip anything they do not list) and the mappers from services.userAdmin's results. Only fields an admin
// may see: never a password hash, a TOTP secret, a device token hash or a session's tokens. Recent audit events
// are listed without their data (reading it needs the audit log's own permission, gatehouse.admin.audit.read).
import type { Context } from "koa";
import { z } from "zod";
import { iso, sessionFields, sessionFieldsOf, when } from "../schemas.ts";
import type { SafeUser } from "../../../../queries/users.ts";
import type { SystemRole } from "../../../../queries/permissions.ts";
import type { AdminActor, UserAdminActor } from "../../../../services/user-admin-types.ts";
import type { UserDetails } from "../../../../services/user-details.ts";
import type { UserSession } from "../../../../services/sessions/records.ts";
import { catalogueError } from "../../../errors.ts";
import { documented } from "../declared-errors.ts";
import { userOf } from "../openapi.ts";
import { tokenOf } from "../auth.ts";

const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

/** the path's user id (a UUID, lower-cased: ids are stored that way) */
export const userParams = z.strictObject({
  userId: z
    .uuid("is not a user id")
    .transform((id) => id.toLowerCase())
    .meta({ description: "the user's id (a UUID)" }),
});

export const adminUser = z
  .object({
    id: z.uuid(),
    email: z.string(),
    username: z.string(),
    name: z.string().nullable(),
    emailVerified: z.boolean(),
    disabled: z.boolean(),
    disabledAt: when.nullable(),
    systemRole: z.string().nullable().meta({ description: "the key of the user's system role, if any" }),
    twoFactorEnabled: z.boolean(),
    lastLoginAt: when.nullable(),
    passwordChangedAt: when.nullable(),
    createdAt: when,
  })
  .meta({ id: "AdminUser" });

export const adminSession = z
  .object({
    id: z.string().meta({ description: "the session's id (its uid)" }),
    userId: z.uuid(),
    ...sessionFields,
  })
  .meta({ id: "UserSession" });

const adminDevice = z
  .object({
    id: z.uuid(),
    label: z.string(),
    ip: z.string().nullable(),
    countryCode: z.string().nullable(),
    createdAt: when,
    lastUsedAt: when,
    expiresAt: when,
  })
  .meta({ id: "AdminTrustedDevice" });

const adminEvent = z
  .object({
    id: z.string(),
    type: z.string(),
    outcome: z.string(),
    actorId: z.string().nullable(),
    clientId: z.string().nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    createdAt: when,
  })
  .meta({ id: "AdminUserEvent" });

export const adminUserDetails = z
  .object({
    user: adminUser,
    teams: z.array(
      z.object({
        team: z.object({ id: z.uuid(), slug: z.string(), name: z.string() }),
        role: z.object({ key: z.string(), name: z.string() }),
      }),
    ),
    twoFactor: z.object({ enabled: z.boolean(), enabledAt: when.nullable(), backupCodesLeft: z.number().int() }),
    sessions: z.array(adminSession).meta({ description: "the live sessions, newest first" }),
    trustedDevices: z.array(adminDevice),
    lock: z.object({
      locked: z.boolean(),
      lockedUntil: when.nullable().meta({ description: "while locked: when sign-in opens again" }),
      failures: z.number().int().meta({ description: "recent failed sign-ins counted towards a lock" }),
    }),
    recentEvents: z.array(adminEvent).meta({ description: "the user's 20 newest audit events (without their data)" }),
  })
  .meta({ id: "AdminUserDetails" });

export const systemRoleView = z
  .object({
    key: z.string(),
    name: z.string(),
    permissions: z.array(z.string()).meta({ description: 'gatehouse.admin.* codes or wildcards inside it; Super Admin\'s is "*"' }),
    builtIn: z.boolean().meta({ description: "built in (Super Admin): not editable" }),
    createdAt: when,
    updatedAt: when,
  })
  .meta({ id: "SystemRole" });

export const userView = (u: SafeUser): z.input<typeof adminUser> => ({
  id: u.id,
  email: u.email,
  username: u.username,
  name: u.name,
  emailVerified: u.emailVerified,
  disabled: u.disabled,
  disabledAt: isoOrNull(u.disabledAt),
  systemRole: u.systemRole,
  twoFactorEnabled: u.totpEnabledAt !== null,
  lastLoginAt: isoOrNull(u.lastLoginAt),
  passwordChangedAt: isoOrNull(u.passwordChangedAt),
  createdAt: iso(u.createdAt),
});

export const sessionView = (s: UserSession): z.input<typeof adminSession> => ({
  id: s.id,
  userId: s.userId,
  ...sessionFieldsOf(s),
});

export function detailsView(d: UserDetails, now: Date): z.input<typeof adminUserDetails> {
  const locked = d.lock.lockedUntil !== null && d.lock.lockedUntil.getTime() > now.getTime();
  return {
    user: userView(d.user),
    teams: d.teams.map((t) => ({ team: { id: t.teamId, slug: t.slug, name: t.name }, role: { key: t.role.key, name: t.role.name } })),
    twoFactor: { enabled: d.twoFactor.enabled, enabledAt: isoOrNull(d.twoFactor.enabledAt), backupCodesLeft: d.twoFactor.backupCodesLeft },
    sessions: d.sessions.map(sessionView),
    trustedDevices: d.trustedDevices.map((v) => ({
      id: v.id,
      label: v.label,
      ip: v.ip,
      countryCode: v.countryCode,
      createdAt: iso(v.createdAt),
      lastUsedAt: iso(v.lastUsedAt),
      expiresAt: iso(v.expiresAt),
    })),
    lock: { locked, lockedUntil: locked ? iso(d.lock.lockedUntil!) : null, failures: d.lock.failures },
    recentEvents: d.recentEvents.map((e) => ({
      id: e.id,
      type: e.type,
      outcome: e.outcome,
      actorId: e.actorId,
      clientId: e.clientId,
      ip: e.ip,
      userAgent: e.userAgent,
      createdAt: iso(e.createdAt),
    })),
  };
}

export const roleView = (r: SystemRole): z.input<typeof systemRoleView> => ({
  key: r.key,
  name: r.name,
  permissions: r.permissions,
  builtIn: r.builtIn,
  createdAt: iso(r.createdAt),
  updatedAt: iso(r.updatedAt),
});

/** the admin behind the token as the services' actor (audited with it) */
export const actorOf = (ctx: Context): AdminActor => ({ actorId: userOf(ctx).id, ip: ctx.ip, userAgent: ctx.get("user-agent") || null });
/**
 * the same for the use cases that record the surface too: data.via "api", and data.apiClientId, the client the
 * admin's token was issued to (services/admin-actor.ts: surfaceOf)
 */
export const apiActorOf = (ctx: Context): UserAdminActor & { via: "api"; apiClientId: string } => ({
  ...actorOf(ctx),
  via: "api",
  apiClientId: tokenOf(ctx).client_id,
});

/** the user's system role holds more than the caller's (services.userAdmin refused) */
export const OUTRANKED_DOC = documented("user.outranked", "the user's system role holds more than the caller's");
export const outranked = () => catalogueError("user.outranked");
export const userNotFound = () => catalogueError("user.not_found");
