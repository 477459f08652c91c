// The login between the password and the second factor: a short pre-auth state in Redis keyed by the
// interaction uid (at most 5 minutes, never longer than the interaction), and the code step that ends it.
// Until the code is right nothing is reset or recorded: a wrong code counts toward lockout like a wrong
// password, and a locked account is refused without looking at the code.
import type { RedisClient } from "../db/redis.ts";
import type { Clock } from "../lib/clock.ts";
import type { User } from "../queries/users.ts";
import type { AccountService } from "../services/accounts.ts";
import type { RequestInfo } from "../services/notifications.ts";
import type { TotpService } from "../services/totp.ts";

export const PRE_AUTH_MAX_SECONDS = 300;

/** the only state this flow keeps: the password was right, the code is still to come */
export type SecondFactorState = { step: "second_factor"; userId: string; remember: boolean; expiresAt: number };

export type CodeResult =
  | { outcome: "ok"; user: User; method: "totp" | "backup"; amr: string[]; remember: boolean; backupCodesLeft?: number }
  /** the caller shows one message for both reasons; lockedUntil is set when this code started a lock */
  | { outcome: "invalid"; user: User; reason: "wrong_code" | "locked"; lockedUntil?: Date }
  /** no pre-auth state (expired, finished by a parallel request, or the account is gone): start again */
  | { outcome: "expired" };

/** seconds the pre-auth state may live: the cap, but never past the interaction's own expiry (at least 1) */
export function preAuthTtl(interactionExp: number, now: number, max = PRE_AUTH_MAX_SECONDS): number {
  return Math.max(1, Math.min(max, Math.floor(interactionExp - now)));
}

export function createLoginFlow(deps: { redis: RedisClient; clock: Clock; accounts: AccountService; totp: TotpService }) {
  const { redis, clock, accounts, totp } = deps;
  const key = (uid: string) => `flow:login:{${uid}}`;

  async function pending(uid: string): Promise<SecondFactorState | null> {
    const raw = await redis.get(key(uid));
    if (!raw) return null;
    const state = JSON.parse(raw) as SecondFactorState;
    // Redis expires the key on its own; this check keeps the rule with the application's clock too
    return state.step === "second_factor" && state.expiresAt > clock.epoch() ? state : null;
  }

  return {
    pending,

    /** the password was right for an account with TOTP: remember that (and "remember me") for the code step */
    async beginSecondFactor(uid: string, interactionExp: number, data: { userId: string; remember: boolean }): Promise<SecondFactorState> {
      const ttl = preAuthTtl(interactionExp, clock.epoch());
      const state: SecondFactorState = { step: "second_factor", ...data, expiresAt: clock.epoch() + ttl };
      await redis.set(key(uid), JSON.stringify(state), "EX", ttl);
      return state;
    },

    /** a TOTP or backup code for the pending state; a right one ends the state (once) and completes the sign-in */
    async submitCode(uid: string, state: SecondFactorState, code: string, request: RequestInfo): Promise<CodeResult> {
      const user = await accounts.findActive(state.userId);
      if (!user) {
        await redis.del(key(uid));
        return { outcome: "expired" };
      }
      if (await accounts.isLocked(user.id)) return { outcome: "invalid", user, reason: "locked" };
      const check = await totp.verifyCode(user, code);
      if (check.outcome !== "ok") {
        const failure = await accounts.recordFailure(user, request, "code");
        return { outcome: "invalid", user, reason: "wrong_code", ...(failure.lockedUntil ? { lockedUntil: failure.lockedUntil } : {}) };
      }
      // of parallel right answers (a TOTP code and a backup code, say) only the one that ends the state signs in
      if ((await redis.del(key(uid))) !== 1) return { outcome: "expired" };
      await accounts.completeSignIn(user);
      return { outcome: "ok", user, method: check.method, amr: ["pwd", "otp"], remember: state.remember, ...(check.backupCodesLeft !== undefined ? { backupCodesLeft: check.backupCodesLeft } : {}) };
    },

    /** a new password step (or leaving the flow) drops any pending state */
    cancel: async (uid: string) => { await redis.del(key(uid)); },
  };
}

export type LoginFlow = ReturnType<typeof createLoginFlow>;
