// What the admin user screens share: their permissions, CSRF binding and 404 page; and the user page's view
// model: services.userAdmin.view's result as users-detail.eta shows it (dates as UTC text, sessions through the
// account pages' sessionView, devices and audit events as plain rows).
import type { Context } from "koa";
import type { AppContext } from "../../../context.ts";
import { AppError } from "../../errors.ts";
import type { UserDetails } from "../../../services/user-admin.ts";
import { sessionView } from "../account/sessions.ts";

/** one CSRF binding for every form on the user screens */
export const USERS_CSRF = "admin-users";

export type UserPageLocals = { notice?: string; error?: string };
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
    lock: { locked, lockedUntil: locked ? when(lock.lockedUntil!) : null, failures: lock.failures },
    events: details.recentEvents.map((e) => ({
      type: e.type, outcome: e.outcome, at: when(e.createdAt), ip: e.ip ?? "", actor: e.actorId ?? "", client: e.clientId ?? "",
    })),
  };
}
