// The restore link of an account pending deletion (/account/restore?token=…, ACCOUNT_DELETION_GRACE_DAYS > 0).
// The user cannot sign in (the account is disabled), so the emailed token is what authorizes it. A GET only shows
// what the link does, with one button (mail scanners open links); the POST (CSRF bound to the link; the page is
// sent with no Referer, so browsers post Origin: null) enables the account once. A used, unknown or expired link
// gets one "no longer valid" page and changes nothing.
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../web-context.ts";
import { defineForms, linkTokenBody, stringOr } from "../forms.ts";
import { emailedLinkPages, linkBinding } from "../emailed-link-pages.ts";

const binding = (token: string) => linkBinding("account-restore", token);
const utc = (at: Date) => `${at.toISOString().replace("T", " ").slice(0, 16)} UTC`;

export function registerAccountRestoreRoutes(router: Router, app: AppContext): void {
  const { csrf, services, rateLimits, views } = app;
  const forms = defineForms(router, app);
  const requestInfo = (ctx: Context) => ({ ip: ctx.ip, userAgent: ctx.get("user-agent") || null });
  const { page, invalid } = emailedLinkPages(views, "account-restore-invalid", app.config.defaultLocale);

  router.get("/account/restore", async (ctx) => {
    await rateLimits.riskLinkPerIp.consume(ctx.ip);
    const token = typeof ctx.query.token === "string" ? ctx.query.token : "";
    const link = await services.accountDeletion.inspectRestore(token);
    if (link.outcome !== "valid") return invalid(ctx, link.outcome === "expired");
    return page(ctx, "account-restore", {
      title: "Restore your account",
      username: link.username,
      until: utc(link.dueAt),
      csrfToken: csrf.token(ctx, binding(token)),
      token,
    });
  });

  forms.post({
    path: "/account/restore",
    // the emailed token is what authorizes the restore; the form token is still required (see csrf.ts)
    csrf: (_ctx, { submitted }) => ({ binding: binding(stringOr(submitted.token)), allowNullOrigin: true }),
    rateLimit: { limit: "riskLinkPerIp" },
    body: linkTokenBody,
    async handle(ctx, { body: { token } }) {
      const result = await services.accountDeletion.restore(token, requestInfo(ctx));
      if (result.outcome !== "restored") return invalid(ctx, result.outcome === "expired");
      return page(ctx, "account-restore-done", { title: "Your account is restored", username: result.user.username });
    },
  });
}
