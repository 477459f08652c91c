// Registration and email verification pages: /register, /verify-email (confirm a link, or ask for a new one).
// A link in an email only shows a confirm button: a GET never changes anything (mail scanners open links).
import type Router from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { parseBody } from "../body.ts";
import { normalizeEmail } from "../../services/identifiers.ts";

const registerBody = z.object({
  username: z.string().max(64, "That username is too long"),
  email: z.email("Enter a valid email address").max(320),
  password: z.string().min(1, "Choose a password").max(1024, "Passwords can be at most 1024 characters long"),
  _csrf: z.string().optional(),
});
const resendBody = z.object({ email: z.email("Enter a valid email address").max(320), _csrf: z.string().optional() });
const confirmBody = z.object({ token: z.string().min(20).max(100), _csrf: z.string().optional() });

export function registerRegistrationRoutes(router: Router, app: AppContext) {
  const { views, csrf, services, rateLimits } = app;
  const body = parseBody(app.config.bodyLimit);
  const submitted = (ctx: Context) => (ctx.request.body as Record<string, unknown> | undefined) ?? {};
  const page = async (ctx: Context, name: string, locals: Record<string, unknown>, status = 200) => {
    ctx.status = status;
    ctx.set("Cache-Control", "no-store");
    ctx.type = "html";
    ctx.body = await views.render(`pages/${name}`, locals);
  };
  const requestInfo = (ctx: Context) => ({ ip: ctx.ip, userAgent: ctx.get("user-agent") || null });

  // ?login=/interaction/<uid>: the sign-in page the Register tab was opened from, so the Login tab can go back
  // to it; exactly that shape (a same-origin interaction path), anything else falls back to /login
  const signInPath = (ctx: Context) => (typeof ctx.query.login === "string" && /^\/interaction\/[\w-]{1,64}$/.test(ctx.query.login) ? ctx.query.login : undefined);
  const renderRegister = (ctx: Context, locals: { error?: string; field?: string; username?: string; email?: string }, status = 200) => {
    const login = signInPath(ctx);
    return page(ctx, "register", {
      title: "Create an account", csrfToken: csrf.token(ctx, "register"), minLength: app.config.passwordPolicy.minLength,
      action: login ? `/register?login=${login}` : "/register", loginUrl: login ?? "/login", ...locals,
    }, status);
  };

  router.get("/register", (ctx) => renderRegister(ctx, {}));

  router.post("/register", body, async (ctx) => {
    csrf.verify(ctx, "register", submitted(ctx)._csrf);
    await rateLimits.accountPerIp.consume(ctx.ip);
    const parsed = registerBody.safeParse(submitted(ctx));
    const typed = { username: String(submitted(ctx).username ?? "").slice(0, 64), email: String(submitted(ctx).email ?? "").slice(0, 320) };
    if (!parsed.success) return renderRegister(ctx, { ...typed, error: parsed.error.issues[0]?.message, field: String(parsed.error.issues[0]?.path[0] ?? "") }, 400);
    const result = await services.registration.register(parsed.data, requestInfo(ctx), { beforeEmail: (email) => rateLimits.accountPerIdentifier.consume(email) });
    if (result.outcome === "invalid") return renderRegister(ctx, { ...typed, error: result.message, field: result.field }, 400);
    if (result.outcome === "check_email" && result.userId) await services.audit.record({ type: "user.registered", outcome: "success", userId: result.userId, ...requestInfo(ctx) });
    return page(ctx, "check-email", { title: "Check your email", email: parsed.data.email });
  });

  router.get("/verify-email", async (ctx) => {
    const token = typeof ctx.query.token === "string" ? ctx.query.token : undefined;
    if (token) return page(ctx, "verify-email-confirm", { title: "Confirm your email", token, csrfToken: csrf.token(ctx, "verify-email"), action: "/verify-email" });
    return page(ctx, "verify-email-resend", { title: "Verify your email", csrfToken: csrf.token(ctx, "resend-verification"), action: "/verify-email/resend" });
  });

  router.post("/verify-email", body, async (ctx) => {
    csrf.verify(ctx, "verify-email", submitted(ctx)._csrf);
    await rateLimits.accountPerIp.consume(ctx.ip);
    const parsed = confirmBody.safeParse(submitted(ctx));
    const userId = parsed.success ? await services.registration.verify(parsed.data.token) : null;
    if (!userId) {
      return page(ctx, "verify-email-resend", { title: "Verify your email", csrfToken: csrf.token(ctx, "resend-verification"), action: "/verify-email/resend", error: "This link has expired or was already used. Ask for a new one below." }, 400);
    }
    await services.audit.record({ type: "email.verified", outcome: "success", userId, ...requestInfo(ctx) });
    return page(ctx, "email-verified", { title: "Email confirmed" });
  });

  router.post("/verify-email/resend", body, async (ctx) => {
    csrf.verify(ctx, "resend-verification", submitted(ctx)._csrf);
    await rateLimits.accountPerIp.consume(ctx.ip);
    const parsed = resendBody.safeParse(submitted(ctx));
    if (!parsed.success) {
      return page(ctx, "verify-email-resend", { title: "Verify your email", csrfToken: csrf.token(ctx, "resend-verification"), action: "/verify-email/resend", error: parsed.error.issues[0]?.message }, 400);
    }
    await rateLimits.accountPerIdentifier.consume(normalizeEmail(parsed.data.email));
    const resentTo = await services.registration.resendVerification(parsed.data.email);
    if (resentTo) await services.audit.record({ type: "email.verification_resent", outcome: "success", userId: resentTo, ...requestInfo(ctx) });
    return page(ctx, "check-email", { title: "Check your email", email: parsed.data.email });
  });
}
