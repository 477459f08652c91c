// A client as administrators see it on every surface (the REST API's AdminClient, the CLI's --json): its settings
// and whether it has a secret, never the secret's hash.
import type { OidcClient } from "../queries/clients.ts";

export type ClientView = ReturnType<typeof clientView>;

export const clientView = (c: OidcClient) => ({
  id: c.id,
  name: c.name,
  type: c.type,
  tokenEndpointAuthMethod: c.tokenEndpointAuthMethod,
  hasSecret: c.secretHash !== null,
  secretRotatedAt: c.secretRotatedAt?.toISOString() ?? null,
  redirectUris: c.redirectUris,
  postLogoutRedirectUris: c.postLogoutRedirectUris,
  grantTypes: c.grantTypes,
  scope: c.scope,
  resources: c.resources,
  firstParty: c.firstParty,
  backchannelLogoutUri: c.backchannelLogoutUri,
  permissionNamespace: c.permissionNamespace,
  idTokenSigningAlg: c.idTokenSigningAlg === "RS256" ? ("RS256" as const) : null,
  endsWithSession: c.endsWithSession,
  offlineAccessWithoutPrompt: c.offlineAccessWithoutPrompt,
  disabled: c.disabled,
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
});
