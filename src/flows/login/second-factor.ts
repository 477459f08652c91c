// The second-factor step: after a first factor that proved one factor, for an account with a second one
// enrolled (a password reset while it waits ends the login). Its ways are a list of strategies (the authenticator app with backup codes today; a security key or
// passkey plugs in here). Wrong, replayed and locked all answer "invalid code"; a wrong code counts toward the
// lockout like a wrong password, and a locked account is refused without looking at the code. Of parallel right
// answers only the one that takes the waiting state goes on.
import type { User } from "../../queries/users.ts";
import type { AccountService } from "../../services/accounts.ts";
import type { LoginStore } from "./store.ts";
import type { Trail } from "./trail.ts";
import { refused, type AuditData, type Facts, type Outcome, type SecondFactorState, type SignedIn } from "./types.ts";

export type SecondFactorInput = { method: string; code: string };

export type SecondFactorCheck =
  | { ok: true; amr: string[]; method: string; event?: { type: string; data: Record<string, number | string> } }
  | { ok: false };

export type SecondFactorStrategy = {
  /** the methods this strategy answers for (the form's `method`) */
  methods: string[];
  /** whether the account has this factor set up */
  enrolled(user: User): boolean;
  verify(user: User, input: SecondFactorInput): Promise<SecondFactorCheck>;
};

type Next = (facts: Facts, who: SignedIn, trail: Trail, user: User) => Promise<Outcome>;

export function createSecondFactorStep(deps: { store: LoginStore; accounts: AccountService; strategies: SecondFactorStrategy[] }, next: Next) {
  const { store, accounts, strategies } = deps;

  /** the login waiting for its second factor (null: none, expired, or at another step) */
  async function waiting(uid: string): Promise<SecondFactorState | null> {
    const state = await store.current(uid);
    return state?.step === "second_factor" ? state : null;
  }

  return {
    waiting,
    /** whether a user passing a one-factor method must show a second */
    required: (user: User) => strategies.some((s) => s.enrolled(user)),

    /** the first factor passed: wait for the second */
    async begin(facts: Facts, user: User, amr: string[], remember: boolean, authAt: number, trail: Trail, stepUp: { stepUp?: "network" } = {}): Promise<Outcome> {
      await store.save<SecondFactorState>(facts.uid, facts.interactionExp, { step: "second_factor", userId: user.id, remember, authAt, amr, ...stepUp });
      const methods = strategies.filter((s) => s.enrolled(user)).flatMap((s) => s.methods);
      trail.add({ type: "login.second_factor_required", outcome: "success", userId: user.id, data: { method: methods[0] ?? "totp" } });
      await trail.flush();
      return { kind: "continue", page: "totp" };
    },

    async submit(facts: Facts, input: SecondFactorInput, trail: Trail): Promise<Outcome> {
      const state = await waiting(facts.uid);
      if (!state) return refused("login.expired");
      const user = await accounts.findActive(state.userId);
      // gone, disabled, or its password changed (a reset) since the first factor: this login must start again
      if (!user || (user.passwordChangedAt && user.passwordChangedAt.getTime() > state.authAt)) {
        await store.drop(facts.uid);
        return refused("login.expired");
      }
      const strategy = strategies.find((s) => s.methods.includes(input.method) && s.enrolled(user));
      // a browser the user trusts is judged by its own lockout count (services/sign-in-locks.ts)
      const request = { ip: facts.ip, userAgent: facts.userAgent, clientId: facts.clientId, deviceToken: facts.deviceToken };
      const failed = async (reason: string): Promise<Outcome> => {
        trail.add({ type: "login.second_factor_failed", outcome: "failure", userId: user.id, data: { reason, method: input.method } });
        await trail.flush();
        return refused("login.invalid_code");
      };
      if (await accounts.isLocked(user.id, request)) return failed("locked");
      const check = strategy ? await strategy.verify(user, input) : { ok: false as const };
      if (!check.ok) {
        await accounts.recordFailure(user, request, "code");
        return failed("wrong_code");
      }
      if (!(await store.take(facts.uid))) return refused("login.expired");
      await accounts.completeSignIn(user, request);
      if (check.event) trail.add({ ...check.event, outcome: "success", userId: user.id });
      const amr = [...state.amr, ...check.amr.filter((a) => !state.amr.includes(a))];
      const audit: AuditData = { amr, method: check.method, ...(state.stepUp ? { stepUp: state.stepUp } : {}) };
      return next(facts, { userId: user.id, amr, remember: state.remember, authAt: state.authAt, audit }, trail, user);
    },
  };
}

export type SecondFactorStep = ReturnType<typeof createSecondFactorStep>;
