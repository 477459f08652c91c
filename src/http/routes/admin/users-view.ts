// What the admin user screens share: their permissions, CSRF binding and 404 page; and the user page's view
// model: services.userAdmin.view's result as users-detail.eta shows it (dates as {text: UTC text, iso} for the page
// to say in its language, sessions through the account pages' sessionView, devices and audit events as plain rows).
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import { catalogueError, type AppError } from "../../errors.ts";
import type { UserDetails } from "../../../services/user-details.ts";
import { sessionView } from "../account/sessions.ts";
import { roleNameIn } from "../teams/shared.ts";
import type { Said } from "../../../lib/i18n/refusal.ts";

/** one CSRF binding for every form on the user screens */
export const USERS_CSRF = "admin-users";

/** error: a message key, a fixed English text, or a service's refusal said by its key with its values */
export type UserPageLocals = { notice?: string; error?: string | Said };

/**
 * what a done action says on the user's page, by the fixed code its redirect carries: a message key of
 * lib/i18n/en-admin.ts ({n}: a count, digits only; one and many have their own keys)
 */
export const USER_NOTICES = {
  disabled: "admin.notice.user.disabled",
  already_disabled: "admin.notice.user.alreadyDisabled",
  enabled: "admin.notice.user.enabled",
  not_disabled: "admin.notice.user.notDisabled",
  unlocked: "admin.notice.user.unlocked",
  not_locked: "admin.notice.user.notLocked",
  two_factor_reset: "admin.notice.user.twoFactorReset",
  no_two_factor: "admin.notice.user.noTwoFactor",
  signed_out: "admin.notice.user.signedOut",
  reset_sent: "admin.notice.user.resetSent",
  role_changed: "admin.notice.user.roleChanged",
  role_removed: "admin.notice.user.roleRemoved",
  deleted: "admin.notice.user.deleted",
  passkey_removed: "admin.notice.user.passkeyRemoved",
} as const;
export type UserNotice = keyof typeof USER_NOTICES;
/** the notices that count sessions: "1 session" and "2 sessions" are their own keys */
const COUNTED: ReadonlySet<UserNotice> = new Set(["disabled", "already_disabled", "signed_out"]);

/** the notice of ?done=<code>&n=<digits> in the page's words (`say`), or undefined for anything else */
export function userNoticeOf(
  query: Record<string, unknown>,
  u: { email: string; roleName: string | null },
  say: (key: string, vars?: Record<string, string | number>) => string,
): string | undefined {
  const code = typeof query.done === "string" && Object.hasOwn(USER_NOTICES, query.done) ? (query.done as UserNotice) : undefined;
  if (!code) return undefined;
  const n = typeof query.n === "string" && /^\d{1,6}$/.test(query.n) ? Number(query.n) : 0;
  const key = COUNTED.has(code) ? `${USER_NOTICES[code]}.${n === 1 ? "one" : "other"}` : USER_NOTICES[code];
  return say(key, { n, email: u.email, role: u.roleName ?? say("admin.none") });
}

export type UserPages = {
  /** the user's page (404 for an unknown id), with a notice or an error from an action */
  renderUser(ctx: Context, userId: string, locals?: UserPageLocals, status?: number): Promise<void>;
};

export function notFound(): AppError {
  return catalogueError("admin.user_not_found", { startOverUrl: "/admin/users" });
}

export const when = (d: Date) => `${d.toISOString().replace("T", " ").slice(0, 16)} UTC`;
/** a date as the admin pages show it: the English UTC text (`when`) and the instant for it.tDate */
export const stamp = (d: Date) => ({ text: when(d), iso: d.toISOString() });
export type Stamp = ReturnType<typeof stamp>;

/** the user page's data; built-in team role names said by `say` (the page's language) */
export async function userDetailsView(app: AppContext, details: UserDetails, say: (text: string) => string) {
  const { user, teams, twoFactor, lock } = details;
  const now = app.clock.now().getTime();
  const locked = lock.lockedUntil !== null && lock.lockedUntil.getTime() > now;
  return {
    target: {
      id: user.id,
      username: user.username,
      name: user.name,
      email: user.email,
      verified: user.emailVerified,
      disabled: user.disabled,
      disabledAt: user.disabledAt ? stamp(user.disabledAt) : null,
      systemRole: user.systemRole,
      created: stamp(user.createdAt),
      lastLogin: user.lastLoginAt ? stamp(user.lastLoginAt) : null,
      passwordChanged: user.passwordChangedAt ? stamp(user.passwordChangedAt) : null,
    },
    teams: teams.map((t) => ({ id: t.teamId, slug: t.slug, name: t.name, role: roleNameIn(say)(t.role) })),
    twoFactor: {
      enabled: twoFactor.enabled,
      enabledAt: twoFactor.enabledAt ? stamp(twoFactor.enabledAt) : null,
      backupCodesLeft: twoFactor.backupCodesLeft,
    },
    sessions: await Promise.all(details.sessions.map((s) => sessionView(app, s))),
    devices: details.trustedDevices.map((d) => ({
      label: d.label,
      ip: d.ip,
      country: d.countryCode,
      trustedOn: stamp(d.createdAt),
      lastUsed: stamp(d.lastUsedAt),
      expires: stamp(d.expiresAt),
    })),
    passkeys: details.passkeys.map((p) => ({
      id: p.id,
      name: p.name,
      kind: p.kind === "hwk" ? "admin.user.securityKey" : "admin.user.passkey",
      synced: p.backedUp,
      created: stamp(p.createdAt),
      lastUsed: p.lastUsedAt ? stamp(p.lastUsedAt) : null,
    })),
    lock: { locked, lockedUntil: locked ? stamp(lock.lockedUntil!) : null, failures: lock.failures },
    events: details.recentEvents.map((e) => ({
      type: e.type,
      outcome: e.outcome,
      at: stamp(e.createdAt),
      ip: e.ip ?? "",
      actor: e.actorId ?? "",
      client: e.clientId ?? "",
    })),
  };
}
