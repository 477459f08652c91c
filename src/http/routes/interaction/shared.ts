// What the interaction pages share: loading the interaction (a clear page when it has expired), the request's
// facts for the login flow, answering a flow outcome (redirect to the next page, hand the finished login to
// oidc-provider, the error page for an expired step), the forms' interaction and CSRF binding, and rendering a page.
import type { Context } from "koa";
import Provider, { errors as oidcErrors, type InteractionResults } from "oidc-provider";
import type { AppContext } from "../../web-context.ts";
import type { Facts, Outcome, Refusal } from "../../../flows/login/types.ts";
import { catalogueError } from "../../errors.ts";
import { createDeviceCookie } from "../../device-cookie.ts";
import { ACCOUNT_CLIENT_ID } from "../../../oidc/configuration.ts";
import { requiredAcr } from "../../../lib/acr.ts";
import { refusalError } from "./messages.ts";
import { localeLocals } from "../../locale.ts";

export type Interaction = Awaited<ReturnType<Provider["interactionDetails"]>>;
type UpstreamConnector = Parameters<AppContext["services"]["upstream"]["start"]>[0];

export function createInteractionHelpers(app: AppContext) {
  const binding = (uid: string) => `interaction:${uid}`;
  const deviceCookie = createDeviceCookie(app.config);

  async function finish(ctx: Context, result: InteractionResults, merge: boolean): Promise<void> {
    const redirectTo = await app.oidc.provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: merge });
    ctx.status = 303;
    ctx.redirect(redirectTo);
  }

  /** one of the sign-in pages: HTML that is never cached, with the given status */
  async function renderPage(ctx: Context, page: string, locals: Record<string, unknown>, status = 200): Promise<void> {
    ctx.status = status;
    ctx.set("Cache-Control", "no-store");
    ctx.type = "html";
    ctx.body = await app.views.render(`pages/${page}`, { ...localeLocals(ctx, page, app.config.defaultLocale), ...locals });
  }
  const wrongStep = () => catalogueError("interaction.wrong_step");

  /** the error page for a refusal that ends the step (start again) */
  const failure = (uid: string, refusal: Refusal) => refusalError(refusal, { startOverUrl: `/interaction/${uid}` });

  async function load(ctx: Context): Promise<Interaction> {
    try {
      const interaction = await app.oidc.provider.interactionDetails(ctx.req, ctx.res);
      ctx.state.uiLocales = interaction.params.ui_locales; // the pages' language (http/locale.ts)
      return interaction;
    } catch (err) {
      if (err instanceof oidcErrors.SessionNotFound) {
        throw catalogueError("interaction.expired");
      }
      throw err;
    }
  }
  /** a login step's page needs the login prompt */
  function requireLogin(interaction: Interaction): Interaction {
    if (interaction.prompt.name !== "login") throw wrongStep();
    return interaction;
  }
  // what every sign-in form's declaration (http/forms.ts) shares: the interaction the browser is in, loaded before
  // CSRF (gone: the "interaction.expired" page), and CSRF bound to it
  const form = { scope: load, csrf: (_ctx: Context, state: { scope: Interaction }) => binding(state.scope.uid) };

  /** the browser sent on to the upstream provider's sign-in, or its 503 page (Retry-After) when it does not answer */
  async function toUpstream(ctx: Context, interaction: Interaction, connector: UpstreamConnector): Promise<void> {
    const started = await app.services.upstream.start(connector, interaction.uid);
    if (started.outcome === "unavailable") {
      ctx.set("Retry-After", "30");
      throw catalogueError(
        "login.upstream_unavailable",
        { startOverUrl: `/interaction/${interaction.uid}` },
        { connector: connector.name },
      );
    }
    ctx.status = 303;
    ctx.redirect(started.url);
  }

  return {
    load,
    form,
    toUpstream,
    /** a login step's form: the login prompt too, checked before CSRF */
    loginForm: { ...form, scope: async (ctx: Context) => requireLogin(await load(ctx)) },
    /** a gate's form: the login prompt checked after CSRF (a wrong step's post without its token is a CSRF refusal) */
    gateForm: { ...form, load: async (_ctx: Context, state: { scope: Interaction }) => requireLogin(state.scope) },

    /** what the login flow may know of this request */
    facts(ctx: Context, interaction: Interaction): Facts {
      const clientId = String(interaction.params.client_id);
      return {
        uid: interaction.uid,
        interactionExp: interaction.exp,
        clientId,
        ip: ctx.ip,
        userAgent: ctx.get("user-agent") || null,
        deviceToken: deviceCookie.read(ctx),
        browserSessionUid: interaction.session?.uid,
        requestedTeam: typeof interaction.params.team === "string" ? interaction.params.team : undefined,
        accountClient: clientId === ACCOUNT_CLIENT_ID,
        handedOver: Boolean(interaction.result?.login),
        ...((acr) => (acr ? { requiredAcr: acr } : {}))(requiredAcr(interaction.params.acr_values)),
      };
    },

    /**
     * answers a flow outcome that leaves this page: the next page, the finished login, the relying party's
     * access_denied, the blocked page; a refusal here ends the step (the page's own refusals are rendered by it)
     */
    async answer(ctx: Context, interaction: Interaction, outcome: Outcome): Promise<void> {
      const { uid } = interaction;
      switch (outcome.kind) {
        case "continue":
          ctx.status = 303;
          return ctx.redirect(
            outcome.page === "resume"
              ? interaction.returnTo
              : `/interaction/${uid}/${outcome.page}${outcome.notice ? `?${outcome.notice}=1` : ""}`,
          );
        case "done": {
          const f = outcome.finished;
          if (f.deviceCookie) deviceCookie.write(ctx, f.deviceCookie);
          return finish(
            ctx,
            {
              login: { accountId: f.accountId, amr: f.amr, remember: f.remember, ...(f.acr ? { acr: f.acr } : {}) },
              gatehouse: { teamId: f.teamId, ...(f.idp ? { idp: f.idp } : {}) },
            },
            false,
          );
        }
        case "cancelled":
          return finish(ctx, { error: "access_denied", error_description: outcome.description }, false);
        case "unmet":
          return finish(ctx, { error: "unmet_authentication_requirements", error_description: outcome.description }, false);
        case "blocked":
          return renderPage(ctx, "login-hold-blocked", { title: "This sign-in was blocked", resetUrl: "/forgot-password" }, 403);
        case "refused":
          if (outcome.retryAfter) ctx.set("Retry-After", String(outcome.retryAfter));
          throw failure(uid, outcome);
      }
    },

    finish,
    /** the "start again" error page of a login step that is gone */
    expired: (uid: string) => failure(uid, { code: "login.expired" }),
    csrfToken: (ctx: Context, uid: string) => app.csrf.token(ctx, binding(uid)),
    wrongStep,
    requireLogin,
    /** the application a sign-in page names; none when signing in to Gatehouse's own account pages */
    async appName(interaction: Interaction): Promise<string | undefined> {
      const clientId = String(interaction.params.client_id);
      if (clientId === ACCOUNT_CLIENT_ID) return undefined;
      return (await app.oidc.provider.Client.find(clientId))?.clientName ?? "the application";
    },
    renderPage,
  };
}

export type InteractionHelpers = ReturnType<typeof createInteractionHelpers>;
