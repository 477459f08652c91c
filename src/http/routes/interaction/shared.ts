// What the login and consent handlers share: loading the interaction (a clear page when it has expired),
// finishing it with a 303, CSRF bound to the interaction, rendering a sign-in page, and the typed prompt details.
import type { Context } from "koa";
import Provider, { errors as oidcErrors, type InteractionResults } from "oidc-provider";
import type { AppContext } from "../../../context.ts";
import { AppError } from "../../errors.ts";
import { ACCOUNT_CLIENT_ID } from "../../../oidc/configuration.ts";

export type Interaction = Awaited<ReturnType<Provider["interactionDetails"]>>;
export type ConsentDetails = { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };

export function createInteractionHelpers(app: AppContext) {
  const binding = (uid: string) => `interaction:${uid}`;
  return {
    async load(ctx: Context): Promise<Interaction> {
      try {
        return await app.oidc.provider.interactionDetails(ctx.req, ctx.res);
      } catch (err) {
        if (err instanceof oidcErrors.SessionNotFound) {
          throw new AppError("interaction.expired", 400, "This sign-in page has expired or was opened in another browser. Go back to the application and sign in again.");
        }
        throw err;
      }
    },
    async finish(ctx: Context, result: InteractionResults, merge: boolean): Promise<void> {
      const redirectTo = await app.oidc.provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: merge });
      ctx.status = 303;
      ctx.redirect(redirectTo);
    },
    csrfToken: (ctx: Context, uid: string) => app.csrf.token(ctx, binding(uid)),
    /** throws a 403 unless the POST carries this interaction's CSRF token from this browser */
    verifyCsrf(ctx: Context, uid: string): void {
      app.csrf.verify(ctx, binding(uid), (ctx.request.body as Record<string, unknown> | undefined)?._csrf);
    },
    wrongStep: () => new AppError("interaction.wrong_step", 400, "This sign-in step is already done. Go back to the application and try again."),
    requestInfo: (ctx: Context, clientId: string) => ({ ip: ctx.ip, userAgent: ctx.get("user-agent") || null, clientId }),
    clientName: async (clientId: string) => (await app.oidc.provider.Client.find(clientId))?.clientName,
    /** the application a sign-in page names; none when signing in to Gatehouse's own account pages */
    async appName(interaction: Interaction): Promise<string | undefined> {
      const clientId = String(interaction.params.client_id);
      if (clientId === ACCOUNT_CLIENT_ID) return undefined;
      return (await app.oidc.provider.Client.find(clientId))?.clientName ?? "the application";
    },
    /** one of the sign-in pages: HTML that is never cached, with the given status */
    async renderPage(ctx: Context, page: string, locals: Record<string, unknown>, status = 200): Promise<void> {
      ctx.status = status;
      ctx.set("Cache-Control", "no-store");
      ctx.type = "html";
      ctx.body = await app.views.render(`pages/${page}`, locals);
    },
  };
}

export type InteractionHelpers = ReturnType<typeof createInteractionHelpers>;
