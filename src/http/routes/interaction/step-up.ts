// The step-up of a live session (flows/login/step-up.ts): oidc-provider sends a session weaker than the
// relying party's acr_values back to the login prompt with only our `acr_values` reason (oidc/acr-policy.ts);
// such a session is not asked for its password again but goes straight to the missing second factor, or the
// relying party is told unmet_authentication_requirements. Any other reason (no session, max_age,
// prompt=login, another subject) shows the sign-in page as usual.
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import type { LoginEngine } from "../../../flows/login/engine.ts";
import { ACR_CHECK } from "../../../oidc/acr-policy.ts";
import type { Interaction, InteractionHelpers } from "./shared.ts";

export function createStepUpHandler(app: AppContext, h: InteractionHelpers, engine: LoginEngine) {
  /** answers the request and says true when this interaction is a step-up; false: not one */
  return async function stepUp(ctx: Context, interaction: Interaction): Promise<boolean> {
    const live = interaction.session;
    const reasons = interaction.prompt.reasons;
    if (!live?.accountId || !live.uid || reasons.length !== 1 || reasons[0] !== ACR_CHECK) return false;
    const session = await app.oidc.provider.Session.findByUid(live.uid);
    if (!session || session.accountId !== live.accountId) return false;
    const outcome = await engine.stepUp(h.facts(ctx, interaction), {
      accountId: live.accountId,
      amr: session.amr ?? [],
      loginTs: session.loginTs,
      remember: !session.transient,
    });
    // the session's account is gone or disabled: the sign-in page, as for no session
    if (outcome.kind === "refused") return false;
    await h.answer(ctx, interaction, outcome);
    return true;
  };
}
