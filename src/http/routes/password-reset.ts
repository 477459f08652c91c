// Forgot password: /forgot-password (the answer never says whether an account exists) and /reset-password
// (the emailed link: a GET only shows the form, the POST sets the new password, with a code for TOTP users).
import type Router from "@koa/router";
import { setNotice } from "../notices.ts";
import type { Context } from "koa";
import { z } from "zod";
import type { AppContext } from "../web-context.ts";
import { sha256 } from "../../lib/crypto.ts";
import { parseIdentifier } from "../../services/identifiers.ts";
import type { RequestInfo } from "../../services/notifications.ts";
import { defineForms, type Forms } from "../forms.ts";
import { passwordHint } from "../../services/password-policy.ts";
import { localeLocals, sayer } from "../locale.ts";

const requestBody = z.object({
  identifier: z.string().trim().min(1, "Enter your email or username").max(320, "That email or username is too long"),
});
const tokenField = z.string().regex(/^[\w-]{20,100}$/);
const resetBody = z.object({
  token: tokenField,
  password: z.string().min(1, "Choose a new password").max(1024, "Passwords can be at most 1024 characters long"),
  code: z.string().trim().max(32, "That code is too long").optional(),
});

const INVALID_CODE = "That code is not valid. Enter the current code from your authenticator app, or an unused backup code.";
const MISSING_CODE = "Enter the code from your authenticator app, or a backup code.";

type FormLocals = { token: string; username: string; needsCode: boolean; error?: string; field?: string };

type ResetRouteHelpers = ReturnType<typeof createHelpers>;

function createHelpers(app: AppContext) {
  const { views, csrf } = app;
  const page = async (ctx: Context, name: string, locals: Record<string, unknown>, status = 200) => {
    ctx.status = status;
    ctx.set("Cache-Control", "no-store");
    ctx.type = "html";
    ctx.body = await views.render(`pages/${name}`, { ...localeLocals(ctx, name, app.config.defaultLocale), ...locals });
  };
  /** the reset pages carry the token in their URL or form: no Referer leaves them (overrides helmet's same-origin) */
  const resetPage = (ctx: Context, name: string, locals: Record<string, unknown>, status = 200) => {
    ctx.set("Referrer-Policy", "no-referrer");
    return page(ctx, name, locals, status);
  };
  const translatedError = (ctx: Context, error: string | undefined) =>
    error ? { error: sayer(ctx, app.config.defaultLocale)(error) } : {};
  return {
    page,
    requestInfo: (ctx: Context): RequestInfo & { ip: string } => ({ ip: ctx.ip, userAgent: ctx.get("user-agent") || null }),
    // an error is a fixed English text of this file or the policy: in the page's language when the catalogue has it
    renderForgot: (ctx: Context, locals: { error?: string; identifier?: string } = {}, status = 200) =>
      page(
        ctx,
        "forgot-password",
        {
          title: "Reset your password",
          csrfToken: csrf.token(ctx, "forgot-password"),
          action: "/forgot-password",
          ...locals,
          ...translatedError(ctx, locals.error),
        },
        status,
      ),
    renderResetForm: (ctx: Context, locals: FormLocals, status = 200) =>
      resetPage(
        ctx,
        "reset-password",
        {
          title: "Choose a new password",
          csrfToken: csrf.token(ctx, resetBinding(locals.token)),
          action: "/reset-password",
          minLength: app.config.passwordPolicy.minLength,
          passwordHint: passwordHint(app.config.passwordPolicy.minLength),
          ...locals,
          ...translatedError(ctx, locals.error),
        },
        status,
      ),
    renderInvalidLink: (ctx: Context) => resetPage(ctx, "reset-link-invalid", { title: "Link expired" }, 400),
  };
}

// the reset form is bound to its link, so a form token only works with the link it was shown for
const resetBinding = (token: unknown) => `reset-password:${sha256(typeof token === "string" ? token : "")}`;

export function registerPasswordResetRoutes(router: Router, app: AppContext): void {
  const h = createHelpers(app);
  const forms = defineForms(router, app);
  registerForgotPassword(router, app, h, forms);
  registerResetPassword(router, app, h, forms);
}

