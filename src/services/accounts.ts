// Accounts: password sign-in (generic failure, constant-ish time, progressive lockout), finishing a sign-in
// after the second factor, the first admin, and what OIDC needs to know about a subject. Outcomes are returned
// as unions, never thrown.
import type { AuditService } from "./audit.ts";
import type { Clock } from "../lib/clock.ts";
import type { SignInUser, User, UserQueries } from "../queries/users.ts";
import { normalizeEmail, normalizeUsername, parseIdentifier } from "./identifiers.ts";
import type { PasswordService } from "./passwords.ts";
import type { LockSubject } from "./lockout.ts";
import type { FailedFactor, LockRequest, RecordedFailure, SignInLocks } from "./sign-in-locks.ts";
import { totpEnabled } from "./totp.ts";
import { UUID } from "../lib/ids.ts";
import { LRUCache } from "lru-cache";

/**
 * how long oidc-provider may reuse an account it read (ms): a sign-in reads the same row at each resume and at
 * the code exchange within a second. Filled only by findAccount itself, so the resume that makes the session
 * always reads afresh; a disable after that ends the session and its grants (with their codes and tokens), so
 * nothing new is issued on a reused row. A change of name or email shows in tokens (and in the consent page's
 * "Signed in as") at most this much later; the sign-in flow, the other pages and the API always read afresh
 */
export const TOKEN_ACCOUNT_TTL_MS = 2000;

/**
 * `stepUp` "network": the right password from a browser the account does not trust, in a network locked for too
 * many failures across accounts: the sign-in goes on only through the emailed device code (flows/login/gate-device.ts),
 * so a noisy neighbour cannot lock everyone on a shared network out, and a sprayer's right guess still stops
 */
export type StepUp = "network";
export type SignInResult =
  | { outcome: "ok"; user: SignInUser; amr: string[]; stepUp?: StepUp }
  /** unknown account, wrong password or disabled account: the caller shows one generic message */
  | {
      outcome: "invalid";
      userId: string | null;
      /** locked: the account's lock (browsers it does not trust); device_locked / network_locked: this browser's own, or its network's */
      reason: "unknown" | "wrong_password" | "disabled" | "no_password" | "locked" | "device_locked" | "network_locked";
      /** set when this failure started a lock (the owner is told) */
      lockedUntil?: Date;
    }
  /** right password, but the email address is not verified yet */
  | { outcome: "unverified"; user: User }
  /** right password, a second factor enrolled: nothing is reset until that factor is right (completeSignIn) */
  | { outcome: "second_factor"; user: SignInUser; stepUp?: StepUp };

export type { FailedFactor, RecordedFailure } from "./sign-in-locks.ts";

