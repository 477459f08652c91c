// The admin clients API's schemas: what an admin sees of a client (never its secret hash; the one-time secret only
// in the answers to registering and rotating), and the bodies of registering and changing one. The body fields
// are the client service's own field rules (newClientSchema's fields: redirect URIs as client-uris.ts allows, grant
// types, back-channel logout URI, permission namespace outside gatehouse.*); its rules across fields (a code
// flow needs a redirect URI, a public client no client_credentials) and the namespace overlap are checked by
// the service itself, and the resources against the configured resource servers by the route, as the admin
// Clients screen does. The scope is not set through the API (nor on the screen): a change keeps the client's.
import { z } from "zod";
import { when } from "../schemas.ts";
import { GRANT_TYPES, newClientSchema } from "../../../../services/clients.ts";
import type { OidcClient } from "../../../../queries/clients.ts";
import { clientView as view } from "../../../../services/client-view.ts";

const field = newClientSchema.shape;
const URI_RULE =
  "Each https, or http on 127.0.0.1, [::1] or localhost, or for a public (native) client a private-use scheme like com.example.app:/callback; no fragment, no user name or password.";

export const adminClient = z
  .object({
    id: z.string().meta({ description: "the OAuth client_id" }),
    name: z.string(),
    type: z.enum(["confidential", "public"]),
    tokenEndpointAuthMethod: z.string().meta({ example: "client_secret_basic" }),
    hasSecret: z
      .boolean()
      .meta({ description: "a confidential client's secret exists (it is never shown again after the answer that made it)" }),
    secretRotatedAt: when.nullable().meta({ description: "when the secret was last rotated; null if never" }),
    redirectUris: z.array(z.string()),
    postLogoutRedirectUris: z.array(z.string()),
    grantTypes: z.array(z.string()),
    scope: z.string().meta({ description: "the space-separated scopes the client may ask for" }),
    resources: z.array(z.string()).meta({ description: "resource indicators (APIs) the client may get access tokens for" }),
    firstParty: z.boolean().meta({ description: "no consent page" }),
    backchannelLogoutUri: z.string().nullable(),
    permissionNamespace: z
      .string()
      .nullable()
      .meta({ description: "the namespace whose permissions the client may register (PUT /api/v1/permissions)" }),
    endsWithSession: z.boolean().meta({
      description:
        "sign-out (or any end of the user's session) ends the client's tokens, refresh tokens with offline_access too; false: offline_access outlives the session",
    }),
    idTokenSigningAlg: z.enum(["RS256"]).nullable().meta({
      description: "RS256: the client's ID tokens are signed with RS256; null: with the provider's SIGNING_ALG (ES256 by default)",
    }),
    offlineAccessWithoutPrompt: z.boolean().meta({
      description:
        "asking offline_access is enough for a refresh token (the user confirms on the consent page), without prompt=consent; first-party clients always may",
    }),
    disabled: z.boolean(),
    createdAt: when,
    updatedAt: when,
  })
  .meta({ id: "AdminClient" });

/** the AdminClient answer: the one view of a client that every surface shows (services/client-view.ts) */
export const clientView = (c: OidcClient): z.input<typeof adminClient> => view(c);

const secret = z.string().meta({ description: "the client secret: shown in this answer only (only its hash is kept)" });

export const createdClient = z
  .object({
    client: adminClient,
    secret: secret.nullable().meta({ description: "a confidential client's secret, shown in this answer only; null for a public client" }),
  })
  .meta({ id: "AdminClientCreated" });

export const rotatedSecret = z.object({ clientId: z.string(), secret }).meta({ id: "AdminClientSecret" });

export const clientParams = z.strictObject({ clientId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "is not a client id") });

const fields = {
  redirectUris: field.redirectUris
    .unwrap()
    .max(50)
    .meta({ description: `where the code flow may return; needed with authorization_code. ${URI_RULE}` }),
  postLogoutRedirectUris: field.postLogoutRedirectUris
    .unwrap()
    .max(50)
    .meta({ description: `where a sign-out may return. ${URI_RULE}` }),
  grantTypes: field.grantTypes
    .unwrap()
    .meta({ description: `some of ${GRANT_TYPES.join(", ")}; a public client cannot use client_credentials` }),
  resources: z.array(z.url()).max(20).meta({
    description: "resource servers the client may get access tokens for: among the provider's configured ones (RESOURCE_SERVERS)",
  }),
  firstParty: field.firstParty.unwrap(),
  backchannelLogoutUri: field.backchannelLogoutUri
    .unwrap()
    .meta({ description: "where Gatehouse posts logout tokens: https, or http on 127.0.0.1, [::1] or localhost; null for none" }),
  permissionNamespace: field.permissionNamespace
    .unwrap()
    .meta({ description: "lower-case dotted words (acme.blog); not gatehouse; may not overlap another client's" }),
  endsWithSession: field.endsWithSession
    .unwrap()
    .meta({ description: "true: sign-out ends the client's refresh tokens, offline_access included" }),
  idTokenSigningAlg: field.idTokenSigningAlg
    .unwrap()
    .meta({ description: "RS256 for a relying party that accepts only RS256 ID tokens; null: the provider's SIGNING_ALG" }),
  offlineAccessWithoutPrompt: field.offlineAccessWithoutPrompt.unwrap().meta({
    description:
      "true: a third-party client gets a refresh token for offline_access without prompt=consent (its user confirms on the consent page)",
  }),
};

export const newClientBody = z
  .strictObject({
    name: field.name,
    type: field.type.meta({ description: "confidential (has a secret) or public (a browser or phone app); cannot be changed later" }),
    redirectUris: fields.redirectUris.default([]),
    postLogoutRedirectUris: fields.postLogoutRedirectUris.default([]),
    grantTypes: fields.grantTypes.default(["authorization_code", "refresh_token"]),
    resources: fields.resources.default([]),
    firstParty: fields.firstParty.default(false),
    backchannelLogoutUri: fields.backchannelLogoutUri.default(null),
    permissionNamespace: fields.permissionNamespace.default(null),
    idTokenSigningAlg: fields.idTokenSigningAlg.default(null),
    endsWithSession: fields.endsWithSession.default(false),
    offlineAccessWithoutPrompt: fields.offlineAccessWithoutPrompt.default(false),
  })
  .meta({ id: "AdminNewClient" });

export const clientChangesBody = z
  .strictObject({
    name: field.name.optional(),
    redirectUris: fields.redirectUris.optional(),
    postLogoutRedirectUris: fields.postLogoutRedirectUris.optional(),
    grantTypes: fields.grantTypes.optional(),
    resources: fields.resources.optional(),
    firstParty: fields.firstParty.optional(),
    backchannelLogoutUri: fields.backchannelLogoutUri.optional(),
    permissionNamespace: fields.permissionNamespace.optional(),
    idTokenSigningAlg: fields.idTokenSigningAlg.optional(),
    endsWithSession: fields.endsWithSession.optional(),
    offlineAccessWithoutPrompt: fields.offlineAccessWithoutPrompt.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, "send at least one field to change")
  .meta({
    id: "AdminClientChanges",
    description:
      "the fields to change; the others keep their values (the type cannot change; null clears the back-channel logout URI, the namespace or the ID token algorithm)",
  });
