// Deleting an account (#21), one use case for the account page, the REST API (`DELETE /api/v1/me`), the admin
// pages, the admin API (`DELETE /api/v1/users/:id`) and the CLI (`delete-user`, `erase-due-accounts`).
//
// The user deletes their own account after proving it is them again: the password, or without one a current
// second factor (a TOTP or backup code), wrong ones counting toward the lockout like a sign-in; or, for a user
// with passkeys, a passkey assertion (user verification required) to a challenge bound to their account session,
// taken once (the account page runs the ceremony; the REST API cannot, so a passkey-only account is sent there).
// An administrator deletes a user whose system role is not wider than theirs, never themselves (their own account
// has its page).
// Refused, changing nothing: the last active Super Admin, and the Owner of a team that has other members (the
// team is handed over first); a team where they are alone goes with them.
//
// Erasure is one transaction (queries/account-deletion.ts, under the user's row lock: of parallel deletions one
// wins): teams alone, transfers, the audit events pseudonymised, the user row with everything hanging off it, the
// confirmation email and the audit event. Every session ends and every grant is revoked (so every code, access and
// refresh token), before and again after it, and relying parties get back-channel logouts.
//
// With ACCOUNT_DELETION_GRACE_DAYS > 0 a user's own deletion disables the account (sessions, grants and trusted
// browsers end at once) and emails a single-use restore link (only its SHA-256 kept) that works until the grace
// period ends; `eraseDue(now)` then erases it (the retention job and `gatehouse erase-due-accounts` call it).
import type { Clock } from "../lib/clock.ts";
import { keyedDigest, randomToken, sha256 } from "../lib/crypto.ts";
import { UUID } from "../lib/ids.ts";
import type { ErrorCode } from "../lib/error-catalogue.ts";
import { SUPER_ADMIN } from "../authz/core-permissions.ts";
import type { User, UserQueries } from "../queries/users.ts";
import type { AccountDeletionQueries, OwnedTeam } from "../queries/account-deletion.ts";
import type { NewAuditEvent } from "../queries/audit-events.ts";
import type { AccountService } from "./accounts.ts";
import type { AuditService } from "./audit.ts";
import type { LockoutService } from "./lockout.ts";
import type { Notifications } from "./notifications.ts";
import type { SessionEvents } from "./session-events.ts";
import type { SessionStore } from "./sessions/session-store.ts";
import type { SystemRoleService } from "./system-roles.ts";
import type { TotpService } from "./totp.ts";
import { requestOf, type AdminActor } from "./admin-actor.ts";
import type { Passkeys } from "./passkeys/index.ts";
import type { LockRequest } from "./sign-in-locks.ts";

export type { OwnedTeam };

/**
 * what proves it is the user: their password, or (without a password) a TOTP or backup code, or a passkey's
 * answer (`response`, the browser's JSON) to the challenge issued for the account session `binding`
 */
export type DeletionProof = { password?: string; code?: string; passkey?: { response: string; binding: string } };
/** where the request came from and through which surface ("account_page", "api", "admin_page", "cli") */
export type DeletionRequest = LockRequest & { via: string };

type Refused = { outcome: "not_found" } | { outcome: "owns_teams"; teams: OwnedTeam[] } | { outcome: "last_super_admin" };
export type OwnDeletionResult =
  | { outcome: "deleted" }
  | { outcome: "scheduled"; dueAt: Date }
  | {
      outcome:
        | "reauth_required"
        | "wrong_password"
        | "wrong_code"
        | "locked"
        | "no_factor"
        | "deletion_pending"
        | "passkey_refused"
        | "passkey_required";
    }
  | Refused;
export type AdminDeletionResult = { outcome: "deleted"; teamsDeleted: number } | { outcome: "self" } | { outcome: "outranked" } | Refused;
export type RestoreResult =
  { outcome: "restored"; user: { id: string; username: string; email: string } } | { outcome: "invalid" | "expired" };
export type EraseDueResult = { erased: number; failed: { userId: string; reason: string }[] };

