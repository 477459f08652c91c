// Setting a password: the policy (src/services/password-policy.ts) plus the history (the last PASSWORD_HISTORY
// passwords, the current one included, may not come back), and what every change brings: the user's sessions
// end (all of them, or all but the one making a change while signed in) and every grant is revoked, so every
// refresh token dies; the lockout count starts over; the owner gets a "your password was changed" email.
// Sessions are ended before the new password is committed, so a Redis failure aborts the change instead of
// leaving old sessions alive, and once more after it, for a sign-in with the old password that raced it.
import type { Clock } from "../lib/clock.ts";
import type { CredentialQueries } from "../queries/credentials.ts";
import type { User, UserQueries } from "../queries/users.ts";
import type { LockoutService } from "./lockout.ts";
import type { Notifications, RequestInfo } from "./notifications.ts";
import type { PasswordPolicy } from "./password-policy.ts";
import type { PasswordService } from "./passwords.ts";

export type SessionEnder = (userId: string, keepSessionId?: string) => Promise<{ sessions: number; grants: number }>;
export type NewPasswordVerdict = { ok: true } | { ok: false; code: string; message: string };
export type ChangeResult = { outcome: "changed" } | { outcome: "invalid"; message: string };
type PasswordOwner = Pick<User, "id" | "email" | "username" | "name" | "passwordHash">;

export function createCredentialService(deps: {
  users: UserQueries;
  credentials: CredentialQueries;
  passwords: PasswordService;
  policy: PasswordPolicy;
  lockout: LockoutService;
  notifications: Notifications;
  endSessions: SessionEnder;
  clock: Clock;
  historySize: number;
}) {
  const { credentials, passwords, policy, clock, historySize } = deps;

  /** the policy alone: says nothing about the account, so it may run before a second factor */
  async function checkPolicy(user: PasswordOwner, password: string): Promise<NewPasswordVerdict> {
    const verdict = await policy.check(password, { email: user.email, username: user.username, name: user.name });
    return verdict.ok ? { ok: true } : { ok: false, code: verdict.code, message: verdict.message };
  }

  /** the history: tells whether this was one of the user's passwords, so only after every factor */
  async function checkHistory(user: PasswordOwner, password: string): Promise<NewPasswordVerdict> {
    if (historySize <= 0) return { ok: true };
    const hashes = new Set(await credentials.recentPasswordHashes(user.id, historySize));
    if (user.passwordHash) hashes.add(user.passwordHash);
    for (const hash of hashes) {
      if (await passwords.verify(hash, password)) {
        return {
          ok: false,
          code: "reused",
          message: `Choose a password you have not used recently (your last ${historySize} passwords cannot be reused).`,
        };
      }
    }
    return { ok: true };
  }

  /**
   * commits a password change with `write` (which returns null when it could not happen, e.g. a reset link a
   * parallel request used first) between the two rounds of ending sessions, then tells the owner
   */
  async function commitChange<T>(
    user: Pick<User, "id" | "email" | "username">,
    write: () => Promise<T | null>,
    opts: { keepSessionId?: string; request: RequestInfo; via: "change" | "reset" },
  ): Promise<T | null> {
    await deps.endSessions(user.id, opts.keepSessionId);
    const written = await write();
    if (written === null) return null;
    await deps.notifications.passwordChanged(user, opts.request, opts.via);
    await deps.lockout.reset({ userId: user.id });
    await deps.endSessions(user.id, opts.keepSessionId);
    return written;
  }

  return {
    checkPolicy,
    checkHistory,
    commitChange,

    /** signed in, the current password already confirmed (accounts.confirmPassword): this session stays, every other one ends */
    async changePassword(user: User, next: string, opts: { keepSessionId?: string; request: RequestInfo }): Promise<ChangeResult> {
      const verdict = await checkPolicy(user, next);
      if (!verdict.ok) return { outcome: "invalid", message: verdict.message };
      const history = await checkHistory(user, next);
      if (!history.ok) return { outcome: "invalid", message: history.message };
      const hash = await passwords.hash(next);
      await commitChange(
        user,
        async () => {
          await credentials.setPassword(user.id, hash, clock.now(), historySize);
          return true;
        },
        { ...opts, via: "change" },
      );
      return { outcome: "changed" };
    },
  };
}

export type CredentialService = ReturnType<typeof createCredentialService>;
