// The emailed links of a held sign-in (/login-holds/:token). A GET only shows what the link is about (which
// sign-in, from where, when) with one button; mail scanners that prefetch links decide nothing. The POST (CSRF
// checked; the page is sent with no Referer, so browsers post Origin: null) approves or denies, once; the other
// link of the pair dies with it. A used, unknown or expired link gets one "no longer valid" page and changes nothing.
import type Router from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import type { AppContext } from "../web-context.ts";
import { ACCOUNT_CLIENT_ID } from "../../oidc/configuration.ts";
import { describeUserAgent } from "../../services/request/user-agent.ts";
import type { Hold } from "../../services/risk/index.ts";
import { parseBody } from "../body.ts";
import { emailedLinkPages, linkBinding } from "../emailed-link-pages.ts";

const tokenParam = z.string().regex(/^[\w-]{40,64}$/);
const binding = (token: string) => linkBinding("login-hold", token);

export function registerLoginHoldRoutes(router: Router, app: AppContext): void {
  const { csrf, services, rateLimits, views } = app;
  const body = parseBody(app.config.bodyLimit);
  const requestInfo = (ctx: Context) => ({ ip: ctx.ip, userAgent: ctx.get("user-agent") || null });

  const { page, invalid } = emailedLinkPages(views, "login-hold-invalid");

  /** what the confirmation page says about the held sign-in */
  async function describe(hold: Hold) {
    const client = hold.clientId === ACCOUNT_CLIENT_ID ? undefined : await app.oidc.provider.Client.find(hold.clientId);
    return {
      appName: hold.clientId === ACCOUNT_CLIENT_ID ? "your Gatehouse account" : client?.clientName ?? "an application",
      ip: hold.ip ?? "an unknown address",
      location: hold.location,
      browser: describeUserAgent(hold.userAgent).label,
      time: `${new Date(hold.createdAt).toISOString().replace("T", " ").slice(0, 16)} UTC`,
      reasons: hold.reasons,
    };
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
      signIn: await describe(link.hold),
      csrfToken: csrf.token(ctx, binding(token.data)),
      action: `/login-holds/${token.data}`,
    });
  });

  router.post("/login-holds/:token", body, async (ctx) => {
    const raw = typeof ctx.params.token === "string" ? ctx.params.token : "";
    // the emailed token is what authorizes the decision; the form token is still required (see csrf.ts)
    csrf.verify(ctx, binding(raw), (ctx.request.body as Record<string, unknown> | undefined)?._csrf, { allowNullOrigin: true });
    await rateLimits.riskLinkPerIp.consume(ctx.ip);
    const token = tokenParam.safeParse(raw);
    if (!token.success) return invalid(ctx, false);
    const result = await services.risk.decide(token.data, requestInfo(ctx));
    if (result.outcome === "invalid" || result.outcome === "expired") return invalid(ctx, result.outcome === "expired");
    const approved = result.outcome === "approved";
    return page(ctx, "login-hold-decided", { title: approved ? "Sign-in approved" : "Sign-in blocked", approved, resetUrl: "/forgot-password" });
  });
}