const OWN_REFUSALS: Record<string, ErrorCode> = {
  reauth_required: "account.reauth_required",
  wrong_password: "account.wrong_password",
  wrong_code: "account.wrong_code",
  locked: "account.locked",
  no_factor: "account.no_factor",
  passkey_refused: "account.passkey_refused",
  passkey_required: "account.passkey_required",
  deletion_pending: "account.deletion_pending",
  owns_teams: "account.owns_teams",
  last_super_admin: "account.last_super_admin",
};
const ADMIN_REFUSALS: Record<string, ErrorCode> = {
  not_found: "user.not_found",
  self: "user.cannot_delete_self",
  outranked: "user.outranked",
  owns_teams: "user.owns_teams",
  last_super_admin: "user.last_super_admin",
};
/** the catalogue code of a refusal of the user's own deletion (null: a success, or not_found: the caller is gone) */
export const ownDeletionRefusal = (outcome: string): ErrorCode | null => OWN_REFUSALS[outcome] ?? null;
/** the catalogue code of a refusal of an administrator's deletion of a user */
export const adminDeletionRefusal = (outcome: string): ErrorCode | null => ADMIN_REFUSALS[outcome] ?? null;

/** how many due accounts one eraseDue call takes at most (the next run takes the rest) */
export const ERASE_BATCH = 200;

export type AccountDeletionDeps = {
  queries: { accountDeletion: AccountDeletionQueries; users: UserQueries };
  clock: Clock;
  settings: { graceDays: number; issuer: string; masterKey: Buffer };
  services: {
    accounts: Pick<AccountService, "confirmPassword" | "recordFailure" | "isLocked">;
    totp: Pick<TotpService, "verifyCode">;
    oidcStore: Pick<SessionStore, "endUserSessions">;
    sessionEvents: SessionEvents;
    notifications: Notifications;
    audit: AuditService;
    systemRoles: Pick<SystemRoleService, "outranks">;
    lockout: Pick<LockoutService, "reset">;
    passkeys: Pick<Passkeys, "authentication" | "enrolled">;
  };
};

