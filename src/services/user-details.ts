// One user's whole picture for the provider admins (user-admin.ts): profile, teams and roles, two-factor state,
// live sessions, trusted devices, passkeys, sign-in lock and the newest audit events; viewing it is audited as
// user.viewed. Fields that leave here are safe to show an admin (never a password hash, TOTP secret or token).
import type { SafeUser } from "../queries/users.ts";
import type { UserSession } from "./sessions/records.ts";
import type { TrustedDevice } from "./devices/trusted-devices.ts";
import type { PasskeyView } from "./passkeys/index.ts";
import { READ_ACCESS_TYPES } from "./audit-log.ts";
import { UUID } from "../lib/ids.ts";
import type { NotFound, UserAdminActor, UserAdminDeps } from "./user-admin-types.ts";
import type { UserAdminSteps } from "./user-admin-steps.ts";

export type UserTeam = { teamId: string; slug: string; name: string; role: { id: string; key: string; name: string } };
export type AuditEntry = {
  id: string;
  type: string;
  outcome: string;
  actorId: string | null;
  clientId: string | null;
  ip: string | null;
  userAgent: string | null;
  data: unknown;
  createdAt: Date;
};
export type UserDetails = {
  user: SafeUser;
  teams: UserTeam[];
  twoFactor: { enabled: boolean; enabledAt: Date | null; backupCodesLeft: number };
  sessions: UserSession[];
  trustedDevices: Omit<TrustedDevice, "current">[];
  passkeys: PasskeyView[];
  lock: { lockedUntil: Date | null; failures: number };
  recentEvents: AuditEntry[];
};

export function createUserDetails({ queries, services }: UserAdminDeps, { record }: UserAdminSteps) {
  return {
    /** profile, teams and roles, 2FA state, live sessions, trusted devices, lock, the 20 newest audit events (read access left out) */
    async view(userId: string, actor: UserAdminActor): Promise<({ outcome: "ok" } & UserDetails) | NotFound> {
      const user = UUID.test(userId) ? await queries.users.findSafe(userId) : null;
      if (!user) return { outcome: "not_found" };
      const [memberships, sessions, devices, lockedUntil, failures, backupCodesLeft, events, passkeys] = await Promise.all([
        services.teams.membershipsOf(userId),
        services.sessions.listActive(userId),
        services.devices.list(userId, undefined),
        services.lockout.lockedUntil({ userId }),
        services.lockout.failures({ userId }),
        services.totp.remainingBackupCodes(userId),
        queries.auditEvents.listForUser(userId, 20, READ_ACCESS_TYPES),
        services.passkeys.list(userId),
      ]);
      await record("user.viewed", "success", userId, actor);
      return {
        outcome: "ok",
        user,
        teams: memberships.map((m) => ({
          teamId: m.teamId,
          slug: m.team.slug,
          name: m.team.name,
          role: { id: m.role.id, key: m.role.key, name: m.role.name },
        })),
        twoFactor: {
          enabled: user.totpEnabledAt !== null,
          enabledAt: user.totpEnabledAt,
          backupCodesLeft: user.totpEnabledAt ? backupCodesLeft : 0,
        },
        sessions,
        trustedDevices: devices.map(({ current: _c, ...d }) => d),
        passkeys,
        lock: { lockedUntil, failures },
        recentEvents: events.map((e) => ({
          id: e.id.toString(),
          type: e.type,
          outcome: e.outcome,
          actorId: e.actorId,
          clientId: e.clientId,
          ip: e.ip,
          userAgent: e.userAgent,
          data: e.data,
          createdAt: e.createdAt,
        })),
      };
    },
  };
}
