// The pages oidc-provider sends the browser to, for one interaction (/interaction/:uid): the sign-in (password or passkey,
// then the second factor when the account has one, then the gates' pages: suspicious-login hold, device
// approval, single session; then the team when there are several), the team page of a live session, then
// consent. The login itself is the flow engine in flows/login/; these routes parse, call it and render. Every
// POST checks CSRF; bad input re-renders the page with a message and changes nothing.
import type Router from "@koa/router";
import type { AppContext } from "../../web-context.ts";
import { catalogueError } from "../../errors.ts";
import { parseBody } from "../../body.ts";
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
  const login = createLoginHandlers(app, h, engine);
  const secondFactor = createSecondFactorHandlers(app, h, engine);
  const consent = createConsentHandlers(app, h);
  const stepUp = createStepUpHandler(app, h, engine);
  const body = parseBody(app.config.bodyLimit);
  const team = registerTeamPage(router, h, engine, body);
  registerHoldPage(router, app, h, engine);
  registerDevicePage(router, app, h, engine, body);
  registerSingleSessionPage(router, app, h, engine, body);
  registerPasskeyOptions(router, app, h, engine, body);
  registerMagicLinkRoutes(router, app, h, engine, body);
  registerEnrolPage(router, app, h, engine, body);
  registerFederationRoutes(router, app, h, engine, body, login.refusedOrOn);

  router.get("/interaction/:uid", async (ctx) => {
    const interaction = await h.load(ctx);
    if (interaction.prompt.name === "login") return (await stepUp(ctx, interaction)) ? undefined : login.render(ctx, interaction, {});
    if (interaction.prompt.name === "team") return team.show(ctx, interaction);
    if (interaction.prompt.name === "consent") return consent.render(ctx, interaction);
    throw catalogueError("interaction.unknown_prompt");
  });
  router.post("/interaction/:uid/login", body, async (ctx) => login.submit(ctx, await h.load(ctx)));
  router.post("/interaction/:uid/passkey", body, async (ctx) => login.submitPasskey(ctx, await h.load(ctx)));
  router.get("/interaction/:uid/totp", async (ctx) => secondFactor.show(ctx, await h.load(ctx)));
  router.post("/interaction/:uid/totp", body, async (ctx) => secondFactor.submit(ctx, await h.load(ctx)));
  router.post("/interaction/:uid/confirm", body, async (ctx) => consent.confirm(ctx, await h.load(ctx)));
  router.post("/interaction/:uid/abort", body, async (ctx) => consent.deny(ctx, await h.load(ctx)));
}
