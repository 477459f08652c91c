// /account/passkeys: the user's passkeys and security keys (name, kind, created, last used), add one (a name and
// the current password first; then the browser makes the key: public/js/passkeys.js), rename, remove (the
// password again), and remove the password (passkeys only, while one is left). An account without a password
// confirms with a passkey sign-in of the last 5 minutes instead, and cannot remove its last passkey. The options
// are JSON for the script; the browser's answer comes back in an ordinary form. Wrong passwords count toward
// lockout; adding and removing, and a refused confirmation, are audited (by the services) and emailed.
import type Router from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import type { AppContext } from "../../web-context.ts";
import type { User } from "../../../queries/users.ts";
import { catalogueError } from "../../errors.ts";
import { defineForms } from "../../forms.ts";
import { cleanName } from "../../../services/passkeys/management.ts";
import { MAX_RESPONSE_CHARS } from "../../../services/passkeys/responses.ts";
import { CATALOGUE, type ErrorCode } from "../../../lib/error-catalogue.ts";
import type { AccountRouteHelpers } from "./helpers.ts";

const BINDING = "account-passkeys";
const password = z.string().min(1, "Enter your current password").max(1024, "Passwords can be at most 1024 characters long");
const name = z.string().max(200, "Give the passkey a shorter name (at most 64 characters)");
const optionsBody = z.object({ name, password: password.optional() });
const finishBody = z.object({
  response: z.string().min(2, "The passkey did not answer. Try again.").max(MAX_RESPONSE_CHARS, "That passkey answer is too large."),
});
const renameBody = z.object({ name });
const removeBody = z.object({ password: password.optional() });
const removePasswordBody = z.object({ password });

const BAD_NAME = CATALOGUE["passkey.bad_name#example"].message;
/** a refusal of the confirmation: its catalogue key, words and status */
const refusal = (key: ErrorCode) => ({ key, message: CATALOGUE[key].message, status: CATALOGUE[key].status });

