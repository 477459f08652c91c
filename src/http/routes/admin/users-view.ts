// What the admin user screens share: their permissions, CSRF binding and 404 page; and the user page's view
// model: services.userAdmin.view's result as users-detail.eta shows it (dates as UTC text, sessions through the
// account pages' sessionView, devices and audit events as plain rows).
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import { AppError } from "../../errors.ts";
import type { UserDetails } from "../../../services/user-admin.ts";
import { sessionView } from "../account/sessions.ts";

/** one CSRF binding for every form on the user screens */
export const USERS_CSRF = "admin-users";

export type UserPageLocals = { notice?: string; error?: string };
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** what a done action says on the user's page, by the fixed code its redirect carries (n: a count, digits only) */
export const USER_NOTICES = {
  disabled: (n: number) => `User disabled; ${plural(n, "session")} ended.`,
  already_disabled: (n: number) => `The user was already disabled; ${plural(n, "session")} ended.`,
  enabled: () => "User enabled; they can sign in again.",
  not_disabled: () => "The user was not disabled.",
  unlocked: () => "User unlocked; the failed sign-in count starts over.",
  not_locked: () => "The user was not locked; the failed sign-in count starts over.",
  two_factor_reset: () => "Two-factor authentication reset; the user was told by email.",
  no_two_factor: () => "The user had no two-factor authentication.",
  signed_out: (n: number) => `Signed out everywhere; ${plural(n, "session")} ended.`,
  reset_sent: (_n: number, u: { email: string }) => `A password-reset email was sent to ${u.email}.`,
  role_changed: (_n: number, u: { roleName: string | null }) => `System role changed to ${u.roleName ?? "none"}.`,
  role_removed: () => "System role removed.",
  deleted: () => "User deleted; every session ended and they were told by email.",
  passkey_removed: () => "Passkey removed; the user was told by email.",
} as const satisfies Record<string, (n: number, u: { email: string; roleName: string | null }) => string>;
export type UserNotice = keyof typeof USER_NOTICES;

/** the notice of ?done=<code>&n=<digits>, or undefined for anything else */
export function userNoticeOf(query: Record<string, unknown>, u: { email: string; roleName: string | null }): string | undefined {
  const code = typeof query.done === "string" && Object.hasOwn(USER_NOTICES, query.done) ? (query.done as UserNotice) : undefined;
  if (!code) return undefined;
  const n = typeof query.n === "string" && /^\d{1,6}$/.test(query.n) ? Number(query.n) : 0;
  return USER_NOTICES[code](n, u);
}

export type UserPages = {
  /** the user's page (404 for an unknown id), with a notice or an error from an action */
  renderUser(ctx: Context, userId: string, locals?: UserPageLocals, status?: number): Promise<void>;
};

export function notFound(): AppError {
  return new AppError("admin.user_not_found", 404, "There is no such user.", { startOverUrl: "/admin/users" });
}

export const when = (d: Date) => `${d.toISOString().replace("T", " ").slice(0, 16)} UTC`;

export async function userDetailsView(app: AppContext, details: UserDetails) {
  const { user, teams, twoFactor, lock } = details;
  const now = app.clock.now().getTime();
  const locked = lock.lockedUntil !== null && lock.lockedUntil.getTime() > now;
  return {
    target: {
      id: user.id, username: user.username, name: user.name, email: user.email, verified: user.emailVerified,
      disabled: user.disabled, disabledAt: user.disabledAt ? when(user.disabledAt) : null, systemRole: user.systemRole,
      created: when(user.createdAt), lastLogin: user.lastLoginAt ? when(user.lastLoginAt) : null,
      passwordChanged: user.passwordChangedAt ? when(user.passwordChangedAt) : null,
    },
    teams: teams.map((t) => ({ id: t.teamId, slug: t.slug, name: t.name, role: t.role.name })),
    twoFactor: { enabled: twoFactor.enabled, enabledAt: twoFactor.enabledAt ? when(twoFactor.enabledAt) : null, backupCodesLeft: twoFactor.backupCodesLeft },
    sessions: await Promise.all(details.sessions.map((s) => sessionView(app, s))),
    devices: details.trustedDevices.map((d) => ({
      label: d.label, ip: d.ip ?? "unknown address", country: d.countryCode, trustedOn: when(d.createdAt), lastUsed: when(d.lastUsedAt), expires: when(d.expiresAt),
    })),
    passkeys: details.passkeys.map((p) => ({
      id: p.id, name: p.name, kind: p.kind === "hwk" ? "security key" : "passkey", synced: p.backedUp, created: when(p.createdAt), lastUsed: p.lastUsedAt ? when(p.lastUsedAt) : "never",
    })),
    lock: { locked, lockedUntil: locked ? when(lock.lockedUntil!) : null, failures: lock.failures },
    events: details.recentEvents.map((e) => ({
      type: e.type, outcome: e.outcome, at: when(e.createdAt), ip: e.ip ?? "", actor: e.actorId ?? "", client: e.clientId ?? "",
    })),
  };
}
