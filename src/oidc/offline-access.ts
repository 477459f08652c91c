// Offline access for first-party clients without prompt=consent. oidc-provider drops `offline_access` from an
// authorization request that does not ask `prompt=consent` (OpenID Connect Core 11), so relying parties such as
// Apache mod_auth_openidc and Python Authlib got no refresh token until they added it. Core 11 allows other
// conditions: for a first-party client (which never sees a consent page, the grant is its organisation's) an
// authorization request (GET /auth) asking `offline_access` is taken as asking consent too, so the scope stays
// and the consent step passes by itself. A third-party client still sends `prompt=consent` (and its user sees
// the consent page). `prompt=none` is left alone (it must stand alone).
import type Provider from "oidc-provider";

type ClientLookup = (clientId: string) => Promise<{ firstParty: boolean; disabled?: boolean } | null | undefined>;

export function offlineAccessForFirstParty(findClient: ClientLookup) {
  return (provider: Provider): void => {
    provider.use(async (ctx, next) => {
      if (ctx.method === "GET" && ctx.path === "/auth") {
        const query = ctx.query;
        const scope = typeof query.scope === "string" ? query.scope.split(" ") : [];
        const prompt = typeof query.prompt === "string" ? query.prompt.split(" ").filter(Boolean) : [];
        const clientId = typeof query.client_id === "string" ? query.client_id : undefined;
        if (clientId && scope.includes("offline_access") && !prompt.includes("consent") && !prompt.includes("none")
          && (await findClient(clientId))?.firstParty === true) {
          ctx.query = { ...query, prompt: [...prompt, "consent"].join(" ") };
        }
      }
      await next();
    });
  };
}
