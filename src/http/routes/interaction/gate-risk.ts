// The suspicious-login gate (the first gate): the configured rules over this sign-in and the user's history;
// when one fires the login is held, the approve / deny links are emailed, and the browser waits at
// /interaction/:uid/hold ("check your email"), a page that refreshes itself (meta refresh; login-hold.js polls
// /hold/status to be quicker) and goes on once the hold is approved, shows "blocked" once it is denied, and the
// "start again" page once it has expired or was superseded (the user started over and was held again). Opened
// again after the login went on, it follows the login to where it waits now (gates.ts). Hold emails are limited
// per user (RATE_LIMIT_RISK_HOLD_PER_USER; over it a 429 and no email). Every successful sign-in's location is
// recorded (signedIn).
import type Router from "@koa/router";
import type { Context, Middleware } from "koa";
import type { AppContext } from "../../../context.ts";
import type { GateState } from "../../../flows/login-flow.ts";
import { maskEmail } from "../../../services/notifications.ts";
import type { HoldStatus } from "../../../services/risk/index.ts";
import type { Interaction, InteractionHelpers } from "./shared.ts";
import { followMovedLogin, LoginMovedOn, type GateRunner, type LoginGate } from "./gates.ts";

/** seconds between the waiting page's own refreshes */
export const HOLD_REFRESH_SECONDS = 5;

export function createRiskGate(app: AppContext, h: InteractionHelpers) {
  const { risk, accounts, audit } = app.services;
  const { rateLimits } = app;
  const info = (ctx: Context, interaction: Interaction) => h.requestInfo(ctx, String(interaction.params.client_id));

  const gate: LoginGate = {
    name: "risk",
    async check(ctx, interaction, who) {
      if (!risk.enabled) return { pass: true };
      const request = info(ctx, interaction);
      const fired = await risk.evaluate(who.userId, request);
      if (!fired.length) {
        await risk.endEarlierHold(interaction.uid, request);
        return { pass: true, audit: { risk: "allow" } };
      }
      const user = await accounts.findActive(who.userId);
      if (!user) throw h.wrongStep();
      // the links die with the login they would let through: never later than the interaction itself
      const ttlSeconds = Math.max(1, Math.min(risk.holdTtl, interaction.exp - app.clock.epoch()));
      // the per-user limit on these emails is spent only when one goes out
      const spend = () => rateLimits.riskHoldPerUser.consume(user.id);
      const holdId = await risk.hold(user, { interactionUid: interaction.uid, fired, ttlSeconds, spend }, request);
      return { pass: false, redirect: `/interaction/${interaction.uid}/hold`, ttl: risk.holdTtl, data: { holdId } };
    },
    signedIn: (ctx, _interaction, who) => risk.recordSignIn(who.userId, ctx.ip),
  };

  /**
   * the waiting login and its hold; a hold that is gone, expired, superseded or not this login's ends the wait
   * ("start again"); a login that went on (a parallel reload, the meta refresh and the script at once, passed it
   * to a later step or to oidc-provider) is followed there (LoginMovedOn)
   */
  async function waiting(ctx: Context, interaction: Interaction): Promise<{ state: GateState; found: HoldStatus }> {
    const state = await gates().pending(interaction, "risk");
    const found = await risk.status(state.data.holdId ?? "", info(ctx, interaction));
    if (!found || found.status === "expired" || found.status === "superseded" || found.hold.interactionUid !== interaction.uid || found.hold.userId !== state.who.userId) {
      await gates().stop(interaction);
      throw gates().expired(interaction.uid);
    }
    return { state, found };
  }

  async function show(ctx: Context, interaction: Interaction) {
    const { state, found } = await waiting(ctx, interaction);
    if (found.status === "approved") return gates().pass(ctx, interaction, state, { risk: "approved", riskRules: found.hold.rules });
    if (found.status === "denied") {
      if (await gates().stop(interaction)) await audit.record({ type: "login.failed", outcome: "failure", userId: state.who.userId, ...info(ctx, interaction), data: { reason: "hold_denied", holdId: found.hold.id, rules: found.hold.rules } });
      return h.renderPage(ctx, "login-hold-blocked", { title: "This sign-in was blocked", resetUrl: "/forgot-password" }, 403);
    }
    const user = await accounts.findActive(state.who.userId);
    if (!user) {
      await gates().stop(interaction);
      throw gates().expired(interaction.uid);
    }
    return h.renderPage(ctx, "login-hold", {
      title: "Check your email",
      clientName: await h.appName(interaction),
      maskedEmail: maskEmail(user.email),
      refreshSeconds: HOLD_REFRESH_SECONDS,
      statusUrl: `/interaction/${interaction.uid}/hold/status`,
      startOverUrl: `/interaction/${interaction.uid}`,
      validForMinutes: Math.max(1, Math.round((found.hold.expiresAt - app.clock.epoch()) / 60)),
    });
  }

  /** for login-hold.js: whether reloading the page would now show something else (decides nothing) */
  async function status(ctx: Context, interaction: Interaction) {
    ctx.set("Cache-Control", "no-store");
    let answer = "expired";
    try {
      answer = (await waiting(ctx, interaction)).found.status;
    } catch (err) {
      // moved on, expired, gone or not this login: the page says which once reloaded
      if (err instanceof LoginMovedOn) answer = "moved";
    }
    ctx.body = { status: answer };
  }

  let runner: GateRunner | undefined;
  const gates = () => runner!;
  return {
    gate,
    register(router: Router, gateRunner: GateRunner, _body: Middleware): void {
      runner = gateRunner;
      router.get("/interaction/:uid/hold", followMovedLogin, async (ctx) => show(ctx, await h.load(ctx)));
      router.get("/interaction/:uid/hold/status", async (ctx) => status(ctx, await h.load(ctx)));
    },
  };
}
