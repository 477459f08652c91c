// The suspicious-login gate: the configured rules over this sign-in and the user's history. When one fires the
// login is held, the approve / deny links are emailed (limited per user: over the limit nothing is held or
// sent and the refusal propagates), and the login waits at the "check your email" page, which goes on once the
// hold is approved, shows "blocked" once it is denied, and "start again" once it expired or was superseded.
// Every successful sign-in's place is recorded when it settles (finish.ts writes it with the sign-in).
import type { User } from "../../queries/users.ts";
import type { AccountService } from "../../services/accounts.ts";
import type { HoldStatus, RiskService } from "../../services/risk/index.ts";
import { isWaiting, type Gate, type GateRunner } from "./gates.ts";
import { ACR_MFA, acrFor, meets } from "../../lib/acr.ts";
import type { Trail } from "./trail.ts";
import { refused, type AuditData, type Facts, type FlowClock, type GateState, type Outcome } from "./types.ts";

export type Limit = { consume(key: string): Promise<void> };
export type HoldView = { email: string; expiresAt: number };
/** what the waiting page's script asks: would a reload show something else? */
export type HoldPoll = "pending" | "approved" | "denied" | "expired" | "moved";

/**
 * what a fired rule does (RISK_ACTION): `hold` the login for the emailed approve / deny; `second_factor`: a login
 * that showed a second factor (TOTP, a passkey; acr mfa or more) goes on, its factor being the step-up, and only
 * a login without one is held
 */
export type RiskAction = "hold" | "second_factor";

export function createRiskGate(deps: {
  risk: RiskService;
  accounts: AccountService;
  clock: FlowClock;
  holdEmails: Limit;
  action?: RiskAction;
}) {
  const { risk, accounts, clock } = deps;
  const request = (facts: Facts) => ({ ip: facts.ip, userAgent: facts.userAgent, clientId: facts.clientId });

  const gate: Gate = {
    name: "risk",
    page: "hold",
    async check(facts, who, user, trail) {
      if (!risk.enabled) return { pass: true };
      const { fired, event } = await risk.assess(who.userId, request(facts));
      const byFactor = fired.length > 0 && deps.action === "second_factor" && meets(acrFor(who.amr), ACR_MFA);
      if (event) trail.addFull(byFactor ? { ...event, data: { ...(event.data as object), decision: "second_factor" } } : event);
      if (byFactor) return { pass: true, audit: { risk: "second_factor", riskRules: fired.map((f): string => f.rule) } as AuditData };
      if (!fired.length) {
        await risk.endEarlierHold(facts.uid, request(facts));
        return { pass: true, audit: { risk: "allow" } };
      }
      await trail.flush();
      // the links die with the login they would let through: never later than the interaction itself
      const ttlSeconds = Math.max(1, Math.min(risk.holdTtl, facts.interactionExp - clock.epoch()));
      const holdId = await risk.hold(
        user,
        { interactionUid: facts.uid, fired, ttlSeconds, spend: () => deps.holdEmails.consume(user.id) },
        request(facts),
      );
      return { pass: false, page: "hold", ttl: risk.holdTtl, data: { holdId } };
    },
    async settle(facts, who, _trail, out) {
      out.location = await risk.signInLocation(who.userId, facts.ip);
    },
  };

  /** bound to the runner by the engine */
  function actions(gates: GateRunner) {
    type Waiting = { state: GateState; found: HoldStatus } | { outcome: Outcome };

    /** the waiting login and its hold; a hold gone, expired, superseded or not this login's ends the wait */
    async function waiting(facts: Facts): Promise<Waiting> {
      const state = await gates.waitingAt(facts, "risk");
      if (!isWaiting(state)) return { outcome: state };
      const found = await risk.status(state.data.holdId ?? "", request(facts));
      if (
        !found ||
        found.status === "expired" ||
        found.status === "superseded" ||
        found.hold.interactionUid !== facts.uid ||
        found.hold.userId !== state.who.userId
      ) {
        await gates.stop(facts);
        return { outcome: refused("login.expired") };
      }
      return { state, found };
    }

    return {
      /** the waiting page: approved goes on, denied is blocked, pending shows where the email went */
      async visit(facts: Facts, trail: Trail): Promise<Outcome | { kind: "waiting"; view: HoldView }> {
        const w = await waiting(facts);
        if (!("state" in w)) return w.outcome;
        const { state, found } = w;
        if (found.status === "approved") return gates.pass(facts, state, trail, { risk: "approved", riskRules: found.hold.rules });
        if (found.status === "denied") {
          if (await gates.stop(facts)) {
            trail.add({
              type: "login.failed",
              outcome: "failure",
              userId: state.who.userId,
              data: { reason: "hold_denied", holdId: found.hold.id, rules: found.hold.rules },
            });
            await trail.flush();
          }
          return { kind: "blocked" };
        }
        const user: User | undefined = await accounts.findActive(state.who.userId);
        if (!user) {
          await gates.stop(facts);
          return refused("login.expired");
        }
        return { kind: "waiting", view: { email: user.email, expiresAt: found.hold.expiresAt } };
      },

      /** for the page's script; decides nothing */
      async poll(facts: Facts): Promise<HoldPoll> {
        const w = await waiting(facts);
        if ("state" in w) return w.found.status as HoldPoll;
        return w.outcome.kind === "continue" ? "moved" : "expired";
      },
    };
  }

  return { gate, actions };
}
