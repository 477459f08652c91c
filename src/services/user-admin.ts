// The provider admins' user administration, one service for every admin surface (admin pages, REST API, CLI):
// search with cursor pages, one user's whole picture, and the actions (disable and enable, unlock, reset
// two-factor, sign out everywhere, send a password reset, change the system role, import from CSV rows:
// user-import.ts). Each call names the acting admin (`actorId`: a user id, or "cli"), the surface it came through
// (`via`: admin_page, api or cli) and the request, and is audited as user.<action> with that actor and data.via. Outcomes are unions, never thrown.
// Fields that leave here are safe to show an admin (never a password hash, TOTP secret or token).
// Built last, over the other services it uses (wiring/services.ts).
import type { AccountService } from "./accounts.ts";
import type { TeamService } from "./teams.ts";
import type { LockoutService } from "./lockout.ts";
import type { TotpService } from "./totp.ts";
import type { PasswordResetService } from "./password-reset.ts";
import type { SystemRoleService } from "./system-roles.ts";
import type { SessionEvents } from "./session-events.ts";
import type { Notifications } from "./notifications.ts";
import type { AuditService } from "./audit.ts";
import type { Clock } from "../lib/clock.ts";
import type { Queries } from "../queries/index.ts";
import type { SafeUser } from "../queries/users.ts";
import type { SessionRecords, UserSession } from "./sessions/records.ts";
import type { TrustedDevice, TrustedDevices } from "./devices/trusted-devices.ts";
import type { Passkeys, PasskeyView } from "./passkeys/index.ts";
import type { EndedSessions, SessionStore } from "./sessions/session-store.ts";
import { SUPER_ADMIN } from "../authz/core-permissions.ts";
import type { ErrorCode } from "../lib/error-catalogue.ts";
import { createUserImport, type UserImport } from "./user-import.ts";
import { normalizeEmail } from "./identifiers.ts";
import { UUID } from "../lib/ids.ts";
import { decodeKeysetCursor, encodeKeysetCursor } from "../lib/keyset-cursor.ts";

export const MAX_PAGE = 100;

const REFUSAL_CODES: Record<string, ErrorCode> = {
  not_found: "user.not_found",
  self: "user.cannot_disable_self",
  last_super_admin: "user.last_super_admin",
  outranked: "user.outranked",
};
/** the catalogue code of a refusal every user action may answer (lib/error-catalogue.ts); null for a success */
export const refusalCode = (outcome: string): ErrorCode | null => REFUSAL_CODES[outcome] ?? null;

import type { AdminActor, SurfaceActor } from "./admin-actor.ts";
import { READ_ACCESS_TYPES } from "./audit-log.ts";
export type { AdminActor };
/** the acting admin and the surface they act through (every event the use cases record names it as data.via) */
export type UserAdminActor = SurfaceActor;
export type UserSearchInput = { query?: string; teamId?: string; disabled?: boolean; cursor?: string; limit: number };
export type UserSearchResult =
  | { outcome: "ok"; users: SafeUser[]; nextCursor: string | null }
  | { outcome: "invalid"; field: "cursor" | "limit" | "query" | "teamId"; message: string };
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
type NotFound = { outcome: "not_found" };
/** the target's system role holds more than the acting admin's */
export type Outranked = { outcome: "outranked" };
export type DisableResult =
  | { outcome: "disabled"; changed: boolean; sessions: number; grants: number }
  | NotFound
  | { outcome: "last_super_admin" }
  | { outcome: "self" }
  | Outranked;
export type SessionsEndResult = { outcome: "signed_out"; sessions: number; grants: number } | NotFound | Outranked;

export type UserAdminDeps = {
  queries: Pick<Queries, "users" | "auditEvents" | "teams">;
  clock: Clock;
  services: {
    accounts: AccountService;
    teams: TeamService;
    sessions: SessionRecords;
    devices: TrustedDevices;
    lockout: LockoutService;
    totp: TotpService;
    passwordReset: PasswordResetService;
    systemRoles: SystemRoleService;
    oidcStore: SessionStore;
    sessionEvents: SessionEvents;
    notifications: Notifications;
    audit: AuditService;
    passkeys: Passkeys;
  };
};

