// The pages oidc-provider sends the browser to, for one interaction (/interaction/:uid): login (password, then
// the second factor when the account has TOTP, then the team when there are several), the team page of a live
// session, then consent. Every POST checks CSRF; bad input re-renders the page with a message and changes nothing.
import type Router from "@koa/router";
import type { AppContext } from "../../../context.ts";
import { AppError } from "../../errors.ts";
import { parseBody } from "../../body.ts";
import { createLoginFlow } from "../../../flows/login-flow.ts";
import { createInteractionHelpers } from "./shared.ts";
import { createLoginHandlers } from "./login.ts";
import { createSecondFactorHandlers } from "./second-factor.ts";
import { createConsentHandlers } from "./consent.ts";
import { createTeamSelectHandlers } from "./team-select.ts";

export function registerInteractionRoutes(router: Router, app: AppContext) {
  const h = createInteractionHelpers(app);
  const flow = createLoginFlow({ redis: app.redis, clock: app.clock, accounts: app.services.accounts, totp: app.services.totp });
  const teamStep = createTeamSelectHandlers(app, h, flow);
  const login = createLoginHandlers(app, h, flow, teamStep);
  const secondFactor = createSecondFactorHandlers(app, h, flow, teamStep);
  const consent = createConsentHandlers(app, h);
  const body = parseBody(app.config.bodyLimit);

  router.get("/interaction/:uid", async (ctx) => {
    const interaction = await h.load(ctx);
    if (interaction.prompt.name === "login") return login.render(ctx, interaction, {});
    if (interaction.prompt.name === "team") return teamStep.show(ctx, interaction);
    if (interaction.prompt.name === "consent") return consent.render(ctx, interaction);
    throw new AppError("interaction.unknown_prompt", 400, "This sign-in step is not supported.");
  });
  router.post("/interaction/:uid/login", body, async (ctx) => login.submit(ctx, await h.load(ctx)));
  router.get("/interaction/:uid/totp", async (ctx) => secondFactor.show(ctx, await h.load(ctx)));
  router.post("/interaction/:uid/totp", body, async (ctx) => secondFactor.submit(ctx, await h.load(ctx)));
  router.get("/interaction/:uid/team", async (ctx) => teamStep.show(ctx, await h.load(ctx)));
  router.post("/interaction/:uid/team", body, async (ctx) => teamStep.submit(ctx, await h.load(ctx)));
  router.post("/interaction/:uid/confirm", body, async (ctx) => consent.confirm(ctx, await h.load(ctx)));
  router.post("/interaction/:uid/abort", body, async (ctx) => consent.deny(ctx, await h.load(ctx)));
}
