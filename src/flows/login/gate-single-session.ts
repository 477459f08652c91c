// The single-session gate (SINGLE_SESSION=true; off by default): when the user has another live session (not
// this browser's own), the login waits at a page listing them with two choices. "Sign the other session out and
// continue" passes the gate (once, even for parallel requests); the other sessions end only once the sign-in is
// settled (settle), so a login abandoned at a later step leaves them alone. "Cancel" stops the login and the
// relying party is told access_denied, leaving the other session alive.
import type { SessionRecords, UserSession } from "../../services/sessions/records.ts";
import { isWaiting, type Gate, type GateRunner } from "./gates.ts";
import type { Trail } from "./trail.ts";
import { refused, type Facts, type FlowClock, type GateState, type Outcome } from "./types.ts";

export function createSingleSessionGate(deps: { sessions: SessionRecords; clock: FlowClock; enabled: boolean }) {
  const { sessions, clock } = deps;
  const request = (facts: Facts) => ({ ip: facts.ip, userAgent: facts.userAgent, clientId: facts.clientId });

  /** the user's live sessions other than this browser's own */
  const othersOf = async (userId: string, facts: Facts) =>
    (await sessions.listActive(userId)).filter((s) => s.id !== facts.browserSessionUid);

  const gate: Gate = {
    name: "single_session",
    page: "single-session",
    async check(facts, who) {
      if (!deps.enabled) return { pass: true };
      const others = await othersOf(who.userId, facts);
      if (!others.length) return { pass: true, audit: { singleSession: "none" } };
      return { pass: false, page: "single-session", data: { shownAt: String(clock.now().getTime()) } };
    },
    /** the user chose "sign the other session out": now that the sign-in is settled, end them */
    async settle(facts, who) {
      if (who.audit.singleSession !== "replaced") return;
      for (const other of await othersOf(who.userId, facts)) {
        await sessions.revoke(who.userId, other.id, { reason: "single_session", actorId: who.userId, request: request(facts) });
      }
    },
  };

  function actions(gates: GateRunner) {
    const waitedMs = (state: GateState) => Math.max(0, clock.now().getTime() - Number(state.data.shownAt ?? clock.now().getTime()));

    return {
      /** the page: the other sessions */
      async show(facts: Facts): Promise<Outcome | { kind: "page"; sessions: UserSession[] }> {
        const w = await gates.waitingAt(facts, "single_session");
        return isWaiting(w) ? { kind: "page", sessions: await othersOf(w.who.userId, facts) } : w;
      },

      /** "sign the other session out and continue" (they end in settle, once the whole sign-in is through) */
      async replace(facts: Facts, trail: Trail): Promise<Outcome> {
        const state = await gates.waitingAt(facts, "single_session");
        if (!isWaiting(state)) return refused("login.expired");
        const others = (await othersOf(state.who.userId, facts)).map((s) => s.id);
        return gates.pass(facts, state, trail, {
          singleSession: "replaced",
          replacedSessions: others,
          singleSessionDecisionMs: String(waitedMs(state)),
        });
      },

      /** "cancel": the login ends, the relying party hears access_denied */
      async cancel(facts: Facts, trail: Trail): Promise<Outcome> {
        const state = await gates.waitingAt(facts, "single_session");
        if (!isWaiting(state)) return refused("login.expired");
        const others = await othersOf(state.who.userId, facts);
        await gates.stop(facts);
        trail.add({
          type: "session.single_session_cancelled",
          outcome: "failure",
          userId: state.who.userId,
          data: {
            decision: "cancel",
            otherSessions: others.map((s) => s.id),
            latencyMs: Math.max(0, clock.now().getTime() - Number(state.data.shownAt ?? 0)),
          },
        });
        await trail.flush();
        return { kind: "cancelled", description: "The sign-in was cancelled: the account is signed in elsewhere." };
      },
    };
  }

  return { gate, actions };
}