export function createAccountDeletion(deps: AccountDeletionDeps) {
  const { queries, clock, settings, services } = deps;
  const q = queries.accountDeletion;

  /** the stable pseudonym of a user id in the audit log: "deleted:" and an HMAC under a key only for this */
  const pseudonymOf = (userId: string) => `deleted:${keyedDigest(settings.masterKey, "gatehouse audit pseudonym v1", userId).slice(0, 32)}`;

  const record = (
    type: string,
    outcome: "success" | "failure",
    userId: string,
    actorId: string,
    request: LockRequest,
    data: Record<string, string | number | boolean | null | string[]>,
  ) =>
    services.audit.record({
      type,
      outcome,
      userId,
      actorId,
      ...requestOf(request),
      clientId: request.clientId ?? null,
      data,
    });

  async function endEverything(userId: string): Promise<number> {
    const ended = await services.oidcStore.endUserSessions(userId, undefined, "account_deleted");
    services.sessionEvents.sessionsEnded(userId, ended);
    return ended.ended.length;
  }

  /** the refusal that keeps the account as it is (checked again under the row lock), or null */
  async function precheck(user: Pick<User, "id" | "disabled" | "systemRole">): Promise<Refused | null> {
    if (await q.lastActiveOf(user.id, SUPER_ADMIN)) return { outcome: "last_super_admin" };
    const { owned } = await q.teamsOf(user.id);
    if (owned.length) return { outcome: "owns_teams", teams: owned };
    return null;
  }

  /** the erasure, its email and its audit event; `byAdmin`: the acting admin's id ("cli" from the CLI) */
  async function erase(user: User, how: { actorId: string | null; via: string; request: LockRequest; due?: Date }) {
    const pseudonym = pseudonymOf(user.id);
    const email = await services.notifications.prepare.accountDeleted(
      user,
      { ip: how.request.ip, userAgent: how.request.userAgent },
      how.actorId !== null ? "admin" : how.due ? "grace_period_ended" : "self",
    );
    const event: NewAuditEvent = {
      type: how.actorId === null ? "account.deleted" : "user.deleted",
      outcome: "success",
      actorId: how.actorId ?? pseudonym,
      clientId: how.request.clientId ?? null,
      data: { via: how.via },
    };
    const sessionsBefore = await endEverything(user.id); // Redis down: the deletion stops here, nothing changed
    const result = await q.erase(user.id, { pseudonym, keepRole: SUPER_ADMIN, due: how.due, outbox: [email], events: [event] });
    if (result.outcome !== "erased") return result;
    // a sign-in that raced the erasure: nothing it made survives (findAccount finds no user either)
    await endEverything(user.id).catch(() => undefined);
    await services.lockout.reset({ userId: user.id }).catch(() => undefined);
    services.notifications.wake();
    return { ...result, sessions: sessionsBefore };
  }

  /**
   * the password, or a code when the account has none (wrong ones count toward the lockout), or a passkey of the
   * user's own; a passkey-only account without one is told to use the passkey (the API: the account page)
   */
  async function reauthenticate(user: User, proof: DeletionProof, request: DeletionRequest): Promise<OwnDeletionResult | null> {
    const failed = (reason: string) =>
      record("account.deletion_failed", "failure", user.id, user.id, request, { reason, via: request.via });
    if (proof.passkey) {
      const info = { ...requestOf(request), clientId: request.clientId ?? null };
      const result = await services.passkeys.authentication.verify(
        "reauthenticate",
        proof.passkey.binding,
        proof.passkey.response,
        info,
        user.id,
      );
      if (result.outcome === "ok") return null;
      return (await failed(`passkey_${result.reason}`), { outcome: "passkey_refused" });
    }
    if (user.passwordHash) {
      if (!proof.password) return (await failed("reauth_required"), { outcome: "reauth_required" });
      const check = await services.accounts.confirmPassword(user, proof.password, request);
      if (check.outcome === "ok") return null;
      await failed(check.outcome);
      return { outcome: check.outcome };
    }
    if (!user.totpSecretEncrypted) {
      if (await services.passkeys.enrolled(user.id)) return (await failed("passkey_required"), { outcome: "passkey_required" });
      return (await failed("no_factor"), { outcome: "no_factor" });
    }
    if (!proof.code) return (await failed("reauth_required"), { outcome: "reauth_required" });
    if (await services.accounts.isLocked(user.id, request)) return (await failed("locked"), { outcome: "locked" });
    if ((await services.totp.verifyCode(user, proof.code)).outcome === "ok") return null;
    await services.accounts.recordFailure(user, request, "code");
    await failed("wrong_code");
    return { outcome: "wrong_code" };
  }

  async function schedule(user: User, request: DeletionRequest): Promise<OwnDeletionResult> {
    const at = clock.now();
    const dueAt = new Date(at.getTime() + settings.graceDays * 86400_000);
    const token = randomToken();
    const link = `${settings.issuer}/account/restore?token=${token}`;
    const email = await services.notifications.prepare.accountDeletionScheduled(user, link, dueAt, {
      ip: request.ip,
      userAgent: request.userAgent,
    });
    const events: NewAuditEvent[] = [
      {
        type: "account.deletion_scheduled",
        outcome: "success",
        userId: user.id,
        actorId: user.id,
        clientId: request.clientId ?? null,
        ...requestOf(request),
        data: { via: request.via, dueAt: dueAt.toISOString() },
      },
    ];
    const result = await q.schedule(user.id, { dueAt, at, keepRole: SUPER_ADMIN, tokenHash: sha256(token), outbox: [email], events });
    if (result.outcome === "already_pending") return { outcome: "deletion_pending" };
    if (result.outcome !== "scheduled") return result.outcome === "not_due" ? { outcome: "not_found" } : result;
    await endEverything(user.id);
    services.notifications.wake();
    return { outcome: "scheduled", dueAt };
  }

  return {
    pseudonymOf,
    graceDays: settings.graceDays,

    /** the teams that keep the user from deleting their account (they own them, with other members) */
    blockingTeams: async (userId: string): Promise<OwnedTeam[]> => (await q.teamsOf(userId)).owned,

    /** "delete my account": re-authentication, then erasure now or (with a grace period) a restorable deletion */
    async deleteOwn(user: User, proof: DeletionProof, request: DeletionRequest): Promise<OwnDeletionResult> {
      if (user.deletionDueAt) return { outcome: "deletion_pending" };
      const refusal = await reauthenticate(user, proof, request);
      if (refusal) return refusal;
      const blocked = await precheck(user);
      if (blocked) {
        await record("account.deletion_failed", "failure", user.id, user.id, request, { reason: blocked.outcome, via: request.via });
        return blocked;
      }
      if (settings.graceDays > 0) return schedule(user, request);
      const result = await erase(user, { actorId: null, via: request.via, request });
      if (result.outcome === "erased") return { outcome: "deleted" };
      if (result.outcome === "already_pending" || result.outcome === "not_due") return { outcome: "not_found" };
      if (result.outcome !== "not_found")
        await record("account.deletion_failed", "failure", user.id, user.id, request, { reason: result.outcome, via: request.via });
      return result;
    },

    /** an administrator deletes a user (erased at once, whatever the grace period); `via`: admin_page, api, cli */
    async deleteUser(userId: string, actor: AdminActor & { via: string; clientId?: string | null }): Promise<AdminDeletionResult> {
      const user = UUID.test(userId) ? await queries.users.findById(userId.toLowerCase()) : null;
      if (!user) return { outcome: "not_found" };
      const request = { ...requestOf(actor), clientId: actor.clientId ?? null };
      const failed = (reason: string) => record("user.deleted", "failure", user.id, actor.actorId, request, { reason, via: actor.via });
      if (user.id === actor.actorId) return (await failed("self"), { outcome: "self" });
      if (await services.systemRoles.outranks(user.id, { actorId: actor.actorId }))
        return (await failed("outranked"), { outcome: "outranked" });
      const blocked = await precheck(user);
      if (blocked) return (await failed(blocked.outcome), blocked);
      const result = await erase(user, { actorId: actor.actorId, via: actor.via, request });
      if (result.outcome === "erased") return { outcome: "deleted", teamsDeleted: result.teamsDeleted.length };
      if (result.outcome === "already_pending" || result.outcome === "not_due" || result.outcome === "not_found")
        return { outcome: "not_found" };
      await failed(result.outcome);
      return result;
    },

    /** erases every account whose grace period has ended by `now` (at most ERASE_BATCH a call); for the retention job and the CLI */
    async eraseDue(now: Date = clock.now()): Promise<EraseDueResult> {
      const out: EraseDueResult = { erased: 0, failed: [] };
      for (const id of await q.dueIds(now, ERASE_BATCH)) {
        const user = await queries.users.findById(id);
        if (!user) continue;
        try {
          const result = await erase(user, { actorId: null, via: "grace_period_ended", request: { ip: null, userAgent: null }, due: now });
          if (result.outcome === "erased") out.erased++;
          else if (result.outcome !== "not_found" && result.outcome !== "not_due") out.failed.push({ userId: id, reason: result.outcome });
        } catch (err) {
          out.failed.push({ userId: id, reason: err instanceof Error ? err.message : String(err) });
        }
      }
      return out;
    },

    /** what a restore link is about, for its page (a GET changes nothing) */
    async inspectRestore(token: string): Promise<{ outcome: "valid"; username: string; dueAt: Date } | { outcome: "invalid" | "expired" }> {
      if (!/^[\w-]{43}$/.test(token)) return { outcome: "invalid" };
      const link = await q.findLiveRestore(sha256(token), clock.now());
      if (link?.user.deletionDueAt) return { outcome: "valid", username: link.user.username, dueAt: link.user.deletionDueAt };
      return { outcome: (await q.restoreExpired(sha256(token), clock.now())) ? "expired" : "invalid" };
    },

    /** the restore link's POST: the account is enabled again, once; a used, unknown or expired link changes nothing */
    async restore(token: string, request: { ip: string | null; userAgent: string | null }): Promise<RestoreResult> {
      if (!/^[\w-]{43}$/.test(token)) return { outcome: "invalid" };
      const hash = sha256(token);
      const at = clock.now();
      const restored = await q.restore(hash, at, (userId) => [
        { type: "account.restored", outcome: "success", userId, actorId: userId, ...request, data: { via: "restore_link" } },
      ]);
      if (restored) return { outcome: "restored", user: restored };
      return { outcome: (await q.restoreExpired(hash, at)) ? "expired" : "invalid" };
    },
  };
}

export type AccountDeletion = ReturnType<typeof createAccountDeletion>;