function registerForgotPassword(router: Router, app: AppContext, h: ResetRouteHelpers, forms: Forms): void {
  const { services, rateLimits } = app;

  /** the emailing runs after the answer: known and unknown accounts then answer alike in content and in time */
  function requestInBackground(identifier: string, info: RequestInfo): void {
    services.passwordReset
      .requestByUser(identifier, info)
      .catch((err: unknown) => app.log.error({ err: { message: (err as Error).message } }, "password reset request failed"));
  }

  router.get("/forgot-password", (ctx) => h.renderForgot(ctx));

  forms.post({
    path: "/forgot-password",
    csrf: "forgot-password",
    rateLimit: { limit: "resetPerIp" },
    body: requestBody,
    invalid: (ctx, { message }, { submitted }) =>
      h.renderForgot(ctx, { error: message, identifier: String(submitted.identifier ?? "").slice(0, 320) }, 400),
    async handle(ctx, { body: { identifier } }) {
      const id = parseIdentifier(identifier);
      await rateLimits.resetPerIdentifier.consume(`${id.kind}:${id.value}`);
      requestInBackground(identifier, h.requestInfo(ctx));
      return h.page(ctx, "reset-sent", { title: "Check your email" });
    },
  });
}

function registerResetPassword(router: Router, app: AppContext, h: ResetRouteHelpers, forms: Forms): void {
  const { services, rateLimits } = app;

  /** the link a token names and what its form shows, or null when it does not work */
  const linkOf = async (value: unknown) => {
    const token = tokenField.safeParse(value);
    const link = token.success ? await services.passwordReset.inspect(token.data) : undefined;
    if (!token.success || link?.outcome !== "valid") return null;
    return { link, form: { token: token.data, username: link.user.username, needsCode: link.needsCode } };
  };

  router.get("/reset-password", async (ctx) => {
    const valid = await linkOf(ctx.query.token);
    return valid ? h.renderResetForm(ctx, valid.form) : h.renderInvalidLink(ctx);
  });

  /** a link that does not work (audited): the page that says so */
  const refuseLink = async (ctx: Context) => {
    await services.passwordReset.refuseLink(h.requestInfo(ctx));
    return h.renderInvalidLink(ctx);
  };

  forms.post({
    path: "/reset-password",
    // the emailed token is what authorizes a reset; the form token is still required (see csrf.ts)
    csrf: (_ctx, { submitted }) => ({ binding: resetBinding(submitted.token), allowNullOrigin: true }),
    rateLimit: { limit: "resetPerIp" },
    load: (_ctx, { submitted }) => linkOf(submitted.token), // the link, checked before the form's fields
    body: resetBody,
    invalid: (ctx, { message, field }, { loaded }) =>
      loaded ? h.renderResetForm(ctx, { ...loaded.form, error: message, field }, 400) : refuseLink(ctx),
    async handle(ctx, { loaded, body }) {
      if (!loaded) return refuseLink(ctx);
      const { link, form } = loaded;
      const code = body.code || undefined;
      if (link.needsCode) {
        if (!code) return h.renderResetForm(ctx, { ...form, error: MISSING_CODE, field: "code" }, 400);
        await rateLimits.codePerUser.consume(link.user.id);
      }
      // every outcome is audited by the use case (services/password-reset.ts); a wrong code counts toward the lockout there
      const result = await services.passwordReset.complete(link, form.token, body.password, code, h.requestInfo(ctx));
      switch (result.outcome) {
        case "done":
          ctx.set("Cache-Control", "no-store");
          setNotice(ctx, "password_reset", app.config.isProduction);
          ctx.status = 303;
          return ctx.redirect("/login");
        case "invalid_link": // a parallel redemption won, or the link died since the inspection
          return h.renderInvalidLink(ctx);
        case "invalid_password":
          return h.renderResetForm(ctx, { ...form, error: result.message, field: "password" }, 400);
        case "invalid_code":
          return h.renderResetForm(ctx, { ...form, error: INVALID_CODE, field: "code" }, 400);
      }
    },
  });
}
