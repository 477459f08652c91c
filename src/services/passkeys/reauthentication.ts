// Confirming it is the owner before a passkey change on the account page (add, remove, remove the password): the
// current password (a wrong one counts toward the lockout, judged like a sign-in from this browser), or for an
// account without one a passkey sign-in of the last 5 minutes. A refusal is audited here, as a failure of the
// change it was for (passkey.added, passkey.removed, password.removed).
import type { User } from "../../queries/users.ts";
import type { Clock } from "../../lib/clock.ts";
import type { AccountService } from "../accounts.ts";
import type { AuditService } from "../audit.ts";
import type { LockRequest } from "../sign-in-locks.ts";

/** an account without a password confirms with a passkey sign-in this recent instead (seconds) */
export const FRESH_PASSKEY_SECONDS = 300;

/** the session's sign-in: its methods (amr) and when it was (seconds since the epoch) */
export type SessionSignIn = { amr: readonly string[]; loginTs: number | null };

export type PasskeyReauthentication =
  { outcome: "ok" } | { outcome: "sign_in_again" } | { outcome: "no_password" } | { outcome: "locked" } | { outcome: "wrong_password" };

export function createPasskeyReauthentication(deps: {
  accounts: Pick<AccountService, "confirmPassword">;
  audit: AuditService;
  clock: Clock;
}) {
  return {
    /** `given`: the password typed (none for an account without one); `auditType`: the change it is for */
    async confirm(
      user: User,
      given: string | undefined,
      signIn: SessionSignIn,
      auditType: string,
      request: LockRequest,
    ): Promise<PasskeyReauthentication> {
      const failed = (reason: string) =>
        deps.audit.record({
          type: auditType,
          outcome: "failure",
          userId: user.id,
          ip: request.ip,
          userAgent: request.userAgent,
          data: { reason },
        });
      if (!user.passwordHash) {
        const { amr, loginTs } = signIn;
        const fresh =
          amr.some((a) => a === "hwk" || a === "swk") &&
          loginTs !== null &&
          deps.clock.now().getTime() / 1000 - loginTs <= FRESH_PASSKEY_SECONDS;
        if (fresh) return { outcome: "ok" };
        await failed("no_recent_passkey");
        return { outcome: "sign_in_again" };
      }
      if (!given) return { outcome: "no_password" };
      const check = await deps.accounts.confirmPassword(user, given, request);
      if (check.outcome === "ok") return { outcome: "ok" };
      await failed(check.outcome);
      return { outcome: check.outcome };
    },
  };
}

export type PasskeyReauthenticationService = ReturnType<typeof createPasskeyReauthentication>;
