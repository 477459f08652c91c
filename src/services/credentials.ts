// Setting a password: the policy (src/services/password-policy.ts) plus the history (the last PASSWORD_HISTORY
// passwords, the current one included, may not come back), and what follows every change: every other
// session of the user ends and their grants and refresh tokens are revoked, the lockout count starts over,
// and the owner gets a "your password was changed" email.
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

  /** the policy, then the history: a password used recently is refused */
  async function checkNewPassword(user: Pick<User, "id" | "email" | "username" | "name" | "passwordHash">, password: string): Promise<NewPasswordVerdict> {
    const verdict = policy.check(password, { email: user.email, username: user.username, name: user.name });
    if (!verdict.ok) return { ok: false, code: verdict.code, message: verdict.message };
    if (historySize > 0) {
      const hashes = new Set(await credentials.recentPasswordHashes(user.id, historySize));
      if (user.passwordHash) hashes.add(user.passwordHash);
      for (const hash of hashes) {
        if (await passwords.verify(hash, password)) {
          return { ok: false, code: "reused", message: `Choose a password you have not used recently (your last ${historySize} passwords cannot be reused).` };
        }
      }
    }
    return { ok: true };
  }

  /** after any password change: other sessions and all refresh tokens end, the lock is lifted, the owner told */
  async function afterChange(user: Pick<User, "id" | "email" | "username">, opts: { keepSessionId?: string; request: RequestInfo; via: "change" | "reset" }) {
    const ended = await deps.endSessions(user.id, opts.keepSessionId);
    await deps.lockout.reset({ userId: user.id });
    await deps.notifications.passwordChanged(user, opts.request, opts.via);
    return ended;
  }

  return {
    checkNewPassword,
    afterChange,

    /** signed in, the current password already confirmed (accounts.confirmPassword): this session stays, every other one ends */
    async changePassword(user: User, next: string, opts: { keepSessionId?: string; request: RequestInfo }): Promise<ChangeResult> {
      const verdict = await checkNewPassword(user, next);
      if (!verdict.ok) return { outcome: "invalid", message: verdict.message };
      await credentials.setPassword(user.id, await passwords.hash(next), clock.now(), historySize);
      await afterChange(user, { ...opts, via: "change" });
      return { outcome: "changed" };
    },
  };
}

export type CredentialService = ReturnType<typeof createCredentialService>;
