// The consent page: allow and deny through the consent flow (flows/consent.ts). First-party clients never see it.
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import { createConsentFlow, type ConsentDetails, type ConsentRequest } from "../../../flows/consent.ts";
import type { Interaction, InteractionHelpers } from "./shared.ts";
import type { TeamResult } from "../../../oidc/team-claims.ts";
import { authorizationRequestUrl } from "../registration-return.ts";
import { clientBrandLocals } from "./client-brand.ts";
import type { Forms } from "../../forms.ts";

export function createConsentHandlers(app: AppContext, h: InteractionHelpers, forms: Forms) {
  const flow = createConsentFlow({
    audit: app.services.audit,
    grants: {
      find: (id) => app.oidc.provider.Grant.find(id),
      create: (accountId, clientId) => new app.oidc.provider.Grant({ accountId, clientId }),
    },
  });

  const consentRequest = (ctx: Context, interaction: Interaction): ConsentRequest => ({
    accountId: interaction.session!.accountId,
    clientId: String(interaction.params.client_id),
    ...(interaction.grantId ? { grantId: interaction.grantId } : {}),
    details: interaction.prompt.details as ConsentDetails,
    ip: ctx.ip,
    userAgent: ctx.get("user-agent") || null,
  });

  /** grants what is missing and finishes the interaction */
  async function grant(ctx: Context, interaction: Interaction, firstParty: boolean) {
    const grantId = await flow.allow(consentRequest(ctx, interaction), firstParty);
    // The login was applied at the resume before: handing it over again would make oidc-provider apply it anew (a
    // new session id, its record again). Only a requested prompt=login and max_age are checked against this
    // interaction's result (a login in it satisfies them), so only then is the login's result merged in; the team
    // the login settled always rides along.
    const requested = String(interaction.params.prompt ?? "").split(" ");
    if (requested.includes("login") || interaction.params.max_age !== undefined) return h.finish(ctx, { consent: { grantId } }, true);
    const team = (interaction.lastSubmission as TeamResult | undefined)?.gatehouse;
    return h.finish(ctx, { consent: { grantId }, ...(team ? { gatehouse: team } : {}) }, false);
  }

  async function render(ctx: Context, interaction: Interaction) {
    const { uid, prompt, params, session } = interaction;
    const client = await app.oidc.provider.Client.find(String(params.client_id));
    // first-party clients never show a consent page, even when they ask for one (prompt=consent)
    if (client?.gatehouse_first_party === true && session) return grant(ctx, interaction, true);
    // only the name shown beside "Not you?": the row oidc-provider's findAccount read at this sign-in's resume
    // (at most TOKEN_ACCOUNT_TTL_MS old) does; the grant itself is checked by the provider
    const user = session?.accountId ? await app.services.accounts.findActiveForTokens(session.accountId) : null;
    await h.renderPage(ctx, "consent", {
      // "Signed in as … · Not you?": the same request again with prompt=login, to sign in as someone else
      signedInAs: user ? { name: user.name || user.username, email: user.email } : undefined,
      switchAccountUrl: authorizationRequestUrl(params, { prompt: "login" }),
      title: "Allow access",
      ...(await clientBrandLocals(app, String(params.client_id), client?.clientName ?? "The application")),
      scopes: flow.scopesOf(prompt.details as ConsentDetails),
      csrfToken: h.csrfToken(ctx, uid),
      action: `/interaction/${uid}/confirm`,
      abortAction: `/interaction/${uid}/abort`,
    });
  }

  forms.post({
    path: "/interaction/:uid/confirm",
    ...h.form,
    scope: async (ctx) => {
      const interaction = await h.load(ctx);
      if (interaction.prompt.name !== "consent" || !interaction.session) throw h.wrongStep();
      return interaction;
    },
    handle: async (ctx, { scope }) => grant(ctx, scope, false),
  });

  forms.post({
    path: "/interaction/:uid/abort",
    ...h.form,
    async handle(ctx, { scope: interaction }) {
      await flow.deny({
        accountId: interaction.session?.accountId ?? null,
        clientId: String(interaction.params.client_id),
        ip: ctx.ip,
        userAgent: ctx.get("user-agent") || null,
      });
      return h.finish(ctx, { error: "access_denied", error_description: "End-User aborted interaction" }, false);
    },
  });

  return { render };
}
