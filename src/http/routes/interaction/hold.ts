// The suspicious-login waiting page (/interaction/:uid/hold): "check your email"; it refreshes itself (meta
// refresh; login-hold.js polls /hold/status to be quicker) and goes on once the hold is approved, shows
// "blocked" once it is denied, and "start again" once it expired or was superseded. Opened again after the
// login went on, it follows the login to where it waits now.
import type Router from "@koa/router";
import type { AppContext } from "../../web-context.ts";
import type { LoginEngine } from "../../../flows/login/engine.ts";
import { maskEmail } from "../../../services/notifications.ts";
import type { InteractionHelpers } from "./shared.ts";

/** seconds between the waiting page's own refreshes */
export const HOLD_REFRESH_SECONDS = 5;

export function registerHoldPage(router: Router, app: AppContext, h: InteractionHelpers, engine: LoginEngine): void {
  router.get("/interaction/:uid/hold", async (ctx) => {
    const interaction = await h.load(ctx);
    h.requireLogin(interaction);
    const answer = await engine.hold.visit(h.facts(ctx, interaction));
    if (answer.kind !== "waiting") return h.answer(ctx, interaction, answer);
    const { uid } = interaction;
    return h.renderPage(ctx, "login-hold", {
      title: "Check your email",
      clientName: await h.appName(interaction),
      maskedEmail: maskEmail(answer.view.email),
      refreshSeconds: HOLD_REFRESH_SECONDS,
      statusUrl: `/interaction/${uid}/hold/status`,
      startOverUrl: `/interaction/${uid}`,
      validForMinutes: Math.max(1, Math.round((answer.view.expiresAt - app.clock.epoch()) / 60)),
    });
  });

  // for login-hold.js: whether reloading the page would now show something else (decides nothing)
  router.get("/interaction/:uid/hold/status", async (ctx) => {
    const interaction = await h.load(ctx);
    ctx.set("Cache-Control", "no-store");
    ctx.body = { status: interaction.prompt.name === "login" ? await engine.hold.poll(h.facts(ctx, interaction)) : "expired" };
  });
}
