// The login step: the page, and the password POST (generic failure, audit of every attempt). An account with
// TOTP goes on to the code page (second-factor.ts); a user with several teams then picks one (team-select.ts).
import type { Context } from "koa";
import { z } from "zod";
import type { AppContext } from "../../../context.ts";
import { AppError } from "../../errors.ts";
import type { Interaction, InteractionHelpers } from "./shared.ts";
import { parseIdentifier } from "../../../services/identifiers.ts";
import { takeNotice } from "../../notices.ts";
import type { LoginFlow } from "../../../flows/login-flow.ts";
import type { GateRunner } from "./gates.ts";

const normalizedIdentifier = (identifier: string) => { const id = parseIdentifier(identifier); return `${id.kind}:${id.value}`; };

const loginBody = z.object({
  identifier: z.string().trim().min(1, "Enter your email or username").max(320, "That email or username is too long"),
  // long passphrases are welcome; the cap only stops absurd bodies from reaching argon2
  password: z.string().min(1, "Enter your password").max(1024, "Passwords can be at most 1024 characters long"),
  remember: z.literal("1").optional(),
  _csrf: z.string().optional(),
});

const INVALID_CREDENTIALS = "Invalid email or password";

export function createLoginHandlers(app: AppContext, h: InteractionHelpers, flow: LoginFlow, gates: GateRunner) {
  const { services, views } = app;

  async function render(ctx: Context, interaction: Interaction, locals: { identifier?: string; error?: string; status?: number }) {
    const { uid } = interaction;
    await h.renderPage(ctx, "login", {
      title: "Sign in",
      uid,
      clientName: await h.appName(interaction),
      identifier: locals.identifier ?? "",
      error: locals.error,
      notice: locals.error ? undefined : takeNotice(ctx, app.config.isProduction),
      csrfToken: h.csrfToken(ctx, uid),
      action: `/interaction/${uid}/login`,
      links: { register: "/register", forgotPassword: "/forgot-password", verifyEmail: "/verify-email", adminRegister: "/admin-register" },
    }, locals.status);
  }

  async function submit(ctx: Context, interaction: Interaction) {
    const { uid, prompt, params } = interaction;
    if (prompt.name !== "login") throw h.wrongStep();
    h.verifyCsrf(ctx, uid);
    const parsed = loginBody.safeParse(ctx.request.body ?? {});
    if (!parsed.success) {
      const typed = String((ctx.request.body as { identifier?: unknown } | undefined)?.identifier ?? "").slice(0, 320);
      return render(ctx, interaction, { identifier: typed, error: parsed.error.issues[0]?.message, status: 400 });
    }
    const { identifier, password, remember } = parsed.data;
    await app.rateLimits.loginPerIp.consume(ctx.ip);
    await app.rateLimits.loginPerIdentifier.consume(normalizedIdentifier(identifier));
    if (services.passwords.saturated()) {
      ctx.set("Retry-After", "2");
      throw new AppError("login.busy", 503, "Too many sign-ins are in progress right now. Please try again in a moment.");
    }
    const info = h.requestInfo(ctx, String(params.client_id));
    // a new password step replaces whatever an earlier one left pending in this interaction
    await flow.cancel(uid);
    const authAt = app.clock.now().getTime();
    const result = await services.accounts.signInWithPassword(identifier, password, info);
    if (result.outcome === "second_factor") {
      await flow.beginSecondFactor(uid, interaction.exp, { userId: result.user.id, remember: remember === "1", authAt });
      await services.audit.record({ type: "login.second_factor_required", outcome: "success", userId: result.user.id, ...info, data: { method: "totp" } });
      ctx.status = 303;
      return ctx.redirect(`/interaction/${uid}/totp`);
    }
    if (result.outcome === "ok") {
      return gates.run(ctx, interaction, { userId: result.user.id, amr: result.amr, remember: remember === "1", authAt, audit: { amr: result.amr } });
    }
    if (result.outcome === "unverified") {
      await services.audit.record({ type: "login.failed", outcome: "failure", userId: result.user.id, ...info, data: { reason: "email_unverified" } });
      ctx.status = 403;
      ctx.type = "html";
      ctx.body = await views.render("pages/error", { title: "Verify your email", status: 403, message: "Please verify your email address before signing in. Check your inbox for the verification link, or ask for a new one.", requestId: ctx.state.requestId, startOverUrl: "/verify-email" });
      return;
    }
    await services.audit.record({ type: "login.failed", outcome: "failure", userId: result.userId, ...info, data: { reason: result.reason } });
    return render(ctx, interaction, { identifier, error: INVALID_CREDENTIALS, status: 401 });
  }

  return { render, submit };
}
