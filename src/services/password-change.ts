// "Change my password", one use case: the current password is confirmed (a wrong one counts toward the lockout,
// judged like a sign-in from this browser), the new one must pass the policy and the history, then every other
// session ends (credentials.ts); each outcome is audited here: password.change_failed (wrong_password, policy)
// or password.changed.
import type { User } from "../queries/users.ts";
import type { AccountService } from "./accounts.ts";
import type { AuditService } from "./audit.ts";
import type { CredentialService } from "./credentials.ts";
import type { RequestInfo } from "./request/describe.ts";
import type { LockRequest } from "./sign-in-locks.ts";

export type PasswordChangeResult =
  { outcome: "changed" } | { outcome: "locked" } | { outcome: "wrong_password" } | { outcome: "invalid"; message: string };

export function createPasswordChange(deps: {
  accounts: Pick<AccountService, "confirmPassword">;
  credentials: Pick<CredentialService, "changePassword">;
  audit: AuditService;
}) {
  return {
    /** `request`: where from, with the browser's trusted-device cookie (the lockout's judge); `keepSessionId`: the session that stays */
    async changeOwn(
      user: User,
      input: { current: string; next: string },
      request: LockRequest,
      keepSessionId?: string,
    ): Promise<PasswordChangeResult> {
      const info: RequestInfo = { ip: request.ip, userAgent: request.userAgent };
      const failed = (data: Record<string, string>) =>
        deps.audit.record({ type: "password.change_failed", outcome: "failure", userId: user.id, ...info, data });
      const confirmed = await deps.accounts.confirmPassword(user, input.current, request);
      if (confirmed.outcome === "locked") return { outcome: "locked" };
      if (confirmed.outcome === "wrong_password") {
        await failed({ reason: "wrong_password", ...(confirmed.lockedUntil ? { lockedUntil: confirmed.lockedUntil.toISOString() } : {}) });
        return { outcome: "wrong_password" };
      }
      const result = await deps.credentials.changePassword(user, input.next, { keepSessionId, request: info });
      if (result.outcome === "invalid") {
        await failed({ reason: "policy" });
        return { outcome: "invalid", message: result.message };
      }
      await deps.audit.record({ type: "password.changed", outcome: "success", userId: user.id, ...info });
      return { outcome: "changed" };
    },
  };
}

export type PasswordChange = ReturnType<typeof createPasswordChange>;
