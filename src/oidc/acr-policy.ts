// Step-up for `acr_values` (lib/acr.ts). oidc-provider turns acr_values into a voluntary `acr` claim and only
// prompts for *essential* ones (the claims parameter, off here), so this adds one check to its login prompt: a
// live session whose sign-in is weaker than the weakest known level asked for must sign in again (the login
// page then asks only what is missing: flows/login/step-up.ts). With prompt=none that is login_required. A login
// just handed over that still falls short is refused with unmet_authentication_requirements (OpenID Connect
// Unmet Authentication Requirements 1.0) rather than issued at a lower level; the flow itself never hands one
// over (it answers that error itself), so this is the last guard. max_age and prompt=login are oidc-provider's
// own checks.
import { errors, interactionPolicy, type KoaContextWithOIDC } from "oidc-provider";
import { meets, requiredAcr, sessionAcr } from "../lib/acr.ts";

export const ACR_CHECK = "acr_values";

export function acrCheck() {
  return new interactionPolicy.Check(
    ACR_CHECK,
    "the requested authentication context class was not reached",
    "login_required",
    (ctx: KoaContextWithOIDC) => {
      const { oidc } = ctx;
      const required = requiredAcr(oidc.params?.acr_values);
      const session = oidc.session;
      if (!required || !session?.accountId) return false;
      const held = sessionAcr({ acr: session.acr, amr: session.amr });
      if (meets(held, required)) return false;
      if (oidc.result?.login)
        throw new errors.UnmetAuthenticationRequirements("the sign-in did not reach the requested authentication context class");
      return true;
    },
  );
}

/** adds the check to the login prompt of `policy` (after oidc-provider's own) */
export function withAcrCheck<P extends ReturnType<typeof interactionPolicy.base>>(policy: P): P {
  policy.get("login")!.checks.add(acrCheck());
  return policy;
}
