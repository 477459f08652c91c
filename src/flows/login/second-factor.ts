// The second-factor step: after a first factor that proved one factor, for an account with a second one
// enrolled (a password reset while it waits ends the login). Its ways are a list of strategies (the authenticator
// app with backup codes, and a security key or passkey: the user picks among those they have). Wrong, replayed and locked all answer "invalid code"; a wrong code counts toward the
// lockout like a wrong password, and a locked account is refused without looking at the code. Of parallel right
// answers only the one that takes the waiting state goes on.
import type { User } from "../../queries/users.ts";
import type { AccountService } from "../../services/accounts.ts";
import type { LoginStore } from "./store.ts";
import type { Trail } from "./trail.ts";
import { refused, type AuditData, type Facts, type LinkProof, type Outcome, type SecondFactorState, type SignedIn } from "./types.ts";

export type SecondFactorInput = { method: string; code: string };

export type SecondFactorCheck =
  | { ok: true; amr: string[]; method: string; event?: { type: string; data: Record<string, number | string> } }
  | { ok: false; reason?: string };

export type SecondFactorStrategy = {
  /** the methods this strategy answers for (the form's `method`) */
  methods: string[];
  /** whether the account has this factor set up */
  enrolled(user: User): boolean | Promise<boolean>;
  verify(user: User, input: SecondFactorInput, facts: Facts): Promise<SecondFactorCheck>;
};

type Next = (facts: Facts, who: SignedIn, trail: Trail, user: User) => Promise<Outcome>;

/** of `methods`, those `only` allows (see SecondFactorState; no `only`: all) */
const allowed = (methods: string[], only?: string[]) => methods.filter((m) => !only || only.includes(m));

export function createSecondFactorStep(
  deps: { store: LoginStore; accounts: AccountService; strategies: SecondFactorStrategy[] },
  next: Next,
) {
  const { store, accounts, strategies } = deps;

  /** the second-factor methods this user has set up, in the strategies' order (`only`: of these; see SecondFactorState) */
  async function methodsOf(user: User, only?: string[]): Promise<string[]> {
    const enrolled = await Promise.all(strategies.map(async (s) => ((await s.enrolled(user)) ? s.methods : [])));
    return allowed(enrolled.flat(), only);
  }

  /** the login waiting for its second factor (null: none, expired, or at another step) */
  async function waiting(uid: string): Promise<SecondFactorState | null> {
    const state = await store.current(uid);
    return state?.step === "second_factor" ? state : null;
  }

  return {
    waiting,
    /** the second-factor methods the user has set up */
    enrolled: (user: User) => methodsOf(user),
    /** the methods the user waiting in this interaction may use (empty: none waits) */
    async methods(uid: string): Promise<string[]> {
      const state = await waiting(uid);
      const user = state ? await accounts.findActiveForSignIn(state.userId) : undefined;
      return user ? methodsOf(user, state?.only) : [];
    },

    /** the first factor passed: wait for the second; `enrolled`: the user's methods, as the caller found them (enrolled()) */
    async begin(
      facts: Facts,
      user: User,
      enrolled: string[],
      amr: string[],
      remember: boolean,
      authAt: number,
      trail: Trail,
      stepUp: { stepUp?: "network"; only?: string[]; idp?: string; audit?: AuditData; link?: LinkProof } = {},
    ): Promise<Outcome> {
      await store.save<SecondFactorState>(facts.uid, facts.interactionExp, {
        step: "second_factor",
        userId: user.id,
        remember,
        authAt,
        amr,
        ...stepUp,
      });
      const methods = allowed(enrolled, stepUp.only);
      trail.add({ type: "login.second_factor_required", outcome: "success", userId: user.id, data: { method: methods[0] ?? "totp" } });
      await trail.flush();
      return { kind: "continue", page: "totp" };
    },

    async submit(facts: Facts, input: SecondFactorInput, trail: Trail): Promise<Outcome> {
      const state = await waiting(facts.uid);
      if (!state) return refused("login.expired");
      // with its sign-in facts: whether a passkey is enrolled comes with the row
      const user = await accounts.findActiveForSignIn(state.userId);
      // gone, disabled, or its password changed (a reset) since the first factor: this login must start again
      if (!user || (user.passwordChangedAt && user.passwordChangedAt.getTime() > state.authAt)) {
        await store.drop(facts.uid);
        return refused("login.expired");
      }
      // a method the level asked for rules out (a code when a passkey is required) is no method at all
      const strategy =
        !state.only || state.only.includes(input.method) ? strategies.find((s) => s.methods.includes(input.method)) : undefined;
      const usable = strategy ? await strategy.enrolled(user) : false;
      // a browser the user trusts is judged by its own lockout count (services/sign-in-locks.ts)
      const request = { ip: facts.ip, userAgent: facts.userAgent, clientId: facts.clientId, deviceToken: facts.deviceToken };
      const failed = async (
        reason: string,
        code: "login.invalid_code" | "login.passkey_refused" = input.method === "passkey" ? "login.passkey_refused" : "login.invalid_code",
      ): Promise<Outcome> => {
        trail.add({ type: "login.second_factor_failed", outcome: "failure", userId: user.id, data: { reason, method: input.method } });
        await trail.flush();
        return refused(code);
      };
      if (await accounts.isLocked(user.id, request)) return failed("locked");
      const check: SecondFactorCheck = strategy && usable ? await strategy.verify(user, input, facts) : { ok: false };
      if (!check.ok) {
        await accounts.recordFailure(user, request, "code");
        return failed(check.reason ?? "wrong_code");
      }
      if (!(await store.take(facts.uid))) return refused("login.expired");
      await accounts.completeSignIn(user, request);
      if (check.event) trail.add({ ...check.event, outcome: "success", userId: user.id });
      const amr = [...state.amr, ...check.amr.filter((a) => !state.amr.includes(a))];
      const audit: AuditData = { amr, method: check.method, ...(state.stepUp ? { stepUp: state.stepUp } : {}), ...state.audit };
      return next(
        facts,
        {
          userId: user.id,
          amr,
          remember: state.remember,
          authAt: state.authAt,
          audit,
          ...(state.idp ? { idp: state.idp } : {}),
          ...(state.link ? { link: state.link } : {}),
        },
        trail,
        user,
      );
    },
  };
}

export type SecondFactorStep = ReturnType<typeof createSecondFactorStep>;
