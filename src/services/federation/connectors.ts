// The provider admins' upstream-connector actions (#17), one use case for the admin pages, the REST API and the
// CLI: list, create (from a preset or custom), change (a change names only what it changes; no secret: keep
// it), delete (refused while accounts are linked: disable it instead). The client secret is encrypted with the
// master key (bound to the connector's id) and never shown back; a private_key_jwt connector (oidc) needs none:
// it gets a signing key pair instead (connector-keys.ts), rotated with rotateKey / removeOldKeys. Each action is
// audited as connector.<action> with the admin and the surface (`via`). Outcomes are unions, worded for every surface alike.
import { shortLived } from "../../lib/short-lived.ts";
import { z } from "zod";
import type { AdminActor } from "../admin-actor.ts";
import type { AuditService } from "../audit.ts";
import { decryptSecret, encryptSecret, randomUuid } from "../../lib/crypto.ts";
import {
  isRestricted,
  isUniqueViolation,
  type ConnectorData,
  type ConnectorRow,
  type UpstreamConnectorQueries,
} from "../../queries/upstream-connectors.ts";
import { PRESET_SETTINGS, PRESETS, type ConnectorSettings } from "./presets.ts";
import { upstreamAddressProblem } from "./outbound.ts";
import { completeSaml, samlFields, samlSettingsOf } from "./saml-settings.ts";
import { currentKeyOf, keySummaryOf, newConnectorKey, signingKeyOf, withoutOldKeys } from "./connector-keys.ts";

export type ConnectorActor = AdminActor & { via: "admin_page" | "api" | "cli"; apiClientId?: string };

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

export type Invalid = { outcome: "invalid"; field: string; message: string };
const invalid = (field: string, message: string): Invalid => ({ outcome: "invalid", field, message });

const URL_FIELDS = ["issuer", "authorizationEndpoint", "tokenEndpoint", "userinfoEndpoint", "emailsEndpoint"] as const;

/** what a connector must have to be used: an issuer (oidc) or its endpoints (oauth2); oidc always asks for openid */
function complete(s: ConnectorSettings, allowPrivate: boolean): ConnectorSettings | Invalid {
  // SSRF (outbound.ts): in production no upstream URL may name a loopback, private or special-use host
  for (const f of allowPrivate ? [] : URL_FIELDS.filter((f) => s.kind !== "saml" || f === "authorizationEndpoint")) {
    const problem = s[f] ? upstreamAddressProblem(s[f]) : null;
    if (problem) return invalid(f, `${f} ${problem}`);
  }
  if (s.kind === "saml") return completeSaml(s);
  if (s.kind === "oidc" && !s.issuer)
    return invalid("issuer", "an OpenID Connect connector needs its issuer (discovery at issuer/.well-known/openid-configuration)");
  if (s.kind === "oauth2") {
    for (const f of ["authorizationEndpoint", "tokenEndpoint", "userinfoEndpoint"] as const)
      if (!s[f]) return invalid(f, "an OAuth 2.0 connector needs its authorization, token and user-info endpoints");
    if (!s.claimsMapping.subject)
      return invalid(
        "claimsMapping",
        "an OAuth 2.0 connector needs claimsMapping.subject (the user-info field that identifies the user, e.g. id)",
      );
  }
  const scopes = s.kind === "oidc" && !s.scopes.includes("openid") ? ["openid", ...s.scopes] : s.scopes;
  return { ...s, issuer: s.issuer ?? (s.authorizationEndpoint ? new URL(s.authorizationEndpoint).origin : null), scopes };
}