export function createUserAdmin(deps: UserAdminDeps) {
  const { queries, clock, services } = deps;
  const users = queries.users;
  const record = (
    type: string,
    outcome: "success" | "failure",
    userId: string | null,
    actor: UserAdminActor,
    data: Record<string, string | number | boolean | null> = {},
  ) =>
    services.audit.record({
      type,
      outcome,
      userId,
      actorId: actor.actorId,
      ip: actor.ip ?? null,
      userAgent: actor.userAgent ?? null,
      data: { ...data, via: actor.via },
    });
  const requestOf = (actor: UserAdminActor) => ({ ip: actor.ip ?? null, userAgent: actor.userAgent ?? null });
  /** the target holds a wider system role than the actor: refused and audited as a failure */
  async function outranked(type: string, userId: string, actor: UserAdminActor): Promise<boolean> {
    if (!(await services.systemRoles.outranks(userId, { actorId: actor.actorId }))) return false;
    await record(type, "failure", userId, actor, { reason: "outranked" });
    return true;
  }

  /** ends every session and revokes every grant (so refresh tokens), then tells the relying parties */
  async function endEverything(userId: string, reason: string): Promise<{ sessions: number; grants: number }> {
    const ended: EndedSessions = await services.oidcStore.endUserSessions(userId, undefined, reason);
    services.sessionEvents.sessionsEnded(userId, ended);
    // `ended.sessions` counts index entries (a session's storage id changes at each sign-in): count the records found
    return { sessions: ended.ended.length, grants: ended.grants };
  }

  return {
    /** the account named by id, email or username (safe fields), or null */
    async find(identifier: string): Promise<SafeUser | null> {
      const value = identifier.trim();
      if (UUID.test(value)) return users.findSafe(value.toLowerCase());
      const user = await services.accounts.findByIdentifier(value);
      return user ? users.findSafe(user.id) : null;
    },

    /** a team by its slug, for the team filter (id, slug, name), or null */
    async teamBySlug(slug: string): Promise<{ id: string; slug: string; name: string } | null> {
      const team = await queries.teams.findBySlug(slug.trim().toLowerCase());
      return team ? { id: team.id, slug: team.slug, name: team.name } : null;
    },

    /** users whose email or username contains `query` (any case), in a team, disabled or not; newest first */
    async search(input: UserSearchInput, actor: UserAdminActor): Promise<UserSearchResult> {
      if (!Number.isInteger(input.limit) || input.limit < 1 || input.limit > MAX_PAGE)
        return { outcome: "invalid", field: "limit", message: `The page size is a whole number from 1 to ${MAX_PAGE}.` };
      const query = input.query?.normalize("NFC").trim().toLowerCase() || undefined;
      if (query && query.length > 254)
        return { outcome: "invalid", field: "query", message: "The search text has at most 254 characters." };
      if (input.teamId !== undefined && !UUID.test(input.teamId)) return { outcome: "invalid", field: "teamId", message: "No such team." };
      const after = input.cursor ? decodeKeysetCursor(input.cursor) : undefined;
      if (after === null)
        return { outcome: "invalid", field: "cursor", message: "This page link is not valid; start from the first page." };
      const rows = await users.search({ query, teamId: input.teamId, disabled: input.disabled, after, take: input.limit + 1 });
      const page = rows.slice(0, input.limit);
      await record("user.searched", "success", null, actor, {
        query: query ?? null,
        teamId: input.teamId ?? null,
        disabled: input.disabled ?? null,
        count: page.length,
        paged: Boolean(after),
      });
      return { outcome: "ok", users: page, nextCursor: rows.length > input.limit ? encodeKeysetCursor(page.at(-1)!) : null };
    },

    /** profile, teams and roles, 2FA state, live sessions, trusted devices, lock, the 20 newest audit events (read access left out) */
    async view(userId: string, actor: UserAdminActor): Promise<({ outcome: "ok" } & UserDetails) | NotFound> {
      const user = UUID.test(userId) ? await users.findSafe(userId) : null;
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

    /** the account can no longer sign in; every session ends, every grant and refresh token is revoked */
    async disable(userId: string, actor: UserAdminActor): Promise<DisableResult> {
      if (!UUID.test(userId)) return { outcome: "not_found" };
      if (userId === actor.actorId) {
        await record("user.disabled", "failure", userId, actor, { reason: "self" });
        return { outcome: "self" };
      }
      if (await outranked("user.disabled", userId, actor)) return { outcome: "outranked" };
      const result = await users.setDisabled(userId, true, clock.now(), SUPER_ADMIN);
      if (result.outcome === "not_found") return result;
      if (result.outcome === "last") {
        await record("user.disabled", "failure", userId, actor, { reason: "last_super_admin" });
        return { outcome: "last_super_admin" };
      }
      // also when it was disabled already: whatever signed in meanwhile ends too
      const ended = await endEverything(userId, "disabled");
      await record("user.disabled", "success", userId, actor, {
        changed: result.outcome === "updated",
        sessions: ended.sessions,
        grants: ended.grants,
      });
      return { outcome: "disabled", changed: result.outcome === "updated", sessions: ended.sessions, grants: ended.grants };
    },

    async enable(userId: string, actor: UserAdminActor): Promise<{ outcome: "enabled"; changed: boolean } | NotFound | Outranked> {
      if (!UUID.test(userId) || !(await users.findSafe(userId))) return { outcome: "not_found" };
      // a Super Admin disabled by another Super Admin stays disabled for a user manager
      if (await outranked("user.enabled", userId, actor)) return { outcome: "outranked" };
      const result = await users.setDisabled(userId, false, clock.now(), SUPER_ADMIN);
      if (result.outcome === "not_found") return { outcome: "not_found" };
      await record("user.enabled", "success", userId, actor, { changed: result.outcome === "updated" });
      return { outcome: "enabled", changed: result.outcome === "updated" };
    },

    /** lifts a sign-in lock and starts the failure count over */
    async unlock(userId: string, actor: UserAdminActor): Promise<{ outcome: "unlocked"; wasLocked: boolean } | NotFound | Outranked> {
      if (!UUID.test(userId) || !(await users.findSafe(userId))) return { outcome: "not_found" };
      // lifting a wider admin's lock would let password guessing on that account go on
      if (await outranked("user.unlocked", userId, actor)) return { outcome: "outranked" };
      const lockedUntil = await services.lockout.lockedUntil({ userId });
      await services.lockout.reset({ userId });
      await record("user.unlocked", "success", userId, actor, { wasLockedUntil: lockedUntil?.toISOString() ?? null });
      return { outcome: "unlocked", wasLocked: lockedUntil !== null };
    },

    /** TOTP off and backup codes gone (the password alone signs in); the user is told by email */
    async resetTwoFactor(userId: string, actor: UserAdminActor): Promise<{ outcome: "reset"; wasEnabled: boolean } | NotFound | Outranked> {
      const user = UUID.test(userId) ? await users.findById(userId) : null;
      if (!user) return { outcome: "not_found" };
      if (await outranked("user.two_factor_reset", userId, actor)) return { outcome: "outranked" };
      const wasEnabled = user.totpSecretEncrypted !== null;
      await services.totp.disable(userId);
      await record("user.two_factor_reset", "success", userId, actor, { wasEnabled });
      if (wasEnabled) await services.notifications.twoFactorChanged(user, requestOf(actor), "disabled");
      return { outcome: "reset", wasEnabled };
    },

    /** every session ends and every grant (refresh tokens too) is revoked; the account stays usable */
    async signOutEverywhere(userId: string, actor: UserAdminActor): Promise<SessionsEndResult> {
      if (!UUID.test(userId) || !(await users.findSafe(userId))) return { outcome: "not_found" };
      if (await outranked("user.signed_out_everywhere", userId, actor)) return { outcome: "outranked" };
      const ended = await endEverything(userId, "revoked_by_admin");
      await record("user.signed_out_everywhere", "success", userId, actor, { sessions: ended.sessions, grants: ended.grants });
      return { outcome: "signed_out", sessions: ended.sessions, grants: ended.grants };
    },

    /** ends one of the user's sessions (its refresh tokens die, relying parties are told); audited as session.revoked */
    async endSession(userId: string, sessionId: string, actor: UserAdminActor): Promise<{ outcome: "revoked" } | NotFound | Outranked> {
      if (!UUID.test(userId) || !(await users.findSafe(userId))) return { outcome: "not_found" };
      if (await outranked("session.revoked", userId, actor)) return { outcome: "outranked" };
      return services.sessions.revoke(userId, sessionId, {
        reason: "revoked_by_admin",
        actorId: actor.actorId,
        via: actor.via,
        request: requestOf(actor),
      });
    },

    /** the user's passkeys and security keys (never the keys themselves) */
    async passkeys(userId: string): Promise<{ outcome: "ok"; passkeys: PasskeyView[] } | NotFound> {
      if (!UUID.test(userId) || !(await users.findSafe(userId))) return { outcome: "not_found" };
      return { outcome: "ok", passkeys: await services.passkeys.list(userId) };
    },

    /** removes one of the user's passkeys (passkeys/management.ts: audited as passkey.removed with the admin, the owner emailed) */
    async removePasskey(
      userId: string,
      passkeyId: string,
      actor: UserAdminActor,
    ): Promise<{ outcome: "removed"; passkey: PasskeyView } | NotFound | Outranked | { outcome: "passkey_not_found" }> {
      if (!UUID.test(userId) || !(await users.findSafe(userId))) return { outcome: "not_found" };
      if (await outranked("passkey.removed", userId, actor)) return { outcome: "outranked" };
      const result = await services.passkeys.remove(userId, passkeyId, { actorId: actor.actorId, via: actor.via }, requestOf(actor));
      return result.outcome === "removed" ? result : { outcome: "passkey_not_found" };
    },

    /** ends every session of the user (their grants stay: signOutEverywhere also revokes those) */
    async endSessions(userId: string, actor: UserAdminActor): Promise<{ outcome: "ended"; ended: string[] } | NotFound | Outranked> {
      if (!UUID.test(userId) || !(await users.findSafe(userId))) return { outcome: "not_found" };
      if (await outranked("session.revoked", userId, actor)) return { outcome: "outranked" };
      return {
        outcome: "ended",
        ended: await services.sessions.revokeAll(userId, {
          reason: "revoked_by_admin",
          actorId: actor.actorId,
          via: actor.via,
          request: requestOf(actor),
        }),
      };
    },

    /**
     * emails the user a reset link (the admin never sees it); a disabled account gets none. `beforeSend` spends
     * the address's budget first (the same one /forgot-password spends: "email:<normalized address>")
     */
    async sendPasswordReset(
      userId: string,
      actor: UserAdminActor,
      opts: { beforeSend?: (budgetKey: string) => Promise<void> } = {},
    ): Promise<{ outcome: "sent" } | { outcome: "disabled" } | NotFound> {
      const user = UUID.test(userId) ? await users.findSafe(userId) : null;
      if (!user) return { outcome: "not_found" };
      if (!user.disabled) await opts.beforeSend?.(`email:${normalizeEmail(user.email)}`);
      const sent = user.disabled ? null : await services.passwordReset.request(user.email, requestOf(actor));
      await record("user.password_reset_sent", sent ? "success" : "failure", userId, actor, sent ? {} : { reason: "disabled" });
      return sent ? { outcome: "sent" } : { outcome: "disabled" };
    },

    /** gives or takes the system role (systemRoles rules: the last active Super Admin keeps theirs); audited there as user.system_role_changed (with via) */
    setSystemRole: (userId: string, role: string | null, actor: UserAdminActor) =>
      UUID.test(userId)
        ? services.systemRoles.setUserRole(userId, role, {
            actorId: actor.actorId,
            ip: actor.ip ?? null,
            userAgent: actor.userAgent ?? null,
            via: actor.via,
          })
        : Promise.resolve({ outcome: "not_found" as const }),

    /** CSV import rows: checked all together, then created all or none (user-import.ts) */
    import: createUserImport({ queries, clock, services }) satisfies UserImport,
  };
}

export type UserAdmin = ReturnType<typeof createUserAdmin>;
