// Accounts: password sign-in (generic failure, constant-ish time), the first admin, and what OIDC needs to
// know about a subject. Outcomes are returned as unions, never thrown.
import type { Clock } from "../lib/clock.ts";
import type { User, UserQueries } from "../queries/users.ts";
import { normalizeEmail, normalizeUsername, parseIdentifier } from "./identifiers.ts";
import type { PasswordService } from "./passwords.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type SignInResult =
  | { outcome: "ok"; user: User; amr: string[] }
  /** unknown account, wrong password or disabled account: the caller shows one generic message */
  | { outcome: "invalid"; userId: string | null; reason: "unknown" | "wrong_password" | "disabled" | "no_password" }
  /** right password, but the email address is not verified yet */
  | { outcome: "unverified"; user: User };

export function createAccountService(deps: { users: UserQueries; passwords: PasswordService; clock: Clock }) {
  const { users, passwords, clock } = deps;

  async function findByIdentifier(identifier: string): Promise<User | null> {
    const id = parseIdentifier(identifier);
    return id.kind === "email" ? users.findByEmailNormalized(id.value) : users.findByUsernameNormalized(id.value);
  }

  return {
    findByIdentifier,

    async signInWithPassword(identifier: string, password: string): Promise<SignInResult> {
      const user = await findByIdentifier(identifier);
      const ok = await passwords.verify(user?.passwordHash ?? null, password);
      if (!user) return { outcome: "invalid", userId: null, reason: "unknown" };
      if (!user.passwordHash) return { outcome: "invalid", userId: user.id, reason: "no_password" };
      if (!ok) return { outcome: "invalid", userId: user.id, reason: "wrong_password" };
      if (user.disabled) return { outcome: "invalid", userId: user.id, reason: "disabled" };
      if (!user.emailVerified) return { outcome: "unverified", user };
      if (passwords.needsRehash(user.passwordHash)) await users.updatePasswordHash(user.id, await passwords.hash(password));
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
