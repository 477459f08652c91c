// The login gates: checks that run after every factor has passed and before the team step, in this order:
// the suspicious-login hold (risk), device approval (device), the single-session policy (single_session).
// A gate either lets the login through (possibly adding to its audit record) or stops it at a page of its own
// (/interaction/:uid/<gate page>), remembering who signed in and which gates are behind them; the page calls
// `pass` once its condition is met, and the remaining gates run. Nothing is signed in until the last gate and
// the team step are done; a login stopped at a gate that is left alone simply expires.
import type { Context } from "koa";
import type { GateName, GateState, LoginFlow, SignedIn } from "../../../flows/login-flow.ts";
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

/** every gate's follow-up once the sign-in is settled (the team step's complete calls it) */
export const gatesSignedIn = (gates: LoginGate[]) => async (ctx: Context, interaction: Interaction, who: SignedIn): Promise<void> => {
  for (const gate of gates) await gate.signedIn?.(ctx, interaction, who);
};

export function createGateRunner(h: InteractionHelpers, flow: LoginFlow, gates: LoginGate[], teamStep: TeamStep) {
  const expired = (uid: string) =>
    new AppError("login.gate_expired", 400, "This sign-in step has expired. Start again and enter your password.", { startOverUrl: `/interaction/${uid}` });

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

    /** the login waiting at `gate` in this interaction, or the "start again" page */
    async pending(interaction: Interaction, gate: GateName): Promise<GateState> {
      if (interaction.prompt.name !== "login") throw h.wrongStep();
      const state = await flow.pendingGate(interaction.uid, gate);
      if (!state) throw expired(interaction.uid);
      return state;
    },

    /** the gate's condition is met: end its wait (once, even for parallel requests) and run the remaining gates */
    async pass(ctx: Context, interaction: Interaction, state: GateState, audit: Record<string, string | string[]> = {}): Promise<void> {
      if (!(await flow.finishGate(interaction.uid))) throw expired(interaction.uid);
      const who = { ...state.who, audit: { ...state.who.audit, ...audit } };
      return run(ctx, interaction, who, [...state.passed, state.gate]);
    },

    /** the gate refuses: its wait ends and the user must start again (the gate says why on its own page) */
    stop: (interaction: Interaction) => flow.finishGate(interaction.uid),

    expired,
  };
}

export type GateRunner = ReturnType<typeof createGateRunner>;
