// /dev/mailbox: the emails Gatehouse would have sent, for development without SMTP. Never in production, and
// not registered at all when SMTP_URL is set.
import type Router from "@koa/router";
import type { AppContext } from "../web-context.ts";

export function registerDevMailboxRoutes(router: Router, app: AppContext) {
  const { mailer } = app.services;
  if (app.config.isProduction || !mailer.usesMailbox) return;
  router.get("/dev/mailbox", async (ctx) => {
    ctx.set("Cache-Control", "no-store");
    ctx.type = "html";
    ctx.body = await app.views.render("pages/dev-mailbox", { title: "Development mailbox", messages: mailer.mailbox() });
  });
}
