// What a sign-in still needs for the acr level the relying party asked for (lib/acr.ts, Facts.requiredAcr), and
// the step-up of a live session. After a first factor: the gates when enough factors were shown (or none more
// exists and none is asked for), the second-factor step (only a passkey when the phishing-resistant level is
// asked for), or "unmet" when the account has no way to reach the level: the relying party is told
// unmet_authentication_requirements rather than handed a weaker sign-in. Enrolling a factor in the middle of a
// sign-in would prove nothing more than the first factor did, so it is never offered for step-up.
// A live session weaker than asked (oidc/acr-policy.ts sends it back here) does not type its password again: it
// goes straight to the second factor, carrying the session's amr; auth_time then moves to now.
import type { User } from "../../queries/users.ts";
import type { AccountService } from "../../services/accounts.ts";
import { acrFor, meets, secondFactorMethodsFor } from "../../lib/acr.ts";
import type { SecondFactorStep } from "./second-factor.ts";
import type { Trail } from "./trail.ts";
import { refused, type Facts, type Outcome } from "./types.ts";

export type Plan = { next: "gates" } | { next: "second_factor"; only?: string[] } | { next: "unmet" };

/** what comes after a first factor that showed `amr` (`multiFactor`: it proved two by itself), for a user with `enrolled` second factors */
export function planAfter(amr: string[], multiFactor: boolean, enrolled: string[], required: string | undefined): Plan {
  if (!multiFactor && enrolled.length > 0) {
    const usable = secondFactorMethodsFor(required, enrolled);
    if (usable.length === 0) return { next: "unmet" };
    return { next: "second_factor", ...(usable.length < enrolled.length ? { only: usable } : {}) };
  }
  return meets(acrFor(amr), required) ? { next: "gates" } : { next: "unmet" };
}

export const UNMET_DESCRIPTION = "the End-User has no sign-in method that meets the requested authentication context class";

/** the relying party is told the level cannot be reached; audited */
export async function unmet(facts: Facts, user: User, amr: string[], trail: Trail): Promise<Outcome> {
  trail.add({ type: "login.acr_unmet", outcome: "failure", userId: user.id, data: { required: facts.requiredAcr ?? "", amr } });
  await trail.flush();
  return { kind: "unmet", description: UNMET_DESCRIPTION };
}

/** the live session's sign-in, as oidc-provider keeps it */
export type LiveSession = { accountId: string; amr: string[]; loginTs: number | undefined; remember: boolean };

/** the amr values each second-factor method shows */
const AMR_OF_METHOD: Record<string, string[]> = { totp: ["otp"], backup: ["otp"], passkey: ["hwk", "swk"] };

export function createStepUp(deps: {
  accounts: Pick<AccountService, "findActiveForSignIn">;
  secondFactor: SecondFactorStep;
  nowMs: () => number;
}) {
  return async (facts: Facts, session: LiveSession, trail: Trail): Promise<Outcome> => {
    const user = await deps.accounts.findActiveForSignIn(session.accountId);
    if (!user) return refused("login.expired");
    const enrolled = await deps.secondFactor.enrolled(user);
    // only what the session has not shown already counts as another factor
    const fresh = enrolled.filter((m) => !(AMR_OF_METHOD[m] ?? []).some((a) => session.amr.includes(a)));
    const plan = planAfter(session.amr, false, fresh, facts.requiredAcr);
    if (plan.next !== "second_factor") return unmet(facts, user, session.amr, trail);
    trail.add({
      type: "login.step_up",
      outcome: "success",
      userId: user.id,
      data: { required: facts.requiredAcr ?? "", amr: session.amr },
    });
    // a password change since the session's sign-in ends the step-up like it ends a waiting login
    const authAt = session.loginTs ? session.loginTs * 1000 : deps.nowMs();
    // only the fresh methods the level allows: a code already shown is no step up
    const only = plan.only ?? (fresh.length < enrolled.length ? fresh : undefined);
    return deps.secondFactor.begin(facts, user, enrolled, session.amr, session.remember, authAt, trail, only ? { only } : {});
  };
}
