// /account/data: "Download my data" (a JSON attachment, services.accountExport, RATE_LIMIT_EXPORT_PER_USER) and
// "Delete my account" (services.accountDeletion.deleteOwn: the current password, or a code without one, or with a
// passkey: /account/data/passkey-options gives public/js/passkeys.js the options of an assertion bound to this
// account session, whose answer comes back in the deletion form's `response`). All are POSTs with a CSRF token
// bound to the signed-in user, so a token from another browser or another account's page is refused. A refusal
// re-renders the page with the catalogue's words at its status; nothing changed.
import type Router from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import type { AppContext } from "../../web-context.ts";
import { defineForms } from "../../forms.ts";
import { CATALOGUE } from "../../../lib/error-catalogue.ts";
import { catalogueError } from "../../errors.ts";
import { MAX_RESPONSE_CHARS } from "../../../services/passkeys/responses.ts";
import { ownDeletionRefusal } from "../../../services/account-deletion.ts";
import type { AccountRouteHelpers } from "./helpers.ts";
import { localeLocals } from "../../locale.ts";

const deleteBody = z.object({
  password: z.string().max(1024, "Passwords can be at most 1024 characters long").optional(),
  code: z.string().max(64, "That is not a code").optional(),
  response: z.string().max(MAX_RESPONSE_CHARS, "That passkey answer is too large.").optional(),
  username: z.string().optional(),
});

const utc = (at: Date) => `${at.toISOString().replace("T", " ").slice(0, 16)} UTC`;

export function registerDataRoutes(router: Router, app: AppContext, h: AccountRouteHelpers): void {
  const { csrf, services } = app;
  const bindings = (userId: string) => ({ remove: `account-delete:${userId}`, export: `account-export:${userId}` });
  const forms = defineForms(router, app, { guard: h.requireAccount, csrf: (ctx) => bindings(h.account(ctx).user.id).remove });
  const signInLimit = { limit: "loginPerIdentifier" as const, key: (ctx: Context) => `user:${h.account(ctx).user.id}` };

  async function show(ctx: Context, locals: { error?: string; field?: string; notice?: string } = {}, status = 200) {
    const { user } = h.account(ctx);
    const b = bindings(user.id);
    return h.render(
      ctx,
      "data",
      {
        title: "Your data",
        blockingTeams: await services.accountDeletion.blockingTeams(user.id),
        hasPassword: Boolean(user.passwordHash),
        hasTotp: services.totp.enabled(user),
        hasPasskey: await services.passkeys.enrolled(user.id),
        passkeyOptionsUrl: "/account/data/passkey-options",
        graceDays: services.accountDeletion.graceDays,
        csrfToken: csrf.token(ctx, b.remove),
        exportCsrf: csrf.token(ctx, b.export),
        ...locals,
      },
      status,
    );
  }

  router.get("/account/data", h.requireAccount, (ctx) => show(ctx));

  forms.post({
    path: "/account/data/export",
    csrf: (ctx) => bindings(h.account(ctx).user.id).export,
    rateLimit: { limit: "exportPerUser", key: (ctx) => h.account(ctx).user.id },
    async handle(ctx) {
      const { user } = h.account(ctx);
      const document = await services.accountExport.exportFor(user.id, { ...h.requestInfo(ctx), via: "account_page" });
      ctx.set("Cache-Control", "no-store");
      ctx.set("Content-Disposition", `attachment; filename="gatehouse-${user.username.replace(/[^\w.-]/g, "_")}-data.json"`);
      ctx.type = "application/json";
      ctx.body = JSON.stringify(document, null, 2);
    },
  });

  // JSON, for the script: the options of a passkey assertion (the user's own keys) bound to this account session
  forms.post({
    path: "/account/data/passkey-options",
    rateLimit: signInLimit,
    async handle(ctx) {
      const { user, sessionUid } = h.account(ctx);
      if (!(await services.passkeys.enrolled(user.id))) throw catalogueError("account.no_passkey");
      ctx.set("Cache-Control", "no-store");
      ctx.body = await services.passkeys.authentication.options("reauthenticate", sessionUid, user);
    },
  });

  forms.post({
    path: "/account/delete",
    rateLimit: signInLimit,
    body: deleteBody,
    invalid: (ctx, { message, field }) => show(ctx, { error: message, field }, 400),
    async handle(ctx, { body: given }) {
      const { user, sessionUid } = h.account(ctx);
      const proof = {
        password: given.password || undefined,
        code: given.code || undefined,
        passkey: given.response ? { response: given.response, binding: sessionUid } : undefined,
      };
      const result = await services.accountDeletion.deleteOwn(user, proof, { ...h.credentialRequest(ctx), via: "account_page" });
      if (result.outcome === "deleted" || result.outcome === "scheduled") {
        ctx.set("Cache-Control", "no-store");
        ctx.type = "html";
        ctx.body = await app.views.render("pages/account-deleted", {
          ...localeLocals(ctx, "account-deleted", app.config.defaultLocale),
          title: result.outcome === "deleted" ? "Account deleted" : "Account deletion scheduled",
          scheduled: result.outcome === "scheduled",
          until: result.outcome === "scheduled" ? utc(result.dueAt) : null,
          untilAt: result.outcome === "scheduled" ? result.dueAt : null,
        });
        return;
      }
      if (result.outcome === "not_found") return ctx.redirect("/login");
      const code = ownDeletionRefusal(result.outcome)!;
      const field =
        result.outcome === "wrong_code"
          ? "code"
          : result.outcome === "wrong_password" || result.outcome === "reauth_required"
            ? user.passwordHash
              ? "password"
              : "code"
            : undefined;
      return show(ctx, { error: CATALOGUE[code].message, field }, CATALOGUE[code].status);
    },
  });
}
