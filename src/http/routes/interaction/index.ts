// The pages oidc-provider sends the browser to, for one interaction (/interaction/:uid): login (password, then
// the second factor when the account has TOTP, then the gates: suspicious-login hold, device approval, single
// session; then the team when there are several), the team page of a live session, then consent. Every POST checks CSRF; bad input re-renders the page with a message and changes nothing.
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
import { createGateRunner, gatesSignedIn } from "./gates.ts";
import { createRiskGate } from "./gate-risk.ts";
import { createDeviceGate } from "./gate-device.ts";
import { createSingleSessionGate } from "./gate-single-session.ts";

export function registerInteractionRoutes(router: Router, app: AppContext) {
  const h = createInteractionHelpers(app);
  const flow = createLoginFlow({ redis: app.redis, clock: app.clock, accounts: app.services.accounts, totp: app.services.totp });
  // in this order: a held login is approved before a device code is sent, and the other session is only
  // signed out once this one has passed every check
  const gatePages = [createRiskGate(app, h), createDeviceGate(app, h), createSingleSessionGate(app, h)];
  const teamStep = createTeamSelectHandlers(app, h, flow, gatesSignedIn(gatePages.map((p) => p.gate)));
  const gates = createGateRunner(h, flow, gatePages.map((p) => p.gate), teamStep);
  const login = createLoginHandlers(app, h, flow, gates);
  const secondFactor = createSecondFactorHandlers(app, h, flow, gates);
  const consent = createConsentHandlers(app, h);
  const body = parseBody(app.config.bodyLimit);
  for (const page of gatePages) page.register(router, gates, body);

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
