// oidc-provider middleware (installed on every provider through createProviderHost's `prepare`) that keeps
// the session records in step with the provider: an authorization that issued a code records the session
// (a new login, or one more client for a live session), and a logout that destroyed the session ends its row.
// Runs after the provider's own handling (the session is saved by then), and is awaited, so a page listing
// sessions right after a sign-in sees it.
import type Provider from "oidc-provider";
import type { KoaContextWithOIDC } from "oidc-provider";
import type { Logger } from "../lib/logger.ts";
import type { SessionRecords } from "../services/sessions/records.ts";

export function createSessionTracking(deps: { sessions: SessionRecords; log: Logger }) {
  return (provider: Provider): void => {
    provider.use(async (ctx, next) => {
      await next();
      // only requests a provider route handled have an OIDC context (`oidc` is defined on ctx by the route)
      const oidc = (ctx as Partial<KoaContextWithOIDC>).oidc;
      if (!oidc) return;
      const session = oidc.session;
      const request = { ip: ctx.ip, userAgent: ctx.get("user-agent") || null };
      if ((oidc.route === "authorization" || oidc.route === "resume") && oidc.entities.AuthorizationCode && session?.accountId && oidc.client) {
        await deps.sessions.recordSignIn({
          uid: session.uid, userId: session.accountId, clientId: oidc.client.clientId, remember: !session.transient,
          ...request, fresh: Boolean(oidc.result?.login),
        });
      } else if (oidc.route === "end_session_confirm" && session?.accountId && (session as { destroyed?: boolean }).destroyed) {
        await deps.sessions.loggedOut(session.uid, session.accountId, request);
      }
    });
  };
}
