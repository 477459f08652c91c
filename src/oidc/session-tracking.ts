// oidc-provider middleware (installed on every provider through createProviderHost's `prepare`) that keeps
// the session records in step with the provider: an authorization that issued a code records the session
// (a new login once, or one more client for a live session), so does a resume that applied a login without a code
// (it stopped at consent: the session is signed in all the same and must be listed and timed), and a logout
// that destroyed the session ends its row. A code issued by a request in flight on a session ended meanwhile
// (revoked while the request ran) is destroyed before the answer leaves: it can never be exchanged.
// Runs after the provider's own handling (the session is saved by then), and is awaited, so a page listing
// sessions right after a sign-in sees it.
import type Provider from "oidc-provider";
import type { KoaContextWithOIDC } from "oidc-provider";
import type { Context, Next } from "koa";
import type { Logger } from "../lib/logger.ts";
import type { SessionRecords } from "../services/sessions/records.ts";

export function createSessionTracking(deps: { sessions: SessionRecords; log: Logger }) {
  return (provider: Provider): void => {
    // only the authorization (/auth), its resume (/auth/:uid) and the logout confirmation (/session/end/confirm)
    // concern it: every other request (the token endpoints' many) passes without another async step
    const concerned = (path: string) => path.startsWith("/auth") || path === "/session/end/confirm";
    provider.use((ctx, next) => (concerned(ctx.path) ? track(ctx, next) : next()));
    async function track(ctx: Context, next: Next): Promise<void> {
      await next();
      // only requests a provider route handled have an OIDC context (`oidc` is defined on ctx by the route)
      const oidc = (ctx as Partial<KoaContextWithOIDC>).oidc;
      if (!oidc) return;
      const session = oidc.session;
      const request = { ip: ctx.ip, userAgent: ctx.get("user-agent") || null };
      const code = Boolean(oidc.entities.AuthorizationCode);
      // a resume whose result also holds a consent applied its login at the resume before (the consent result is
      // merged with the login's): that sign-in was recorded then, this one only adds the client
      const login = oidc.route === "resume" && Boolean(oidc.result?.login) && !oidc.result?.consent;
      if (
        (oidc.route === "authorization" || oidc.route === "resume") &&
        (code || login) &&
        session?.accountId &&
        oidc.client &&
        !(session as { destroyed?: boolean }).destroyed
      ) {
        const recorded = await deps.sessions.recordSignIn({
          uid: session.uid,
          userId: session.accountId,
          clientId: code ? oidc.client.clientId : null,
          remember: !session.transient,
          ...request,
          fresh: login,
        });
        if (!recorded && code) await oidc.entities.AuthorizationCode!.destroy();
      } else if (oidc.route === "end_session_confirm" && session?.accountId && (session as { destroyed?: boolean }).destroyed) {
        await deps.sessions.loggedOut(session.uid, session.accountId, request);
      }
    }
  };
}