export function createAccountService(deps: {
  users: UserQueries;
  passwords: PasswordService;
  locks: SignInLocks;
  audit: AuditService;
  clock: Clock;
}) {
  const { users, passwords, locks } = deps;

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

  /**
   * counts a failed credential check against the account (or, from a browser it trusts, against that device);
   * when it starts a lock of the account (or of that browser) the owner gets the lockout email, just after. `factor`: what was wrong; a lock from
   * wrong codes means someone had the right password (the email says so)
   */
  async function recordFailure(user: User, request: LockRequest, factor: FailedFactor = "password"): Promise<RecordedFailure> {
    return locks.recordFailure(await locks.scope(user.id, { userId: user.id }, request, false), user, request, factor);
  }

  /** every factor passed: the lockout count starts over (this browser's own when the user trusts it; the login time is written when the sign-in finishes) */
  async function completeSignIn(user: Pick<User, "id">, request: LockRequest = { ip: null, userAgent: null }): Promise<void> {
    await locks.succeeded(await locks.scope(user.id, { userId: user.id }, request, false));
  }

  /** whether a second factor or a password confirmation is refused: the account's lock, or this trusted browser's own */
  async function isLocked(userId: string, request: LockRequest = { ip: null, userAgent: null }): Promise<boolean> {
    return (await locks.check(await locks.scope(userId, { userId }, request, false))).lockedBy !== null;
  }

  return {
    findByIdentifier,

    /** the user's display name (null: none), as given (the route has checked its characters), audited as profile.updated; the updated user */
    async updateName(userId: string, name: string | null, request: { ip: string | null; userAgent: string | null }): Promise<User> {
      const updated = await users.updateProfile(userId, { name });
      await deps.audit.record({ type: "profile.updated", outcome: "success", userId, ...request, data: { fields: ["name"] } });
      return updated;
    },
    /** the account's language (lib/i18n; null: the browser's) and time zone (IANA; null: UTC), checked by the caller; audited as profile.updated */
    async updatePreferences(
      userId: string,
      preferences: { locale: string | null; timeZone: string | null },
      request: { ip: string | null; userAgent: string | null },
    ): Promise<User> {
      const updated = await users.updateProfile(userId, preferences);
      await deps.audit.record({
        type: "profile.updated",
        outcome: "success",
        userId,
        ...request,
        data: { fields: ["locale", "timeZone"] },
      });
      return updated;
    },
    recordFailure,
    completeSignIn,
    isLocked,
    /** resolves when the lockout emails of failures so far are handed over (they follow the answer): shutdown, tests */
    settled: () => locks.settled(),

    /** `request.deviceToken`: the browser's trusted-device cookie (its own count then judges the attempt) */
    async signInWithPassword(identifier: string, password: string, request: LockRequest): Promise<SignInResult> {
      const parsed = parseIdentifier(identifier);
      // with its sign-in facts (passkey? MFA required?), so the flow asks nothing more of Postgres about it
      const user = await users.findForSignIn(parsed.kind, parsed.value);
      // an account's failures count together whether it is named by email or username
      const subject: LockSubject = user ? { userId: user.id } : { identifier: `${parsed.kind}:${parsed.value}` };
      const scope = await locks.scope(user?.id ?? null, subject, request, true);
      const { lockedBy, failures } = await locks.check(scope);
      // always one verification, locked or not, known or not: the response time tells nothing
      const ok = await passwords.verify(user?.passwordHash ?? null, password);
      const userId = user?.id ?? null;
      // a network's lock stops wrong passwords only; the right one goes on to the emailed code (stepUp)
      const stepUp = lockedBy === "network" && ok && user?.passwordHash && !user.disabled ? { stepUp: "network" as const } : {};
      if (lockedBy && !("stepUp" in stepUp))
        return { outcome: "invalid", userId, reason: lockedBy === "account" ? "locked" : `${lockedBy}_locked` };
      if (!user || !user.passwordHash || !ok) {
        const failure = await locks.recordFailure(scope, user, request, "password");
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
      if (totpEnabled(user)) return { outcome: "second_factor", user, ...stepUp };
      // nothing to start over when nothing was counted (a failure counted meanwhile stays counted)
      if (failures > 0) await locks.succeeded(scope);
      return { outcome: "ok", user, amr: ["pwd"], ...stepUp };
    },

    /** the password of a signed-in user, checked for a sensitive change; a wrong one counts toward lockout */
    async confirmPassword(
      user: User,
      password: string,
      request: LockRequest,
    ): Promise<{ outcome: "ok" } | { outcome: "locked" } | ({ outcome: "wrong_password" } & RecordedFailure)> {
      const scope = await locks.scope(user.id, { userId: user.id }, request, false);
      if ((await locks.check(scope)).lockedBy) return { outcome: "locked" };
      if (await passwords.verify(user.passwordHash ?? null, password)) return { outcome: "ok" };
      return { outcome: "wrong_password", ...(await locks.recordFailure(scope, user, request, "password")) };
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

    /** findActive with the account's sign-in facts read in the same statement (a sign-in's first factor, a step-up) */
    async findActiveForSignIn(id: string): Promise<SignInUser | undefined> {
      const user = await users.findForSignIn("id", id);
      return user && !user.disabled ? user : undefined;
    },

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
