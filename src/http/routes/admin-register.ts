// /admin-register: "Register as Administrator". Only first-run setup: while no account has a system role, the
// form creates the first administrator (Super Admin), who verifies the email address like anyone else. Once
// an administrator exists the page says so; administrator invitations come with the teams and roles work.
import type Router from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { parseBody } from "../body.ts";
import { isFirstRunSetupToken } from "../../services/bootstrap.ts";

const adminBody = z.object({
  setup: z.string(),
  username: z.string().max(64, "That username is too long"),
  email: z.email("Enter a valid email address").max(320),
  password: z.string().min(1, "Choose a password").max(1024, "Passwords can be at most 1024 characters long"),
  _csrf: z.string().optional(),
});

export function registerAdminRegistrationRoutes(router: Router, app: AppContext): void {
  const { views, csrf, services } = app;
  const body = parseBody(app.config.bodyLimit);

  const validSetup = (value: unknown) => isFirstRunSetupToken(app.config.secrets.masterKey, value);

  async function render(ctx: Context, locals: Record<string, unknown>, status = 200) {
    const open = !(await services.accounts.adminExists());
    const setup = (ctx.request.body as Record<string, unknown> | undefined)?.setup ?? ctx.query.setup;
    const hasSetup = validSetup(setup);
    ctx.status = !open ? 403 : hasSetup ? status : 403;
    ctx.set("Cache-Control", "no-store");
    ctx.type = "html";
    ctx.body = await views.render("pages/admin-register", {
      title: "Register as Administrator", open, hasSetup, setup: hasSetup ? setup : undefined, csrfToken: csrf.token(ctx, "admin-register"), action: "/admin-register",
      minLength: app.config.passwordPolicy.minLength, ...locals,
    });
  }

  router.get("/admin-register", (ctx) => render(ctx, {}));

  router.post("/admin-register", body, async (ctx) => {
    const submitted = (ctx.request.body as Record<string, unknown> | undefined) ?? {};
    csrf.verify(ctx, "admin-register", submitted._csrf);
    await app.rateLimits.accountPerIp.consume(ctx.ip);
    const typed = { username: String(submitted.username ?? "").slice(0, 64), email: String(submitted.email ?? "").slice(0, 320) };
    if (!validSetup(submitted.setup) || (await services.accounts.adminExists())) return render(ctx, typed);
    const parsed = adminBody.safeParse(submitted);
    if (!parsed.success) return render(ctx, { ...typed, error: parsed.error.issues[0]?.message, field: String(parsed.error.issues[0]?.path[0] ?? "") }, 400);
    const info = { ip: ctx.ip, userAgent: ctx.get("user-agent") || null };
    const result = await services.registration.register(parsed.data, info, { systemRole: "super_admin", beforeEmail: (email) => app.rateLimits.accountPerIdentifier.consume(email) });
    if (result.outcome === "invalid") return render(ctx, { ...typed, error: result.message, field: result.field }, 400);
    if (result.outcome === "closed") return render(ctx, typed);
    if (result.userId) await services.audit.record({ type: "user.registered", outcome: "success", userId: result.userId, ...info, data: { systemRole: "super_admin", firstRun: true } });
    ctx.type = "html";
    ctx.set("Cache-Control", "no-store");
    ctx.body = await views.render("pages/check-email", { title: "Check your email", email: parsed.data.email });
  });
}
