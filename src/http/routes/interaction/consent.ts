// The consent step: the page, allow (grant what is missing) and deny. First-party clients never see it.
import type { Context } from "koa";
import type { AppContext } from "../../../context.ts";
import type { ConsentDetails, Interaction, InteractionHelpers } from "./shared.ts";

export function createConsentHandlers(app: AppContext, h: InteractionHelpers) {
  const { services, views } = app;

  /** grants what the consent prompt found missing and finishes the interaction */
  async function grant(ctx: Context, interaction: Interaction, opts: { firstParty: boolean }) {
    const { prompt, params, session, grantId } = interaction;
    const { Grant } = app.oidc.provider;
    const clientId = String(params.client_id);
    const g = (grantId ? await Grant.find(grantId) : undefined) ?? new Grant({ accountId: session!.accountId, clientId });
    const d = prompt.details as ConsentDetails;
    if (d.missingOIDCScope) g.addOIDCScope(d.missingOIDCScope.join(" "));
    if (d.missingOIDCClaims) g.addOIDCClaims(d.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(d.missingResourceScopes ?? {})) g.addResourceScope(indicator, scopes.join(" "));
    const savedId = await g.save();
    await services.audit.record({ type: "consent.granted", outcome: "success", userId: session!.accountId, ...h.requestInfo(ctx, clientId), data: { scopes: d.missingOIDCScope ?? [], firstParty: opts.firstParty } });
    // merged with the login's result: oidc-provider checks a requested prompt=login against this interaction's
    // result, and the team the login settled rides along (session-tracking.ts records the login once)
    return h.finish(ctx, { consent: { grantId: savedId } }, true);
  }

  async function render(ctx: Context, interaction: Interaction) {
    const { uid, prompt, params, session } = interaction;
    const client = await app.oidc.provider.Client.find(String(params.client_id));
    // first-party clients never show a consent page, even when they ask for one (prompt=consent)
    if (client?.gatehouse_first_party === true && session) return grant(ctx, interaction, { firstParty: true });
    const d = prompt.details as ConsentDetails;
    ctx.set("Cache-Control", "no-store");
    ctx.type = "html";
    ctx.body = await views.render("pages/consent", {
      title: "Allow access",
      clientName: client?.clientName ?? "The application",
      scopes: [...new Set([...(d.missingOIDCScope ?? []), ...Object.values(d.missingResourceScopes ?? {}).flat()])],
      csrfToken: h.csrfToken(ctx, uid),
      action: `/interaction/${uid}/confirm`,
      abortAction: `/interaction/${uid}/abort`,
    });
  }

  async function confirm(ctx: Context, interaction: Interaction) {
    if (interaction.prompt.name !== "consent" || !interaction.session) throw h.wrongStep();
    h.verifyCsrf(ctx, interaction.uid);
    return grant(ctx, interaction, { firstParty: false });
  }

  async function deny(ctx: Context, interaction: Interaction) {
    h.verifyCsrf(ctx, interaction.uid);
    const clientId = String(interaction.params.client_id);
    await services.audit.record({ type: "consent.denied", outcome: "failure", userId: interaction.session?.accountId ?? null, ...h.requestInfo(ctx, clientId) });
    return h.finish(ctx, { error: "access_denied", error_description: "End-User aborted interaction" }, false);
  }

  return { render, confirm, deny };
}
