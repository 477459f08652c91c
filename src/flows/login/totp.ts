// The authenticator-app strategy of the second factor: a TOTP code (each time step accepted once) or one of
// the single-use backup codes. A backup code is audited with how many are left.
import type { TotpService } from "../../services/totp.ts";
import { totpEnabled } from "../../services/totp.ts";
import type { SecondFactorStrategy } from "./second-factor.ts";

export function createTotpStrategy(totp: Pick<TotpService, "verifyCode">): SecondFactorStrategy {
  return {
    methods: ["totp", "backup"],
    enrolled: (user) => totpEnabled(user),
    async verify(user, input) {
      const check = await totp.verifyCode(user, input.code);
      if (check.outcome !== "ok") return { ok: false };
      return {
        ok: true,
        amr: ["otp"],
        method: check.method,
        ...(check.method === "backup"
          ? { event: { type: "two_factor.backup_code_used", data: { remaining: check.backupCodesLeft ?? 0 } } }
          : {}),
      };
    },
  };
}
