// Accounts: password sign-in (generic failure, constant-ish time, progressive lockout), finishing a sign-in
// after the second factor, the first admin, and what OIDC needs to know about a subject. Outcomes are returned
// as unions, never thrown.
import type { Clock } from "../lib/clock.ts";
import type { User, UserQueries } from "../queries/users.ts";
import { normalizeEmail, normalizeUsername, parseIdentifier } from "./identifiers.ts";
import type { PasswordService } from "./passwords.ts";
import type { LockoutService, LockSubject } from "./lockout.ts";
import type { Notifications, RequestInfo } from "./notifications.ts";
import type { AuditService } from "./audit.ts";
import { totpEnabled } from "./totp.ts";
import { UUID } from "../lib/ids.ts";
import { LRUCache } from "lru-cache";

/**
 * how long oidc-provider may reuse an account it read (ms): a sign-in reads the same row at each resume and at
 * the code exchange within a second. Filled only by findAccount itself, so the resume that makes the session
 * always reads afresh; a disable after that ends the session and its grants (with their codes and tokens), so
 * nothing new is issued on a reused row. A change of name or email shows in tokens at most this much later;
 * the sign-in flow, the pages and the API always read afresh
 */
export const TOKEN_ACCOUNT_TTL_MS = 2000;


export type SignInResult =
  | { outcome: "ok"; user: User; amr: string[] }
  /** unknown account, wrong password or disabled account: the caller shows one generic message */
  | {
      outcome: "invalid";
      userId: string | null;
      reason: "unknown" | "wrong_password" | "disabled" | "no_password" | "locked";
      /** set when this failure started a lock (the owner is told) */
      lockedUntil?: Date;
    }
  /** right password, but the email address is not verified yet */
  | { outcome: "unverified"; user: User }
  /** right password, a second factor enrolled: nothing is reset until that factor is right (completeSignIn) */
  | { outcome: "second_factor"; user: User };

/** a failure recorded against an account; lockedUntil is set when this failure started a lock (the owner was told) */
export type RecordedFailure = { failures: number; lockedUntil?: Date };

export type FailedFactor = "password" | "code";
type AuditedRequest = RequestInfo & { clientId?: string | null };

