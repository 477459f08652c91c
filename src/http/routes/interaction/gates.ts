// The login gates: checks that run after every factor has passed and before the team step, in this order:
// the suspicious-login hold (risk), device approval (device), the single-session policy (single_session).
// A gate either lets the login through (possibly adding to its audit record) or stops it at a page of its own
// (/interaction/:uid/<gate page>), remembering who signed in and which gates are behind them; the page calls
// `pass` once its condition is met, and the remaining gates run. Nothing is signed in until the last gate and
// the team step are done; a login stopped at a gate that is left alone simply expires. A gate's page opened
// again once the login has moved on (to a later gate, the team page, or oidc-provider) sends the browser there.
import type { Context, Middleware } from "koa";
import type { GateName, GateState, LoginFlow, LoginState, SignedIn } from "../../../flows/login-flow.ts";
import { AppError } from "../../errors.ts";
import type { Interaction, InteractionHelpers } from "./shared.ts";
import type { TeamStep } from "./team-select.ts";

export type GateOutcome =
  /** go on; `audit` is merged into the login.succeeded event (how this gate was passed) */
  | { pass: true; audit?: Record<string, string | string[]> }
  /** stop at this gate's page; `data` is kept with the waiting login, for `ttl` seconds (default 5 minutes, never past the interaction) */
  | { pass: false; redirect: string; data?: Record<string, string>; ttl?: number };

export type LoginGate = {
  name: GateName;
  /** whether this login may go on; may send an email (a code, approve/deny links) and set cookies */
  check(ctx: Context, interaction: Interaction, who: SignedIn): Promise<GateOutcome>;
  /** once the whole sign-in is settled (team included), just before the session is made */
  signedIn?(ctx: Context, interaction: Interaction, who: SignedIn): Promise<void>;
};

/** each gate's page, under /interaction/:uid/ */
export const GATE_PAGES: Record<GateName, string> = { risk: "hold", device: "device", single_session: "single-session" };

const EXPIRED_MESSAGE = "This sign-in step has expired. Start again and enter your password.";
const gateExpired = (uid: string) => new AppError("login.gate_expired", 400, EXPIRED_MESSAGE, { startOverUrl: `/interaction/${uid}` });

/**
 * the login this gate page was about went on: the browser belongs at `location`. To a page that does not
 * follow it (followMovedLogin) it is the same "start again" error as an expired step, as before
 */
export class LoginMovedOn extends AppError {
  constructor(uid: string, readonly location: string) {
    super("login.gate_expired", 400, EXPIRED_MESSAGE, { startOverUrl: `/interaction/${uid}` });
  }
}

/** route middleware for a gate's pages: a login that moved on is a 303 to where it waits now, not an error page */
export const followMovedLogin: Middleware = async (ctx, next) => {
  try {
    await next();
  } catch (err) {
    if (!(err instanceof LoginMovedOn)) throw err;
    ctx.status = 303;
    ctx.redirect(err.location);
  }
};

/** where the login of this interaction waits now, when not at a gate page's own step; null when nowhere */
function whereNow(interaction: Interaction, state: LoginState | null): string | null {
  // handed to oidc-provider already (a parallel reload finished it): resume the authorization there
  if (interaction.result?.login) return interaction.returnTo;
  if (state?.step === "gate") return `/interaction/${interaction.uid}/${GATE_PAGES[state.gate]}`;
  if (state?.step === "team_select") return `/interaction/${interaction.uid}/team`;
  return null;
}

/** every gate's follow-up once the sign-in is settled (the team step's complete calls it) */
export const gatesSignedIn = (gates: LoginGate[]) => async (ctx: Context, interaction: Interaction, who: SignedIn): Promise<void> => {
  for (const gate of gates) await gate.signedIn?.(ctx, interaction, who);
};

export function createGateRunner(h: InteractionHelpers, flow: LoginFlow, gates: LoginGate[], teamStep: TeamStep) {
  const expired = gateExpired;

  /** the gates not yet passed, in order; the team step after the last */
  async function run(ctx: Context, interaction: Interaction, who: SignedIn, passed: GateName[] = []): Promise<void> {
    let current = who;
    const behind = [...passed];
    for (const gate of gates) {
      if (behind.includes(gate.name)) continue;
      const outcome = await gate.check(ctx, interaction, current);
      if (!outcome.pass) {
        await flow.beginGate(interaction.uid, interaction.exp, { gate: gate.name, who: current, passed: behind, data: outcome.data ?? {} }, outcome.ttl);
        ctx.status = 303;
        return ctx.redirect(outcome.redirect);
      }
      if (outcome.audit) current = { ...current, audit: { ...current.audit, ...outcome.audit } };
      behind.push(gate.name);
    }
    return teamStep.proceed(ctx, interaction, current);
  }

  return {
    run,

    /**
     * the login waiting at `gate` in this interaction; LoginMovedOn when it waits at another step now (or was
     * handed to oidc-provider), else the "start again" page
     */
    async pending(interaction: Interaction, gate: GateName): Promise<GateState> {
      if (interaction.prompt.name !== "login") throw h.wrongStep();
      const state = await flow.current(interaction.uid);
      if (state?.step === "gate" && state.gate === gate) return state;
      const location = whereNow(interaction, state);
      if (location) throw new LoginMovedOn(interaction.uid, location);
      throw expired(interaction.uid);
    },

    /** the gate's condition is met: end its wait (once, even for parallel requests) and run the remaining gates */
    async pass(ctx: Context, interaction: Interaction, state: GateState, audit: Record<string, string | string[]> = {}): Promise<void> {
      if (!(await flow.finishGate(interaction.uid))) throw expired(interaction.uid);
      // the account was disabled or its password changed while the login waited: it must start again
      if (!(await flow.stillValid(state.who))) throw expired(interaction.uid);
      const who = { ...state.who, audit: { ...state.who.audit, ...audit } };
      return run(ctx, interaction, who, [...state.passed, state.gate]);
    },

    /** the gate refuses: its wait ends and the user must start again (the gate says why on its own page) */
    stop: (interaction: Interaction) => flow.finishGate(interaction.uid),

    expired,
  };
}

export type GateRunner = ReturnType<typeof createGateRunner>;