export function registerPasskeyRoutes(router: Router, app: AppContext, h: AccountRouteHelpers): void {
  const { csrf, services } = app;
  const { passkeys, passkeyReauthentication } = services;
  const forms = defineForms(router, app, { guard: h.requireAccount, csrf: BINDING });
  /** a password check spends the account's sign-in budget */
  const signInLimit = { limit: "loginPerIdentifier" as const, key: (ctx: Context) => `user:${h.account(ctx).user.id}` };
  const showError = (ctx: Context, { message }: { message: string }) => show(ctx, { error: message }, 400);

  async function show(
    ctx: Context,
    locals: { error?: string; notice?: string; field?: string; hasPassword?: boolean } = {},
    status = 200,
  ): Promise<void> {
    const { user } = h.account(ctx);
    const say = h.say(ctx);
    const list = (await passkeys.list(user.id)).map((p) => ({
      id: p.id,
      name: p.name,
      kind: say(p.kind === "hwk" ? "passkeys.kindKey" : p.backedUp ? "passkeys.kindSynced" : "passkeys.kindDevice"),
      createdAt: p.createdAt,
      lastUsedAt: p.lastUsedAt, // the page writes them in its language and time zone
    }));
    await h.render(
      ctx,
      "passkeys",
      {
        title: "Passkeys",
        csrfToken: csrf.token(ctx, BINDING),
        passkeys: list,
        hasPassword: Boolean(user.passwordHash),
        optionsUrl: "/account/passkeys/options",
        ...locals,
      },
      status,
    );
  }

  /**
   * the current password, or for an account without one a recent passkey sign-in (checked and a refusal audited
   * as `auditType` by the service); the words of a refusal, or null
   */
  async function confirm(
    ctx: Context,
    user: User,
    given: string | undefined,
    auditType: string,
  ): Promise<{ key: ErrorCode; message: string; status: number } | null> {
    const check = await passkeyReauthentication.confirm(user, given, h.account(ctx), auditType, h.credentialRequest(ctx));
    switch (check.outcome) {
      case "ok":
        return null;
      case "sign_in_again":
        return refusal("passkey.reauthentication#sign_in_again");
      case "no_password":
        return refusal("passkey.reauthentication#no_password");
      case "locked":
        return refusal("passkey.reauthentication#locked");
      case "wrong_password":
        return refusal("passkey.reauthentication");
    }
  }

  router.get("/account/passkeys", h.requireAccount, (ctx) => show(ctx));

  // step 1 (JSON, for the script): the name and the password, then the options for navigator.credentials.create
  forms.post({
    path: "/account/passkeys/options",
    rateLimit: signInLimit,
    body: optionsBody,
    invalid: (_ctx, { message }) => Promise.reject(catalogueError("passkey.bad_request#account", undefined, { message })),
    async handle(ctx, { body }) {
      const { user, sessionUid } = h.account(ctx);
      const clean = cleanName(body.name);
      if (!clean) throw catalogueError("passkey.bad_name#example");
      const refused = await confirm(ctx, user, body.password, "passkey.added");
      if (refused) throw catalogueError(refused.key);
      ctx.set("Cache-Control", "no-store");
      ctx.body = await passkeys.registration.begin(user, sessionUid, clean);
    },
  });

  // step 2: the browser's answer, verified and stored
  forms.post({
    path: "/account/passkeys",
    body: finishBody,
    invalid: showError,
    async handle(ctx, { body }) {
      const { user, sessionUid } = h.account(ctx);
      const result = await passkeys.registration.finish(user, sessionUid, body.response, h.requestInfo(ctx));
      if (result.outcome === "refused") return show(ctx, { error: CATALOGUE[result.code].message }, CATALOGUE[result.code].status);
      return show(ctx, { notice: h.say(ctx)("passkeys.addedNotice", { name: result.passkey.name }) });
    },
  });

  // passkeys only from now on: the password goes (it needs the password, and a passkey left to sign in with)
  const NO_PASSWORD = "Your account has no password.";
  forms.post({
    path: "/account/passkeys/remove-password",
    rateLimit: signInLimit,
    body: removePasswordBody,
    // no password to remove is said before anything about the form
    invalid: (ctx, problem) => showError(ctx, { message: h.account(ctx).user.passwordHash ? problem.message : NO_PASSWORD }),
    async handle(ctx, { body }) {
      const { user } = h.account(ctx);
      if (!user.passwordHash) return showError(ctx, { message: NO_PASSWORD });
      const refused = await confirm(ctx, user, body.password, "password.removed");
      if (refused) return show(ctx, { error: refused.message }, refused.status);
      const result = await passkeys.removePassword(user, h.requestInfo(ctx));
      if (result.outcome === "refused") return show(ctx, { error: CATALOGUE[result.code].message }, CATALOGUE[result.code].status);
      return show(ctx, {
        hasPassword: false,
        notice: 'Your password was removed. You sign in with your passkeys now; "Forgot your password?" sets a new one.',
      });
    },
  });

  forms.post({
    path: "/account/passkeys/:id/rename",
    body: renameBody,
    invalid: (ctx) => showError(ctx, { message: BAD_NAME }),
    async handle(ctx, { body }) {
      const result = await passkeys.rename(h.account(ctx).user, ctx.params.id ?? "", body.name, h.requestInfo(ctx));
      if (result.outcome === "refused" && result.code === "passkey.bad_name") return showError(ctx, { message: BAD_NAME });
      if (result.outcome === "refused") return show(ctx, { error: CATALOGUE[result.code].message }, 404);
      return show(ctx, { notice: h.say(ctx)("passkeys.renamed", { name: result.passkey.name }) });
    },
  });

  forms.post({
    path: "/account/passkeys/:id/delete",
    rateLimit: signInLimit,
    body: removeBody,
    invalid: showError,
    async handle(ctx, { body }) {
      const { user } = h.account(ctx);
      const refused = await confirm(ctx, user, body.password, "passkey.removed");
      if (refused) return show(ctx, { error: refused.message }, refused.status);
      const result = await passkeys.remove(user.id, ctx.params.id ?? "", { via: "account_page" }, h.requestInfo(ctx));
      if (result.outcome === "refused") return show(ctx, { error: CATALOGUE[result.code].message }, CATALOGUE[result.code].status);
      return show(ctx, { notice: h.say(ctx)("passkeys.removed", { name: result.passkey.name }) });
    },
  });
}
