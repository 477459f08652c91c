// The end of a sign-in, done exactly once: the gates settle (the browser trusted, the other session ended, the
// place looked up), then one statement writes the login time, the place and every audit event the sign-in
// still holds (login.succeeded last). What oidc-provider needs is handed over in the outcome, the team included,
// so nothing is computed again when the authorization resumes.
import type { SignInQueries } from "../../queries/sign-ins.ts";
import type { GateRunner } from "./gates.ts";
import type { Trail } from "./trail.ts";
import { refused, type Facts, type FlowClock, type LinkProof, type Outcome, type SignedIn } from "./types.ts";
import { acrFor } from "../../lib/acr.ts";

export type Finish = (facts: Facts, who: SignedIn, teamId: string | null, trail: Trail) => Promise<Outcome>;

/** `completeLink`: makes a pending upstream link (false: its offer is gone, or its connector disabled) */
export function createFinish(deps: {
  signIns: SignInQueries;
  clock: FlowClock;
  settle: GateRunner["settleAll"];
  completeLink?: (facts: Facts, userId: string, proof: LinkProof) => Promise<boolean>;
}): Finish {
  return async (facts, who, teamId, trail) => {
    // an upstream identity is linked only by a sign-in that got this far (every factor, every gate): not before
    if (who.link && !(await deps.completeLink?.(facts, who.userId, who.link))) {
      await trail.flush();
      return refused("login.expired");
    }
    const settled = await deps.settle(facts, who, trail);
    trail.add({ type: "login.succeeded", outcome: "success", userId: who.userId, data: { ...who.audit, ...(teamId ? { teamId } : {}) } });
    await deps.signIns.finish({
      userId: who.userId,
      at: deps.clock.now(),
      ...(settled.location ? { location: settled.location } : {}),
      events: trail.drain(),
    });
    const acr = acrFor(who.amr);
    return {
      kind: "done",
      finished: {
        accountId: who.userId,
        amr: who.amr,
        remember: who.remember,
        teamId,
        ...(who.idp ? { idp: who.idp } : {}),
        ...(acr ? { acr } : {}),
        ...(settled.deviceCookie ? { deviceCookie: settled.deviceCookie } : {}),
      },
    };
  };
}
