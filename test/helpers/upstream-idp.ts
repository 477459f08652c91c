// A real second oidc-provider on loopback (port 0) acting as an upstream company IdP for the federation tests
// (#17). Its interaction pages sign in whoever `idp.user` names at that moment and grant consent at once (a
// headless IdP): the protocol (discovery, PKCE, state, nonce, iss, ID-token signing) is oidc-provider's own.
import http from "node:http";
import type { AddressInfo } from "node:net";
import Provider, { type ClientMetadata } from "oidc-provider";
import { fetch as undiciFetch } from "undici";

/** `groups`: sent with the scope "groups" (the team SSO tests map them to team roles) */
export type UpstreamUser = {
  sub: string;
  email: string;
  email_verified: boolean;
  name?: string;
  preferred_username?: string;
  groups?: string[];
};
export type UpstreamIdp = { issuer: string; clientId: string; clientSecret: string; user: UpstreamUser; close(): Promise<void> };

/** `extraClients`: more registered clients (e.g. a private_key_jwt client whose jwks_uri is Gatehouse's) */
export async function startUpstreamIdp(
  redirectUris: string[],
  user: UpstreamUser,
  extraClients: ClientMetadata[] = [],
): Promise<UpstreamIdp> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = "gatehouse-downstream";
  const clientSecret = "upstream-secret-0123456789abcdef";
  const idp: UpstreamIdp = {
    issuer,
    clientId,
    clientSecret,
    user,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: redirectUris,
        token_endpoint_auth_method: "client_secret_post",
        response_types: ["code"],
        grant_types: ["authorization_code"],
      },
      ...extraClients,
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "preferred_username"], groups: ["groups"] },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    cookies: { keys: ["upstream-test-cookie-key"] },
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ ...idp.user, sub }) }),
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // a private_key_jwt client's jwks_uri is Gatehouse on loopback: oidc-provider's default dispatcher refuses
    // special-use addresses (and comes from the undici package, which Node's own fetch does not take)
    fetch: (url, options) => {
      const { dispatcher: _refusesLoopback, ...rest } = options as RequestInit & { dispatcher?: unknown };
      return undiciFetch(
        url as Parameters<typeof undiciFetch>[0],
        rest as Parameters<typeof undiciFetch>[1],
      ) as unknown as Promise<Response>;
    },
  });
  server.on("request", async (req, res) => {
    if (!req.url?.startsWith("/interaction/")) return provider.callback()(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === "login") {
        await provider.interactionFinished(req, res, { login: { accountId: idp.user.sub } }, { mergeWithLastSubmission: false });
        return;
      }
      const grant = new provider.Grant({ accountId: details.session!.accountId, clientId: String(details.params.client_id) });
      grant.addOIDCScope(String(details.params.scope));
      await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
    } catch (err) {
      res.statusCode = 500;
      res.end(String(err));
    }
  });
  return idp;
}
