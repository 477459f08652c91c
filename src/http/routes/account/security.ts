// /account/security: change the password while signed in. Needs the current password (a wrong one counts
// toward lockout like a failed sign-in); the new one follows the policy and the history. Every other session
// ends and every refresh token is revoked; this browser stays signed in; the owner gets an email.
import type Router from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import type { AppContext } from "../../web-context.ts";
import { defineForms } from "../../forms.ts";
import { passwordHint } from "../../../services/password-policy.ts";
import type { AccountRouteHelpers } from "./helpers.ts";

const passwordBody = z.object({
  current: z.string().min(1, "Enter your current password").max(1024, "Passwords can be at most 1024 characters long"),
  password: z.string().min(1, "Choose a new password").max(1024, "Passwords can be at most 1024 characters long"),
});

export function registerSecurityRoutes(router: Router, app: AppContext, h: AccountRouteHelpers): void {
  const { csrf, services } = app;

  const renderSecurity = (ctx: Context, locals: { error?: string; field?: string; notice?: string } = {}, status = 200) =>
    h.render(
      ctx,
      "security",
      {
        title: "Password",
        csrfToken: csrf.token(ctx, "account-password"),
        minLength: app.config.passwordPolicy.minLength,
        passwordHint: passwordHint(app.config.passwordPolicy.minLength),
        ...locals,
      },
      status,
    );

  router.get("/account/security", h.requireAccount, (ctx) => renderSecurity(ctx));

  defineForms(router, app, { guard: h.requireAccount }).post({
    path: "/account/security/password",
    csrf: "account-password",
    rateLimit: { limit: "loginPerIdentifier", key: (ctx) => `user:${h.account(ctx).user.id}` },
    body: passwordBody,
    invalid: (ctx, { message, field }) => renderSecurity(ctx, { error: message, field }, 400),
    async handle(ctx, { body }) {
      const { user, sessionId } = h.account(ctx);
      const result = await services.passwordChange.changeOwn(
        user,
        { current: body.current, next: body.password },
        h.credentialRequest(ctx),
        sessionId,
      );
      if (result.outcome === "locked")
        return renderSecurity(
          ctx,
          { error: "Your account is locked after too many wrong passwords. Try again later.", field: "current" },
          423,
        );
      if (result.outcome === "wrong_password")
        return renderSecurity(ctx, { error: "That is not your current password.", field: "current" }, 400);
      if (result.outcome === "invalid") return renderSecurity(ctx, { error: result.message, field: "password" }, 400);
      return renderSecurity(ctx, { notice: "Your password was changed. Every other session was signed out." });
    },
  });
}
