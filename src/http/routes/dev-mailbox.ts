// /dev/mailbox: the emails Gatehouse would have sent, for development without SMTP. Never in production, and
// not registered at all when SMTP_URL is set.
import type Router from "@koa/router";
import type { AppContext } from "../web-context.ts";

const URL_IN_TEXT = /https?:\/\/[^\s<>"']+/g;
/** an email's text as pieces, the links among them (http(s) only) clickable on the page */
export function linkPieces(text: string): { text: string; href?: string }[] {
  const pieces: { text: string; href?: string }[] = [];
  let at = 0;
  for (const m of text.matchAll(URL_IN_TEXT)) {
    const url = m[0].replace(/[.,;:)]+$/, "");
    if (m.index > at) pieces.push({ text: text.slice(at, m.index) });
    pieces.push({ text: url, href: url });
    at = m.index + url.length;
  }
  if (at < text.length) pieces.push({ text: text.slice(at) });
  return pieces;
}

export function registerDevMailboxRoutes(router: Router, app: AppContext) {
  const { mailer } = app.services;
  if (app.config.isProduction || !mailer.usesMailbox) return;
  router.get("/dev/mailbox", async (ctx) => {
    ctx.set("Cache-Control", "no-store");
    ctx.type = "html";
    ctx.body = await app.views.render("pages/dev-mailbox", {
      title: "Development mailbox",
      messages: mailer.mailbox().map((m) => ({ ...m, pieces: linkPieces(m.text) })),
    });
  });
}
