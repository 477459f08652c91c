// The login between the password and its end: a short pre-auth state in Redis keyed by the interaction uid
// (each step at most 5 minutes unless a step asks for longer, never longer than the interaction): the second
// factor, then the login gates (suspicious-login hold, device approval, single session; see
// http/routes/interaction/gates.ts), then the team choice for a user with several teams. Until the code is right nothing is reset or recorded: a wrong code counts
// toward lockout like a wrong password, and a locked account is refused without looking at the code. The team
// step comes after every factor has passed; it only remembers who signed in and how, until a team is picked.
import type { RedisClient } from "../db/redis.ts";
import type { Clock } from "../lib/clock.ts";
import type { User } from "../queries/users.ts";
import type { AccountService } from "../services/accounts.ts";
import type { RequestInfo } from "../services/notifications.ts";
import type { TotpService } from "../services/totp.ts";

export const PRE_AUTH_MAX_SECONDS = 300;

/** the password was right, the code is still to come */
export type SecondFactorState = { step: "second_factor"; userId: string; remember: boolean; authAt: number; expiresAt: number };
/** every factor passed; the user picks the team to sign in with. `requested`: the relying party's `team` they are not in */
export type TeamSelectState = {
  step: "team_select"; userId: string; remember: boolean; amr: string[]; authAt: number; expiresAt: number;
  requested?: string;
  /** what the login.succeeded audit event says once the team is picked (how the factors were passed) */
  audit: Record<string, string | string[]>;
};
/** who signed in and how, once every factor has passed; authAt: when the password was checked (ms, app clock) */
export type SignedIn = { userId: string; amr: string[]; remember: boolean; authAt: number; audit: Record<string, string | string[]> };
/** the checks after the factors, in order (gates.ts) */
export type GateName = "risk" | "device" | "single_session";
/** the login waits at `gate` (a page of its own); `passed` are the gates already behind it */
export type GateState = { step: "gate"; gate: GateName; who: SignedIn; passed: GateName[]; data: Record<string, string>; expiresAt: number };
export type LoginState = SecondFactorState | TeamSelectState | GateState;

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

  /** the step the login waits at, whichever it is (null when none, or expired) */
  async function current(uid: string): Promise<LoginState | null> {
    const raw = await redis.get(key(uid));
    if (!raw) return null;
    const state = JSON.parse(raw) as LoginState;
    // Redis expires the key on its own; this check keeps the rule with the application's clock too
    return state.expiresAt > clock.epoch() ? state : null;
  }

  async function stateAt<S extends LoginState["step"]>(uid: string, step: S): Promise<Extract<LoginState, { step: S }> | null> {
    const state = await current(uid);
    return state?.step === step ? (state as Extract<LoginState, { step: S }>) : null;
  }

  async function save<S extends LoginState>(uid: string, interactionExp: number, state: Omit<S, "expiresAt">, max = PRE_AUTH_MAX_SECONDS): Promise<S> {
    const ttl = preAuthTtl(interactionExp, clock.epoch(), max);
    const saved = { ...state, expiresAt: clock.epoch() + ttl } as S;
    await redis.set(key(uid), JSON.stringify(saved), "EX", ttl);
    return saved;
  }

  return {
    current,
    pending: (uid: string) => stateAt(uid, "second_factor"),
    pendingTeam: (uid: string) => stateAt(uid, "team_select"),

    /** the password was right for an account with TOTP: remember that (and "remember me") for the code step */
    beginSecondFactor: (uid: string, interactionExp: number, data: { userId: string; remember: boolean; authAt: number }) =>
      save<SecondFactorState>(uid, interactionExp, { step: "second_factor", ...data }),

    /** every factor passed and the user must pick a team: remember who and how (a fresh 5 minutes for this step) */
    beginTeamSelect: (uid: string, interactionExp: number, data: Omit<TeamSelectState, "step" | "expiresAt">) =>
      save<TeamSelectState>(uid, interactionExp, { step: "team_select", ...data }),

    /** ends the team step once: of two parallel picks only one goes on to sign in */
    finishTeamSelect: async (uid: string): Promise<boolean> => (await redis.del(key(uid))) === 1,

    /** the login at this gate, or null (expired, another step, or already passed) */
    pendingGate: async (uid: string, gate: GateName): Promise<GateState | null> => {
      const state = await stateAt(uid, "gate");
      return state?.gate === gate ? state : null;
    },

    /** the login stops at a gate: remember who, what is behind them and the gate's data, for `ttl` seconds (default 5 minutes) */
    beginGate: (uid: string, interactionExp: number, data: Omit<GateState, "step" | "expiresAt">, ttl = PRE_AUTH_MAX_SECONDS) =>
      save<GateState>(uid, interactionExp, { step: "gate", ...data }, ttl),

    /** ends a gate's wait once: of two parallel requests only one goes on */
    finishGate: async (uid: string): Promise<boolean> => (await redis.del(key(uid))) === 1,

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

    /**
     * whether a login that waited (at a gate or the team page) may still go on: the account is still active and
     * its password has not changed since this login checked it (a reset while a login waits ends that login)
     */
    async stillValid(who: Pick<SignedIn, "userId" | "authAt">): Promise<boolean> {
      const user = await accounts.findActive(who.userId);
      if (!user) return false;
      return !user.passwordChangedAt || user.passwordChangedAt.getTime() <= (who.authAt ?? 0);
    },

    /** a new password step (or leaving the flow) drops any pending state */
    cancel: async (uid: string) => { await redis.del(key(uid)); },
  };
}

export type LoginFlow = ReturnType<typeof createLoginFlow>;
