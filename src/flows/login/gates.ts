// The gates: checks that run after every factor has passed and before the team step, in the order the engine
// declares (engine.ts). A gate lets the login through (adding to what login.succeeded says) or stops it at a
// page of its own, remembering who signed in and which gates are behind them; the page's action passes the
// gate once its condition is met, and the remaining gates run. Nothing is signed in before the last gate and
// the team; a login left waiting simply expires. A gate's work that must wait for the finished sign-in (trust
// the browser, record the place, end the other session) is its `settle`, run once by finish.ts.
import type { User } from "../../queries/users.ts";
import type { AccountService } from "../../services/accounts.ts";
import type { RiskService } from "../../services/risk/index.ts";
import type { LoginStore } from "./store.ts";
import type { Trail } from "./trail.ts";
import {
  refused,
  type AuditData,
  type Facts,
  type GateName,
  type GateState,
  type LoginPage,
  type Outcome,
  type SignedIn,
} from "./types.ts";

export type GateCheck =
  /** go on; `audit` joins the login.succeeded event (how this gate was passed) */
  | { pass: true; audit?: AuditData }
  /** wait at `page`; `data` is kept with the waiting login for `ttl` seconds (default 5 minutes, never past the interaction) */
  | { pass: false; page: LoginPage; data?: Record<string, string>; ttl?: number };

/** what the gates' settling hands to finish.ts: a device cookie for the browser, the sign-in's place to record */
export type Settled = { deviceCookie?: string; location?: SignInLocation };

export type Gate = {
  name: GateName;
  page: LoginPage;
  check(facts: Facts, who: SignedIn, user: User, trail: Trail): Promise<GateCheck>;
  /** once the whole sign-in is settled (team included), just before it is handed over */
  settle?(facts: Facts, who: SignedIn, trail: Trail, out: Settled): Promise<void>;
};

/** whether a gate's action found its login waiting (else it holds the outcome to answer with) */
export const isWaiting = (w: GateState | Outcome): w is GateState => "step" in w;

export type SignInLocation = Awaited<ReturnType<RiskService["signInLocation"]>>;

/** what follows the last gate (the team step) */
type Next = (facts: Facts, who: SignedIn, trail: Trail) => Promise<Outcome>;

export function createGateRunner(deps: { store: LoginStore; accounts: AccountService; gates: Gate[] }, next: Next) {
  const { store, accounts, gates } = deps;
  const pageOf = (name: GateName) => gates.find((g) => g.name === name)!.page;

  /** the gates not yet passed, in order; the team step after the last */
  async function run(facts: Facts, who: SignedIn, trail: Trail, user: User, passed: GateName[] = []): Promise<Outcome> {
    let current = who;
    const behind = [...passed];
    for (const gate of gates) {
      if (behind.includes(gate.name)) continue;
      const outcome = await gate.check(facts, current, user, trail);
      if (!outcome.pass) {
        await store.save<GateState>(
          facts.uid,
          facts.interactionExp,
          { step: "gate", gate: gate.name, who: current, passed: behind, data: outcome.data ?? {} },
          outcome.ttl,
        );
        await trail.flush();
        return { kind: "continue", page: outcome.page };
      }
      if (outcome.audit) current = { ...current, audit: { ...current.audit, ...outcome.audit } };
      behind.push(gate.name);
    }
    return next(facts, current, trail);
  }

  /**
   * the account behind a login that waited, if it may still go on: active, and its password unchanged since the
   * login checked it (a reset while a login waits ends that login)
   */
  async function stillValid(who: Pick<SignedIn, "userId" | "authAt">): Promise<User | null> {
    const user = await accounts.findActive(who.userId);
    if (!user) return null;
    return !user.passwordChangedAt || user.passwordChangedAt.getTime() <= who.authAt ? user : null;
  }

  return {
    run,
    stillValid,
    settleAll: async (facts: Facts, who: SignedIn, trail: Trail): Promise<Settled> => {
      const out: Settled = {};
      for (const gate of gates) await gate.settle?.(facts, who, trail, out);
      return out;
    },

    /**
     * the login waiting at `gate`; else where a page opened again should send the browser (the page the login
     * waits at now, or oidc-provider's resume once it was handed over), or "start again" when it is gone
     */
    async waitingAt(facts: Facts, gate: GateName): Promise<GateState | Outcome> {
      if (facts.handedOver) return { kind: "continue", page: "resume" };
      const state = await store.current(facts.uid);
      if (state?.step === "gate" && state.gate === gate) return state;
      if (state?.step === "gate") return { kind: "continue", page: pageOf(state.gate) };
      if (state?.step === "team") return { kind: "continue", page: "team" };
      return refused("login.expired");
    },

    /** the gate's condition is met: its wait ends (once, even for parallel requests) and the remaining gates run */
    async pass(facts: Facts, state: GateState, trail: Trail, audit: AuditData = {}): Promise<Outcome> {
      if (!(await store.take(facts.uid))) return refused("login.expired");
      const user = await stillValid(state.who);
      if (!user) return refused("login.expired");
      const who = { ...state.who, audit: { ...state.who.audit, ...audit } };
      return run(facts, who, trail, user, [...state.passed, state.gate]);
    },

    /** the gate refuses: the wait ends (true for the one request that ended it) */
    stop: (facts: Facts) => store.drop(facts.uid),
  };
}

export type GateRunner = ReturnType<typeof createGateRunner>;