/** what a connector shows: everything but the secret and the private keys (of those only ids and dates) */
export const connectorView = (c: ConnectorRow, now = new Date()) => {
  const { clientSecretEncrypted: _secret, clientKeys: _keys, ...rest } = c;
  return {
    ...rest,
    hasSecret: Boolean(c.clientSecretEncrypted),
    signingKeys: keySummaryOf(c, now),
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
};

type TokenAuthMethod = z.infer<typeof settingsFields.tokenAuthMethod>;
/** the token endpoint's authentication as asked, checked against the kind and what the connector already has */
function tokenAuthProblem(kind: string, method: TokenAuthMethod, hasSecret: boolean): Invalid | null {
  if (method === "private_key_jwt" && kind !== "oidc")
    return invalid("tokenAuthMethod", "private_key_jwt is for OpenID Connect connectors only");
  if (kind !== "saml" && method !== "private_key_jwt" && !hasSecret)
    return invalid("clientSecret", "a client secret is required (or choose private_key_jwt)");
  return null;
}
export type ConnectorView = ReturnType<typeof connectorView>;

const settingsOf = (c: ConnectorRow): ConnectorSettings => ({
  kind: c.kind as ConnectorSettings["kind"],
  issuer: c.issuer,
  authorizationEndpoint: c.authorizationEndpoint,
  tokenEndpoint: c.tokenEndpoint,
  userinfoEndpoint: c.userinfoEndpoint,
  emailsEndpoint: c.emailsEndpoint,
  scopes: c.scopes,
  claimsMapping: c.claimsMapping,
  trustEmailVerified: c.trustEmailVerified,
  samlCertificates: c.samlCertificates,
});
const secretPurpose = (id: string) => `upstream-connector:${id}`;
const ENABLED_CACHE_MS = 5000;

/** `allowPrivate`: upstream URLs may name loopback or private hosts (outside production, or OUTBOUND_ALLOW_PRIVATE) */
export function createConnectorAdmin(deps: {
  queries: UpstreamConnectorQueries;
  audit: AuditService;
  masterKey: Buffer;
  clock: { now(): Date };
  allowPrivate: boolean;
}) {
  const { queries } = deps;
  const audited = (
    type: string,
    c: Pick<ConnectorRow, "id" | "slug" | "name">,
    actor: ConnectorActor,
    data: Record<string, unknown> = {},
  ) =>
    deps.audit.record({
      type,
      outcome: "success",
      actorId: actor.actorId,
      ip: actor.ip ?? null,
      userAgent: actor.userAgent ?? null,
      data: {
        connectorId: c.id,
        slug: c.slug,
        name: c.name,
        ...data,
        via: actor.via,
        ...(actor.apiClientId ? { apiClientId: actor.apiClientId } : {}),
      },
    });

  // the sign-in page's buttons: read at most every ENABLED_CACHE_MS per process (a change shows within that)
  const enabledRows = shortLived(
    () => queries.listEnabled(),
    ENABLED_CACHE_MS,
    () => deps.clock.now().getTime(),
  );
  const forget = enabledRows.forget;

  async function changeKeys(
    id: string,
    actor: ConnectorActor,
    type: string,
    next: (c: ConnectorRow) => ConnectorRow["clientKeys"],
  ): Promise<{ outcome: "updated"; connector: ConnectorRow } | { outcome: "not_found" } | Invalid> {
    const current = await queries.find(id);
    if (!current) return { outcome: "not_found" };
    if (current.tokenAuthMethod !== "private_key_jwt")
      return invalid("tokenAuthMethod", "this connector does not use private_key_jwt: it has no signing keys");
    const clientKeys = next(current);
    const updated = await queries.update(id, { clientKeys });
    if (!updated) return { outcome: "not_found" };
    await audited(type, updated, actor, {
      kids: clientKeys.map((k) => k.kid),
      removed: current.clientKeys.filter((k) => !clientKeys.includes(k)).map((k) => k.kid),
    });
    return { outcome: "updated", connector: updated };
  }

  return {
    list: () => queries.list(),
    /** the enabled connectors, by name (cached for a few seconds: every sign-in page shows them) */
    enabled: (): Promise<ConnectorRow[]> => enabledRows.get(),
    find: (id: string) => queries.find(id),
    findBySlug: (slug: string) => queries.findBySlug(slug),
    /** the decrypted client secret, for the upstream exchange only (never shown) */
    secretOf: (c: ConnectorRow) =>
      c.clientSecretEncrypted ? decryptSecret(deps.masterKey, c.clientSecretEncrypted, secretPurpose(c.id)) : "",
    /** private_key_jwt: the current private key, for the client assertion at the upstream's token endpoint only */
    signingKeyOf: (c: ConnectorRow) => signingKeyOf(deps.masterKey, c, deps.clock.now()),
    /** private_key_jwt: the id of the key that signs now (it changes PUBLISH_LEAD_MS after a rotation) */
    signingKidOf: (c: ConnectorRow) => currentKeyOf(c, deps.clock.now())?.kid ?? null,

    async create(
      input: NewConnectorInput,
      actor: ConnectorActor,
    ): Promise<{ outcome: "created"; connector: ConnectorRow } | Invalid | { outcome: "slug_taken" }> {
      const preset = input.preset ? PRESET_SETTINGS[input.preset] : undefined;
      const kind = input.kind ?? "oidc";
      // a custom OpenID Connect upstream asks for the standard scopes unless told otherwise
      const base: ConnectorSettings = preset?.settings ?? {
        kind,
        issuer: null,
        authorizationEndpoint: null,
        tokenEndpoint: null,
        userinfoEndpoint: null,
        emailsEndpoint: null,
        scopes: kind === "oidc" ? ["openid", "email", "profile"] : [],
        claimsMapping: {},
        trustEmailVerified: false,
        samlCertificates: [],
      };
      if (preset && input.kind && input.kind !== base.kind) return invalid("kind", `the ${input.preset} preset is ${base.kind}`);
      const name = input.name ?? preset?.name;
      if (!name) return invalid("name", "a name is required");
      const saml = kind === "saml" ? samlSettingsOf(input, upstreamUrl) : {};
      if ("outcome" in saml) return saml;
      if (kind !== "saml" && !input.clientId) return invalid("clientId", "a client id is required");
      const tokenAuthMethod = input.tokenAuthMethod ?? "client_secret_post";
      const authProblem = tokenAuthProblem(kind, tokenAuthMethod, Boolean(input.clientSecret));
      if (authProblem) return authProblem;
      const merged = { ...base } as ConnectorSettings;
      for (const key of Object.keys(base) as (keyof ConnectorSettings)[])
        if (input[key] !== undefined) Object.assign(merged, { [key]: input[key] });
      Object.assign(merged, saml);
      const settings = complete(merged, deps.allowPrivate);
      if ("outcome" in settings) return settings;
      const id = randomUuid();
      const data: ConnectorData = {
        ...settings,
        slug: input.slug,
        name,
        preset: input.preset ?? null,
        enabled: input.enabled ?? true,
        clientId: input.clientId ?? "",
        // a SAML connector has no secret
        clientSecretEncrypted: input.clientSecret ? encryptSecret(deps.masterKey, input.clientSecret, secretPurpose(id)) : "",
        tokenAuthMethod,
        clientKeys: tokenAuthMethod === "private_key_jwt" ? [newConnectorKey(deps.masterKey, id, deps.clock.now())] : [],
      };
      try {
        const connector = await queries.create(id, data);
        forget();
        await audited("connector.created", connector, actor, { kind: connector.kind, preset: connector.preset ?? "custom" });
        return { outcome: "created", connector };
      } catch (err) {
        if (isUniqueViolation(err)) return { outcome: "slug_taken" };
        throw err;
      }
    },

    /** changes what `changes` names (undefined: keep; no clientSecret: keep the secret) */
    async update(
      id: string,
      changes: ConnectorChanges,
      actor: ConnectorActor,
    ): Promise<{ outcome: "updated"; connector: ConnectorRow } | Invalid | { outcome: "not_found" }> {
      const current = await queries.find(id);
      if (!current) return { outcome: "not_found" };
      const merged = settingsOf(current);
      for (const key of Object.keys(merged) as (keyof ConnectorSettings)[])
        if (changes[key] !== undefined) Object.assign(merged, { [key]: changes[key] });
      if (merged.kind === "saml") {
        const saml = samlSettingsOf(changes, upstreamUrl);
        if ("outcome" in saml) return saml;
        Object.assign(merged, saml);
      }
      const settings = complete(merged, deps.allowPrivate);
      if ("outcome" in settings) return settings;
      const tokenAuthMethod = changes.tokenAuthMethod ?? (current.tokenAuthMethod as TokenAuthMethod);
      const authProblem = tokenAuthProblem(merged.kind, tokenAuthMethod, Boolean(changes.clientSecret || current.clientSecretEncrypted));
      if (authProblem) return authProblem;
      // switched to private_key_jwt: its first key pair (the admin registers the JWKS URL at the upstream)
      const firstKey =
        tokenAuthMethod === "private_key_jwt" && !current.clientKeys.length
          ? { clientKeys: [newConnectorKey(deps.masterKey, id, deps.clock.now())] }
          : {};
      const updated = await queries.update(id, {
        ...firstKey,
        ...(changes.tokenAuthMethod !== undefined ? { tokenAuthMethod } : {}),
        ...settings,
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.enabled !== undefined ? { enabled: changes.enabled } : {}),
        ...(changes.clientId !== undefined ? { clientId: changes.clientId } : {}),
        ...(changes.clientSecret !== undefined
          ? { clientSecretEncrypted: encryptSecret(deps.masterKey, changes.clientSecret, secretPurpose(id)) }
          : {}),
      });
      if (!updated) return { outcome: "not_found" };
      forget();
      const changed = Object.keys(changes)
        .filter((k) => changes[k as keyof ConnectorChanges] !== undefined)
        .sort();
      await audited(changes.enabled === false ? "connector.disabled" : "connector.updated", updated, actor, {
        changed,
        enabled: updated.enabled,
      });
      return { outcome: "updated", connector: updated };
    },

    /** private_key_jwt: a new key, published now, signing once published PUBLISH_LEAD_MS; the older ones stay published until removeOldKeys */
    rotateKey: (id: string, actor: ConnectorActor) =>
      changeKeys(id, actor, "connector.key_rotated", (c) => [newConnectorKey(deps.masterKey, c.id, deps.clock.now()), ...c.clientKeys]),
    /** private_key_jwt: the keys older than the one signing now are no longer published */
    removeOldKeys: (id: string, actor: ConnectorActor) =>
      changeKeys(id, actor, "connector.keys_removed", (c) => withoutOldKeys(c, deps.clock.now())),

    /** refused while accounts are linked through it (they would lose that way in): disable it instead */
    async remove(
      id: string,
      actor: ConnectorActor,
    ): Promise<{ outcome: "deleted" } | { outcome: "not_found" } | { outcome: "in_use"; linked: number }> {
      const connector = await queries.find(id);
      if (!connector) return { outcome: "not_found" };
      const linked = await queries.countLinked(id);
      if (linked > 0) return { outcome: "in_use", linked };
      // a link made since the count: the foreign key refuses the delete
      const removed = await queries.remove(id).catch(async (err: unknown) => {
        if (isRestricted(err)) return "in_use" as const;
        throw err;
      });
      if (removed === "in_use") return { outcome: "in_use", linked: await queries.countLinked(id) };
      if (!removed) return { outcome: "not_found" };
      forget();
      await audited("connector.deleted", connector, actor, { kind: connector.kind });
      return { outcome: "deleted" };
    },
  };
}

export type ConnectorAdmin = ReturnType<typeof createConnectorAdmin>;
