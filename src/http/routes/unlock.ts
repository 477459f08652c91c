// The unlock link of the lockout email (/unlock?token=…). A GET only shows what the link does, with one button
// (mail scanners open links and must not use it up); the POST (CSRF bound to the link; the page is sent with no
// Referer, so browsers post Origin: null) lifts the account's lock, once, and says so with the ways on: sign in,
// or reset the password. A used, unknown or expired link gets one "no longer valid" page and changes nothing.
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../web-context.ts";
import { defineForms, linkTokenBody, stringOr } from "../forms.ts";
import { emailedLinkPages, linkBinding } from "../emailed-link-pages.ts";

const binding = (token: string) => linkBinding("unlock", token);
const utc = (at: Date) => `${at.toISOString().replace("T", " ").slice(0, 16)} UTC`;

export function registerUnlockRoutes(router: Router, app: AppContext): void {
  const { csrf, services, rateLimits, views } = app;
  const forms = defineForms(router, app);
  const requestInfo = (ctx: Context) => ({ ip: ctx.ip, userAgent: ctx.get("user-agent") || null });

  const { page, invalid } = emailedLinkPages(views, "unlock-invalid", app.config.defaultLocale);

  router.get("/unlock", async (ctx) => {
    await rateLimits.riskLinkPerIp.consume(ctx.ip);
    const token = typeof ctx.query.token === "string" ? ctx.query.token : "";
    const link = await services.unlockLinks.inspect(token);
    if (link.outcome !== "valid") return invalid(ctx, link.outcome === "expired");
    return page(ctx, "unlock", {
      title: "Unlock your account",
      username: link.user.username,
      lockedUntil: link.lockedUntil ? utc(link.lockedUntil) : null,
      csrfToken: csrf.token(ctx, binding(token)),
      action: "/unlock",
      token,
    });
  });

  forms.post({
    path: "/unlock",
    // the emailed token is what authorizes the unlock; the form token is still required (see csrf.ts)
    csrf: (_ctx, { submitted }) => ({ binding: binding(stringOr(submitted.token)), allowNullOrigin: true }),
    rateLimit: { limit: "riskLinkPerIp" },
    body: linkTokenBody,
    async handle(ctx, { body: { token } }) {
      const result = await services.unlockLinks.redeem(token, requestInfo(ctx));
      if (result.outcome !== "unlocked") return invalid(ctx, result.outcome === "expired");
      return page(ctx, "unlock-done", {
        title: "Your account is unlocked",
        username: result.user.username,
        wasLocked: result.wasLockedUntil !== null,
      });
    },
  });
}
