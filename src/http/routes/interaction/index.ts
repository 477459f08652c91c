// The pages oidc-provider sends the browser to, for one interaction (/interaction/:uid): the sign-in (password or passkey,
// then the second factor when the account has one, then the gates' pages: suspicious-login hold, device
// approval, single session; then the team when there are several), the team page of a live session, then
// consent. The login itself is the flow engine in flows/login/; these routes parse, call it and render. Every
// POST is a form of http/forms.ts (the interaction, then CSRF bound to it); bad input re-renders the page with a
// message and changes nothing.
import type Router from "@koa/router";
import type { AppContext } from "../../web-context.ts";
import { catalogueError } from "../../errors.ts";
import { defineForms } from "../../forms.ts";
import { createInteractionHelpers } from "./shared.ts";
import { createLoginHandlers } from "./login.ts";
import { createSecondFactorHandlers } from "./second-factor.ts";
import { createConsentHandlers } from "./consent.ts";
import { createStepUpHandler } from "./step-up.ts";
import { registerMagicLinkRoutes } from "./magic-link.ts";
import { registerEnrolPage } from "./enrol.ts";
import { registerTeamPage } from "./team.ts";
import { registerHoldPage } from "./hold.ts";
import { registerDevicePage } from "./device.ts";
import { registerSingleSessionPage } from "./single-session.ts";
import { registerPasskeyOptions } from "./passkey.ts";
import { registerFederationRoutes } from "./federation.ts";

export function registerInteractionRoutes(router: Router, app: AppContext) {
  const h = createInteractionHelpers(app);
  const engine = app.loginEngine;
  const forms = defineForms(router, app);
  const login = createLoginHandlers(app, h, engine, forms);
  const secondFactor = createSecondFactorHandlers(app, h, engine, forms);
  const consent = createConsentHandlers(app, h, forms);
  const stepUp = createStepUpHandler(app, h, engine);
  const team = registerTeamPage(router, h, engine, forms);
  registerHoldPage(router, app, h, engine);
  registerDevicePage(router, app, h, engine, forms);
  registerSingleSessionPage(router, app, h, engine, forms);
  registerPasskeyOptions(h, engine, forms);
  registerMagicLinkRoutes(router, app, h, engine, forms);
  registerEnrolPage(router, app, h, engine, forms);
  registerFederationRoutes(router, app, h, engine, forms, login.refusedOrOn);

  router.get("/interaction/:uid", async (ctx) => {
    const interaction = await h.load(ctx);
    if (interaction.prompt.name === "login") return (await stepUp(ctx, interaction)) ? undefined : login.render(ctx, interaction, {});
    if (interaction.prompt.name === "team") return team.show(ctx, interaction);
    if (interaction.prompt.name === "consent") return consent.render(ctx, interaction);
    throw catalogueError("interaction.unknown_prompt");
  });
  router.get("/interaction/:uid/totp", async (ctx) => secondFactor.show(ctx, await h.load(ctx)));
}
