// Accounts: password sign-in (generic failure, constant-ish time, progressive lockout), the first admin, and
// what OIDC needs to know about a subject. Outcomes are returned as unions, never thrown.
import type { Clock } from "../lib/clock.ts";
import type { User, UserQueries } from "../queries/users.ts";
import { normalizeEmail, normalizeUsername, parseIdentifier } from "./identifiers.ts";
import type { PasswordService } from "./passwords.ts";
import type { LockoutService, LockSubject } from "./lockout.ts";
import type { Notifications, RequestInfo } from "./notifications.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
  | { outcome: "unverified"; user: User };

export function createAccountService(deps: { users: UserQueries; passwords: PasswordService; lockout: LockoutService; notifications: Notifications; clock: Clock }) {
  const { users, passwords, lockout, notifications, clock } = deps;

  async function findByIdentifier(identifier: string): Promise<User | null> {
    const id = parseIdentifier(identifier);
    return id.kind === "email" ? users.findByEmailNormalized(id.value) : users.findByUsernameNormalized(id.value);
  }

  return {
    findByIdentifier,

    async signInWithPassword(identifier: string, password: string, request: RequestInfo): Promise<SignInResult> {
      const parsed = parseIdentifier(identifier);
      const user = await (parsed.kind === "email" ? users.findByEmailNormalized(parsed.value) : users.findByUsernameNormalized(parsed.value));
      // an account's failures count together whether it is named by email or username
      const subject: LockSubject = user ? { userId: user.id } : { identifier: `${parsed.kind}:${parsed.value}` };
      const locked = await lockout.lockedUntil(subject);
      // always one verification, locked or not, known or not: the response time tells nothing
      const ok = await passwords.verify(user?.passwordHash ?? null, password);
      const userId = user?.id ?? null;
      if (locked) return { outcome: "invalid", userId, reason: "locked" };
      if (!user || !user.passwordHash || !ok) {
        const failure = await lockout.recordFailure(subject);
        const reason = !user ? "unknown" : !user.passwordHash ? "no_password" : "wrong_password";
        if (user && failure.lockedNow && failure.lockedUntil) await notifications.lockedOut(user, { until: failure.lockedUntil, attempts: failure.failures }, request);
        return { outcome: "invalid", userId, reason, ...(failure.lockedNow && failure.lockedUntil ? { lockedUntil: failure.lockedUntil } : {}) };
      }
      if (user.disabled) return { outcome: "invalid", userId, reason: "disabled" };
      if (!user.emailVerified) return { outcome: "unverified", user };
      await lockout.reset(subject);
      if (passwords.needsRehash(user.passwordHash!)) await users.updatePasswordHash(user.id, await passwords.hash(password));
      await users.recordLogin(user.id, clock.now());
      return { outcome: "ok", user, amr: ["pwd"] };
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

    /** the account behind a token or session, or undefined when it is gone or disabled */
    async findActive(id: string): Promise<User | undefined> {
      if (!UUID.test(id)) return undefined;
      const user = await users.findById(id);
      return user && !user.disabled ? user : undefined;
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
