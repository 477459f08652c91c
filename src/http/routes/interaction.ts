// The pages oidc-provider sends the browser to: login and consent for one interaction (/interaction/:uid).
// Every POST checks CSRF; bad input re-renders the page with a message and changes nothing.
import type Router from "@koa/router";
import type { Context } from "koa";
import { errors as oidcErrors, type InteractionResults } from "oidc-provider";
import type Provider from "oidc-provider";

type Interaction = Awaited<ReturnType<Provider["interactionDetails"]>>;
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { AppError } from "../errors.ts";
import { parseBody } from "../body.ts";

const loginBody = z.object({
  identifier: z.string().trim().min(1, "Enter your email or username").max(320, "That email or username is too long"),
  // long passphrases are welcome; the cap only stops absurd bodies from reaching argon2
  password: z.string().min(1, "Enter your password").max(1024, "Passwords can be at most 1024 characters long"),
  remember: z.literal("1").optional(),
  _csrf: z.string().optional(),
});

const INVALID_CREDENTIALS = "Invalid email or password";

export function registerInteractionRoutes(router: Router, app: AppContext) {
  const { csrf, views, services } = app;
  const binding = (uid: string) => `interaction:${uid}`;
  const body = parseBody(app.config.bodyLimit);

  async function details(ctx: Context) {
    try {
      return await app.oidc.provider.interactionDetails(ctx.req, ctx.res);
    } catch (err) {
      if (err instanceof oidcErrors.SessionNotFound) {
        throw new AppError("interaction.expired", 400, "This sign-in page has expired or was opened in another browser. Go back to the application and sign in again.");
      }
      throw err;
    }
  }

  async function finish(ctx: Context, result: InteractionResults, merge: boolean) {
    const redirectTo = await app.oidc.provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: merge });
    ctx.status = 303;
    ctx.redirect(redirectTo);
  }

  async function renderLogin(ctx: Context, uid: string, clientId: string, locals: { identifier?: string; error?: string }) {
    const client = await app.oidc.provider.Client.find(clientId);
    ctx.type = "html";
    ctx.body = await views.render("pages/login", {
      title: "Sign in",
      uid,
      clientName: client?.clientName ?? "the application",
      identifier: locals.identifier ?? "",
      error: locals.error,
      csrfToken: csrf.token(ctx, binding(uid)),
      action: `/interaction/${uid}/login`,
    });
  }

  /** grants what the consent prompt found missing and finishes the interaction */
  async function grantConsent(ctx: Context, interaction: Interaction, opts: { firstParty: boolean }) {
    const { prompt, params, session, grantId } = interaction;
    const { Grant } = app.oidc.provider;
    const grant = (grantId ? await Grant.find(grantId) : undefined) ?? new Grant({ accountId: session!.accountId, clientId: String(params.client_id) });
    const d = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
    if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(" "));
    if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(d.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(" "));
    const savedId = await grant.save();
    await services.audit.record({ type: "consent.granted", outcome: "success", userId: session!.accountId, clientId: String(params.client_id), ip: ctx.ip, data: { scopes: d.missingOIDCScope ?? [], firstParty: opts.firstParty } });
    return finish(ctx, { consent: { grantId: savedId } }, true);
  }

  router.get("/interaction/:uid", async (ctx) => {
    const interaction = await details(ctx);
    const { uid, prompt, params } = interaction;
    ctx.set("Cache-Control", "no-store");
    if (prompt.name === "login") return renderLogin(ctx, uid, String(params.client_id), {});
    if (prompt.name === "consent") {
      const client = await app.oidc.provider.Client.find(String(params.client_id));
      // first-party clients never show a consent page, even when they ask for one (prompt=consent)
      if (client?.gatehouse_first_party === true && interaction.session) return grantConsent(ctx, interaction, { firstParty: true });
      const d = prompt.details as { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> };
      const resourceScopes = Object.values(d.missingResourceScopes ?? {}).flat();
      ctx.type = "html";
      ctx.body = await views.render("pages/consent", {
        title: "Allow access",
        clientName: client?.clientName ?? "The application",
        scopes: [...new Set([...(d.missingOIDCScope ?? []), ...resourceScopes])],
        csrfToken: csrf.token(ctx, binding(uid)),
        action: `/interaction/${uid}/confirm`,
        abortAction: `/interaction/${uid}/abort`,
      });
      return;
    }
    throw new AppError("interaction.unknown_prompt", 400, "This sign-in step is not supported.");
  });

  router.post("/interaction/:uid/login", body, async (ctx) => {
    const interaction = await details(ctx);
    const { uid, prompt, params } = interaction;
    if (prompt.name !== "login") throw new AppError("interaction.wrong_step", 400, "This sign-in step is already done. Go back to the application and try again.");
    csrf.verify(ctx, binding(uid), (ctx.request.body as Record<string, unknown> | undefined)?._csrf);
    const parsed = loginBody.safeParse(ctx.request.body ?? {});
    const clientId = String(params.client_id);
    if (!parsed.success) {
      ctx.status = 400;
      return renderLogin(ctx, uid, clientId, { identifier: String((ctx.request.body as { identifier?: unknown })?.identifier ?? "").slice(0, 320), error: parsed.error.issues[0]?.message });
    }
    const { identifier, password, remember } = parsed.data;
    const result = await services.accounts.signInWithPassword(identifier, password);
    const requestInfo = { ip: ctx.ip, userAgent: ctx.get("user-agent") || null, clientId };
    if (result.outcome === "ok") {
      await services.audit.record({ type: "login.succeeded", outcome: "success", userId: result.user.id, ...requestInfo, data: { amr: result.amr } });
      return finish(ctx, { login: { accountId: result.user.id, amr: result.amr, remember: remember === "1" } }, false);
    }
    if (result.outcome === "unverified") {
      await services.audit.record({ type: "login.failed", outcome: "failure", userId: result.user.id, ...requestInfo, data: { reason: "email_unverified" } });
      ctx.status = 403;
      ctx.type = "html";
      ctx.body = await views.render("pages/error", { title: "Verify your email", status: 403, message: "Please verify your email address before signing in. Check your inbox for the verification link.", requestId: ctx.state.requestId });
      return;
    }
    await services.audit.record({ type: "login.failed", outcome: "failure", userId: result.userId, ...requestInfo, data: { reason: result.reason } });
    ctx.status = 401;
    return renderLogin(ctx, uid, clientId, { identifier, error: INVALID_CREDENTIALS });
  });

  router.post("/interaction/:uid/confirm", body, async (ctx) => {
    const interaction = await details(ctx);
    const { uid, prompt, params, session, grantId } = interaction;
    if (prompt.name !== "consent" || !session) throw new AppError("interaction.wrong_step", 400, "This sign-in step is already done. Go back to the application and try again.");
    csrf.verify(ctx, binding(uid), (ctx.request.body as Record<string, unknown> | undefined)?._csrf);
    return grantConsent(ctx, interaction, { firstParty: false });
  });

  router.post("/interaction/:uid/abort", body, async (ctx) => {
    const interaction = await details(ctx);
    csrf.verify(ctx, binding(interaction.uid), (ctx.request.body as Record<string, unknown> | undefined)?._csrf);
    return finish(ctx, { error: "access_denied", error_description: "End-User aborted interaction" }, false);
  });
}
