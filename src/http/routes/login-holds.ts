// The emailed links of a held sign-in (/login-holds/:token). A GET only shows what the link is about (which
// sign-in, from where, when) with one button; mail scanners that prefetch links decide nothing. The POST (CSRF
// checked; the page is sent with no Referer, so browsers post Origin: null) approves or denies, once; the other
// link of the pair dies with it. A used, unknown or expired link gets one "no longer valid" page and changes nothing.
import type Router from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import type { AppContext } from "../web-context.ts";
import { ACCOUNT_CLIENT_ID } from "../../oidc/configuration.ts";
import { sayHeldSignIn, type Hold } from "../../services/risk/index.ts";
import { defineForms, stringOr } from "../forms.ts";
import { emailedLinkPages, linkBinding } from "../emailed-link-pages.ts";
import { localeLocals } from "../locale.ts";

const tokenParam = z.string().regex(/^[\w-]{40,64}$/);
const binding = (token: string) => linkBinding("login-hold", token);

export function registerLoginHoldRoutes(router: Router, app: AppContext): void {
  const { csrf, services, rateLimits, views } = app;
  const forms = defineForms(router, app);
  const requestInfo = (ctx: Context) => ({ ip: ctx.ip, userAgent: ctx.get("user-agent") || null });

  const { page, invalid } = emailedLinkPages(views, "login-hold-invalid");

  /**
   * what the confirmation page says about the held sign-in, in the page's language (services/risk/words.ts); a
   * hold stored before its reasons had keys is said in English, the whole page with it (`locale: "en"`)
   */
  async function describe(ctx: Context, hold: Hold) {
    const account = hold.clientId === ACCOUNT_CLIENT_ID;
    const client = account ? undefined : await app.oidc.provider.Client.find(hold.clientId);
    const { locale = "en" } = localeLocals(ctx, "login-hold-confirm", "en");
    return sayHeldSignIn(locale, hold, account ? { account: true } : { account: false, name: client?.clientName ?? null });
  }

  router.get("/login-holds/:token", async (ctx) => {
    await rateLimits.riskLinkPerIp.consume(ctx.ip);
    const token = tokenParam.safeParse(ctx.params.token);
    if (!token.success) return invalid(ctx, false);
    const link = await services.risk.inspectLink(token.data, requestInfo(ctx));
    if (link.outcome !== "valid") return invalid(ctx, link.outcome === "expired");
    const approve = link.kind === "approve";
    return page(ctx, "login-hold-confirm", {
      title: approve ? "Approve this sign-in?" : "Block this sign-in?",
      approve,
      ...(await describe(ctx, link.hold)),
      csrfToken: csrf.token(ctx, binding(token.data)),
      action: `/login-holds/${token.data}`,
    });
  });

  forms.post({
    path: "/login-holds/:token",
    // the emailed token is what authorizes the decision; the form token is still required (see csrf.ts)
    csrf: (ctx) => ({ binding: binding(stringOr(ctx.params.token)), allowNullOrigin: true }),
    rateLimit: { limit: "riskLinkPerIp" },
    params: z.object({ token: tokenParam }),
    body: z.object({}),
    invalid: (ctx) => invalid(ctx, false),
    async handle(ctx, { params: { token } }) {
      const result = await services.risk.decide(token, requestInfo(ctx));
      if (result.outcome === "invalid" || result.outcome === "expired") return invalid(ctx, result.outcome === "expired");
      const approved = result.outcome === "approved";
      return page(ctx, "login-hold-decided", {
        title: approved ? "Sign-in approved" : "Sign-in blocked",
        approved,
        resetUrl: "/forgot-password",
      });
    },
  });
}
