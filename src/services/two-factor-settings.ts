// The account page's two-factor settings, one use case each: start the TOTP setup (the current password first),
// confirm it with a code, regenerate the backup codes and turn it off (each the password and a code). Wrong
// passwords and wrong codes on a live factor count toward the lockout (judged like a sign-in from this browser);
// each outcome is audited here (two_factor.enabled, two_factor.backup_codes_regenerated, two_factor.disabled, a
// refused re-authentication as a failure of the change it was for) and every change is emailed to the owner.
import type { User } from "../queries/users.ts";
import type { AccountService } from "./accounts.ts";
import type { AuditService } from "./audit.ts";
import type { Notifications } from "./notifications.ts";
import type { RequestInfo } from "./request/describe.ts";
import type { LockRequest } from "./sign-in-locks.ts";
import type { Enrollment, TotpService } from "./totp.ts";

/** why a re-authentication was refused: no password to confirm with, the account locked, a wrong password or code */
export type TwoFactorRefusal =
  { outcome: "no_password" } | { outcome: "locked" } | { outcome: "wrong_password" } | { outcome: "wrong_code" };

type Deps = {
  accounts: Pick<AccountService, "confirmPassword" | "recordFailure">;
  totp: Pick<TotpService, "verifyCode" | "beginEnrollment" | "confirmEnrollment" | "regenerateBackupCodes" | "disable">;
  audit: AuditService;
  notifications: Pick<Notifications, "twoFactorChanged">;
};

/** where from, for the audit event and the email (never the device cookie) */
const infoOf = (request: RequestInfo): RequestInfo => ({ ip: request.ip, userAgent: request.userAgent });

export function createTwoFactorSettings(deps: Deps) {
  const { accounts, totp, audit, notifications } = deps;
  const record = (
    user: User,
    request: RequestInfo,
    type: string,
    outcome: "success" | "failure",
    data: Record<string, string | number> = {},
  ) => audit.record({ type, outcome, userId: user.id, ...infoOf(request), data });

  /**
   * the current password and, when given, a code (TOTP or backup; a wrong one counts toward the lockout); a
   * refusal is audited as a failure of `auditType`
   */
  async function reauthenticate(
    user: User,
    auditType: string,
    given: { password: string; code?: string },
    request: LockRequest,
  ): Promise<{ outcome: "ok"; method?: "totp" | "backup" } | TwoFactorRefusal> {
    // nothing to check a password against: refused clearly, and no failure counts toward the lockout
    if (!user.passwordHash) {
      await record(user, request, auditType, "failure", { reason: "no_password" });
      return { outcome: "no_password" };
    }
    const check = await accounts.confirmPassword(user, given.password, request);
    if (check.outcome !== "ok") {
      await record(user, request, auditType, "failure", { reason: check.outcome });
      return { outcome: check.outcome };
    }
    if (given.code === undefined) return { outcome: "ok" };
    const verified = await totp.verifyCode(user, given.code);
    if (verified.outcome !== "ok") {
      await accounts.recordFailure(user, request, "code");
      await record(user, request, auditType, "failure", { reason: "wrong_code" });
      return { outcome: "wrong_code" };
    }
    return { outcome: "ok", method: verified.method };
  }

  return {
    /** the setup's first step (a second factor is a credential: whoever sets it up must know the password) */
    async beginSetup(
      user: User,
      given: { password: string },
      request: LockRequest,
    ): Promise<{ outcome: "enroll"; enrollment: Enrollment } | TwoFactorRefusal> {
      const check = await reauthenticate(user, "two_factor.enabled", given, request);
      if (check.outcome !== "ok") return check;
      return { outcome: "enroll", enrollment: await totp.beginEnrollment(user) };
    },

    /** the setup confirmed with a code from the app: on, with its backup codes (shown once) */
    async confirmSetup(
      user: User,
      code: string,
      request: RequestInfo,
    ): Promise<{ outcome: "enabled"; backupCodes: string[] } | { outcome: "invalid" } | { outcome: "expired" }> {
      const result = await totp.confirmEnrollment(user, code);
      if (result.outcome !== "enabled") {
        await record(user, request, "two_factor.enabled", "failure", {
          reason: result.outcome === "expired" ? "enrollment_expired" : "wrong_code",
        });
        return result;
      }
      await record(user, request, "two_factor.enabled", "success");
      await notifications.twoFactorChanged(user, infoOf(request), "enabled");
      return result;
    },

    /** new backup codes (the old ones stop working), after the password and a code */
    async regenerateBackupCodes(
      user: User,
      given: { password: string; code: string },
      request: LockRequest,
    ): Promise<{ outcome: "regenerated"; backupCodes: string[] } | TwoFactorRefusal> {
      const check = await reauthenticate(user, "two_factor.backup_codes_regenerated", given, request);
      if (check.outcome !== "ok") return check;
      const backupCodes = await totp.regenerateBackupCodes(user.id);
      await record(user, request, "two_factor.backup_codes_regenerated", "success");
      await notifications.twoFactorChanged(user, infoOf(request), "backup_codes_regenerated");
      return { outcome: "regenerated", backupCodes };
    },

    /** two-factor off, after the password and a code (TOTP or backup: the audit event says which) */
    async disable(
      user: User,
      given: { password: string; code: string },
      request: LockRequest,
    ): Promise<{ outcome: "disabled" } | TwoFactorRefusal> {
      const check = await reauthenticate(user, "two_factor.disabled", given, request);
      if (check.outcome !== "ok") return check;
      await totp.disable(user.id);
      await record(user, request, "two_factor.disabled", "success", { method: check.method ?? "totp" });
      await notifications.twoFactorChanged(user, infoOf(request), "disabled");
      return { outcome: "disabled" };
    },
  };
}

export type TwoFactorSettings = ReturnType<typeof createTwoFactorSettings>;
