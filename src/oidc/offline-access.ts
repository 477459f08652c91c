// Offline access without prompt=consent. oidc-provider drops `offline_access` from an authorization request that
// does not ask `prompt=consent` (OpenID Connect Core 11), so relying parties such as Apache mod_auth_openidc and
// Python Authlib got no refresh token until they added it. Core 11 allows other conditions: for a first-party
// client (which never sees a consent page, the grant is its organisation's), and for a third-party client an
// admin set to `offlineAccessWithoutPrompt`, an authorization request asking `offline_access` is taken as asking
// consent too, so the scope stays; the first-party consent step passes by itself, a third-party client's user sees
// the consent page (which names offline access). Any other third-party client still sends `prompt=consent`.
// `prompt=none` is left alone (it must stand alone). POST /auth arrives here as a GET (authorization-post.ts).
import type { Context, Next } from "koa";
import type Provider from "oidc-provider";

type ClientLookup = (clientId: string) => Promise<{ firstParty: boolean; offlineAccessWithoutPrompt?: boolean } | null | undefined>;

/** whether asking offline_access counts as asking consent for this client */
const mayAskOfflineWithoutPrompt = (c: Awaited<ReturnType<ClientLookup>>) =>
  c?.firstParty === true || c?.offlineAccessWithoutPrompt === true;

export function offlineAccessWithoutPrompt(findClient: ClientLookup) {
  return (provider: Provider): void => {
    // only an authorization request (GET /auth) concerns it: every other request passes without another async step
    provider.use((ctx, next) => (ctx.method === "GET" && ctx.path === "/auth" ? askOfflineWithConsent(ctx, next) : next()));
    async function askOfflineWithConsent(ctx: Context, next: Next): Promise<void> {
      const query = ctx.query;
      const scope = typeof query.scope === "string" ? query.scope.split(" ") : [];
      const prompt = typeof query.prompt === "string" ? query.prompt.split(" ").filter(Boolean) : [];
      const clientId = typeof query.client_id === "string" ? query.client_id : undefined;
      if (
        clientId &&
        scope.includes("offline_access") &&
        !prompt.includes("consent") &&
        !prompt.includes("none") &&
        mayAskOfflineWithoutPrompt(await findClient(clientId))
      ) {
        ctx.query = { ...query, prompt: [...prompt, "consent"].join(" ") };
      }
      await next();
    }
  };
}
