// What an admin may send for an upstream connector (connectors.ts), checked the same on every surface (admin
// pages, REST API, CLI): a new connector (from a preset or custom) and a change (it names only what it changes).
// Upstream URLs are https (http only on a loopback host); the SSRF check of their hosts is connector-settings.ts.
import { z } from "zod";
import { PRESETS } from "./presets.ts";
import { samlFields } from "./saml-settings.ts";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);
/** an upstream's URL: https, or http on a loopback host (development and tests) */
export const upstreamUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK.has(url.hostname));
    } catch {
      return false;
    }
  }, "must be an https URL (http only on a loopback host)");
const scopeToken = z
  .string()
  .regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, "a scope is one token without spaces or quotes")
  .max(200);
const claimName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.:-]{1,100}$/, "a claim name (letters, digits, _ . : -)");
export const claimsMappingSchema = z
  .object({
    subject: claimName.optional(),
    email: claimName.optional(),
    emailVerified: claimName.optional(),
    name: claimName.optional(),
    username: claimName.optional(),
    /** the upstream groups for team roles (#17 item 3, group-roles.ts): OIDC claim or SAML attribute */
    groups: claimName.optional(),
  })
  .strict();

const settingsFields = {
  name: z.string().trim().min(1, "a name is required").max(80),
  enabled: z.boolean(),
  kind: z.enum(["oidc", "oauth2", "saml"]),
  issuer: upstreamUrl.nullable(),
  authorizationEndpoint: upstreamUrl.nullable(),
  tokenEndpoint: upstreamUrl.nullable(),
  userinfoEndpoint: upstreamUrl.nullable(),
  emailsEndpoint: upstreamUrl.nullable(),
  clientId: z.string().trim().min(1, "a client id is required").max(500),
  clientSecret: z.string().min(1, "a client secret is required").max(2000),
  scopes: z.array(scopeToken).max(30),
  claimsMapping: claimsMappingSchema,
  trustEmailVerified: z.boolean(),
  samlCertificates: samlFields.samlCertificates.unwrap(),
  /** how Gatehouse authenticates at the upstream's token endpoint; private_key_jwt (oidc only) needs no secret */
  tokenAuthMethod: z.enum(["client_secret_post", "client_secret_basic", "private_key_jwt"]),
};
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{1,39}$/;
export const newConnectorSchema = z.object({
  slug: z.string().trim().regex(SLUG_PATTERN, "2-40 lowercase letters, digits or -"),
  preset: z.enum(PRESETS).optional(),
  ...(Object.fromEntries(Object.entries(settingsFields).map(([k, v]) => [k, v.optional()])) as {
    [K in keyof typeof settingsFields]: z.ZodOptional<(typeof settingsFields)[K]>;
  }),
  idpMetadata: samlFields.idpMetadata,
  idpEntityId: samlFields.idpEntityId,
});
export const connectorChangesSchema = z
  .object(settingsFields)
  .partial()
  .extend({ idpMetadata: samlFields.idpMetadata, idpEntityId: samlFields.idpEntityId });
export type NewConnectorInput = z.infer<typeof newConnectorSchema>;
export type ConnectorChanges = z.infer<typeof connectorChangesSchema>;
/** how Gatehouse authenticates at the upstream's token endpoint */
export type TokenAuthMethod = z.infer<typeof settingsFields.tokenAuthMethod>;