export function createAccountService(deps: { users: UserQueries; passwords: PasswordService; lockout: LockoutService; notifications: Notifications; audit: AuditService; clock: Clock }) {
  const { users, passwords, lockout, notifications, audit } = deps;

  const recentlyRead = new LRUCache<string, User>({ max: 10_000, ttl: TOKEN_ACCOUNT_TTL_MS });

  /** the account behind a token or session, or undefined when it is gone or disabled */
  async function findActive(id: string): Promise<User | undefined> {
    if (!UUID.test(id)) return undefined;
    const user = await users.findById(id);
    return user && !user.disabled ? user : undefined;
  }

  async function findByIdentifier(identifier: string): Promise<User | null> {
    const id = parseIdentifier(identifier);
    return id.kind === "email" ? users.findByEmailNormalized(id.value) : users.findByUsernameNormalized(id.value);
  }

  /** counts a failed credential check against the account; when it starts a lock the owner gets the lockout email */
  /** `factor`: what was wrong; a lock from wrong codes means someone had the right password (the email says so) */
  async function recordFailure(user: User, request: AuditedRequest, factor: FailedFactor = "password"): Promise<RecordedFailure> {
    const failure = await lockout.recordFailure({ userId: user.id });
    if (!failure.lockedNow || !failure.lockedUntil) return { failures: failure.failures };
    await audit.record({ type: "login.locked", outcome: "failure", userId: user.id, ip: request.ip, userAgent: request.userAgent, clientId: request.clientId ?? null, data: { until: failure.lockedUntil.toISOString(), factor, failures: failure.failures } });
    await notifications.lockedOut(user, { until: failure.lockedUntil, attempts: failure.failures, factor }, request);
    return { failures: failure.failures, lockedUntil: failure.lockedUntil };
  }

  async function recordUnknownFailure(subject: LockSubject, request: AuditedRequest): Promise<RecordedFailure> {
    const failure = await lockout.recordFailure(subject);
    if (!failure.lockedNow || !failure.lockedUntil) return { failures: failure.failures };
    await audit.record({ type: "login.locked", outcome: "failure", userId: null, ip: request.ip, userAgent: request.userAgent, clientId: request.clientId ?? null, data: { until: failure.lockedUntil.toISOString(), factor: "password", failures: failure.failures, knownAccount: false } });
    return { failures: failure.failures, lockedUntil: failure.lockedUntil };
  }

  /** every factor passed: the lockout count starts over (the login time is written when the sign-in finishes) */
  async function completeSignIn(user: Pick<User, "id">): Promise<void> {
    await lockout.reset({ userId: user.id });
  }

  return {
    findByIdentifier,
    recordFailure,
    completeSignIn,
    isLocked: async (userId: string) => (await lockout.lockedUntil({ userId })) !== null,

    async signInWithPassword(identifier: string, password: string, request: RequestInfo): Promise<SignInResult> {
      const parsed = parseIdentifier(identifier);
      const user = await (parsed.kind === "email" ? users.findByEmailNormalized(parsed.value) : users.findByUsernameNormalized(parsed.value));
      // an account's failures count together whether it is named by email or username
      const subject: LockSubject = user ? { userId: user.id } : { identifier: `${parsed.kind}:${parsed.value}` };
      const { lockedUntil: locked, failures } = await lockout.status(subject);
      // always one verification, locked or not, known or not: the response time tells nothing
      const ok = await passwords.verify(user?.passwordHash ?? null, password);
      const userId = user?.id ?? null;
      if (locked) return { outcome: "invalid", userId, reason: "locked" };
      if (!user || !user.passwordHash || !ok) {
        const failure = user ? await recordFailure(user, request) : await recordUnknownFailure(subject, request);
        const reason = !user ? "unknown" : !user.passwordHash ? "no_password" : "wrong_password";
        return { outcome: "invalid", userId, reason, ...(failure.lockedUntil ? { lockedUntil: failure.lockedUntil } : {}) };
      }
      if (user.disabled) return { outcome: "invalid", userId, reason: "disabled" };
      if (!user.emailVerified) return { outcome: "unverified", user };
      // the rehash needs the plaintext, which only this step has; it re-encodes a password already proven and
      // grants nothing, so it may happen before the second factor
      if (passwords.needsRehash(user.passwordHash)) await users.updatePasswordHash(user.id, await passwords.hash(password));
      // with TOTP the lockout count must survive a right password: otherwise knowing the password would let
      // an attacker reset it between guesses at the code
      if (totpEnabled(user)) return { outcome: "second_factor", user };
      // nothing to start over when nothing was counted (a failure counted meanwhile stays counted)
      if (failures > 0) await completeSignIn(user);
      return { outcome: "ok", user, amr: ["pwd"] };
    },

    /** the password of a signed-in user, checked for a sensitive change; a wrong one counts toward lockout */
    async confirmPassword(user: User, password: string, request: RequestInfo): Promise<{ outcome: "ok" } | { outcome: "locked" } | ({ outcome: "wrong_password" } & RecordedFailure)> {
      if (await lockout.lockedUntil({ userId: user.id })) return { outcome: "locked" };
      if (await passwords.verify(user.passwordHash ?? null, password)) return { outcome: "ok" };
      return { outcome: "wrong_password", ...(await recordFailure(user, request)) };
    },

    /** creates a verified account with a system role (CLI create-admin, first-run bootstrap) */
    async createAdmin(input: { email: string; username?: string; password: string; systemRole?: string }): Promise<User> {
      const username = input.username ?? input.email.split("@")[0]!;
      return users.create({
        email: input.email.normalize("NFC").trim(),
        emailNormalized: normalizeEmail(input.email),
        username: username.normalize("NFC").trim(),
        usernameNormalized: normalizeUsername(username),
        passwordHash: await passwords.hash(input.password),
        emailVerified: true,
        systemRole: input.systemRole ?? "super_admin",
      });
    },

    adminExists: async () => (await users.countWithSystemRole()) > 0,

    findActive,

    /** findActive for oidc-provider's findAccount: a read of the last TOKEN_ACCOUNT_TTL_MS is reused */
    async findActiveForTokens(id: string): Promise<User | undefined> {
      const seen = recentlyRead.get(id);
      if (seen) return seen;
      const user = await findActive(id);
      if (user) recentlyRead.set(id, user);
      return user;
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
