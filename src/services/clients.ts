// OIDC clients: registration (secret shown once, only its SHA-256 kept), and the metadata oidc-provider sees.
// Rows are cached briefly per process (cacheSeconds): an update, secret rotation or delete clears this process's
// entry at once; other processes see it within cacheSeconds. A secret is checked against its hash, so the
// plaintext never rests. A deleted client is unknown to oidc-provider: it can no longer authenticate, start a
// login or refresh a token.
import { LRUCache } from "lru-cache";
import { z } from "zod";
import { constantTimeEqual, randomToken, sha256 } from "../lib/crypto.ts";
import type { Clock } from "../lib/clock.ts";
import type { ClientQueries, OidcClient } from "../queries/clients.ts";
import { PERMISSION_NAMESPACE, isReservedNamespace, namespacesOverlap } from "../authz/namespaces.ts";
import { clientUriProblem, isHttpsLoopback, isPrivateUseUri, type UriKind } from "./client-uris.ts";
import { nameText } from "./names.ts";

export const GRANT_TYPES = ["authorization_code", "refresh_token", "client_credentials"] as const;

/** a client URI checked by client-uris.ts (https, loopback http; private-use schemes for redirects) */
const clientUri = (kind: UriKind) =>
  z
    .string()
    .max(2000)
    .superRefine((uri, ctx) => {
      const problem = clientUriProblem(uri, kind);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .meta({ format: "uri" });
const redirectUri = clientUri("redirect");

type UriLists = { type: "confidential" | "public"; redirectUris: string[]; postLogoutRedirectUris: string[] };

/**
 * private-use schemes (com.example.app:/cb) only for public clients; such a client is native to oidc-provider,
 * which then refuses https on loopback hosts (RFC 8252 8.4), so those are refused here with a clear message
 */
function checkNativeUris(c: UriLists, ctx: z.RefinementCtx): void {
  const lists = [
    ["redirectUris", c.redirectUris],
    ["postLogoutRedirectUris", c.postLogoutRedirectUris],
  ] as const;
  const native = lists.some(([, uris]) => uris.some(isPrivateUseUri));
  for (const [field, uris] of lists) {
    uris.forEach((uri, i) => {
      if (c.type === "confidential" && isPrivateUseUri(uri)) {
        ctx.addIssue({
          code: "custom",
          path: [field, i],
          message: "a private-use scheme (com.example.app:/...) is for public (native) clients only",
        });
      } else if (c.type === "public" && native && isHttpsLoopback(uri)) {
        ctx.addIssue({
          code: "custom",
          path: [field, i],
          message: "an app with a private-use scheme may not also use https on a loopback host (use http there)",
        });
      }
    });
  }
}

/** oidc-provider's application_type: native when a public client uses a private-use scheme, web otherwise */
export function applicationTypeOf(c: UriLists): "native" | "web" {
  return c.type === "public" && [...c.redirectUris, ...c.postLogoutRedirectUris].some(isPrivateUseUri) ? "native" : "web";
}

/** the ID token algorithms a client may ask besides the default (SIGNING_ALG): services/signing-keys.ts keeps RS256 keys */
export const ID_TOKEN_ALGS = ["RS256"] as const;

export const newClientSchema = z
  .object({
    name: nameText("Client names").trim().min(1).max(100),
    type: z.enum(["confidential", "public"]),
    redirectUris: z.array(redirectUri).default([]),
    postLogoutRedirectUris: z.array(redirectUri).default([]),
    grantTypes: z.array(z.enum(GRANT_TYPES)).min(1).default(["authorization_code", "refresh_token"]),
    scope: z
      .string()
      .trim()
      .regex(/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/, "space-separated scope tokens")
      .default("openid profile email offline_access roles"),
    resources: z.array(z.url()).default([]),
    firstParty: z.boolean().default(false),
    backchannelLogoutUri: clientUri("backchannel").nullable().default(null),
    /** the namespace of permissions this client may register through the API, e.g. "acme.blog" */
    permissionNamespace: z
      .string()
      .max(100)
      .regex(PERMISSION_NAMESPACE, "lower-case dotted words, like acme.blog")
      .refine((ns) => !isReservedNamespace(ns), "the gatehouse namespace is reserved for Gatehouse itself")
      .nullable()
      .default(null),
    /** ID tokens signed with RS256 for a relying party that accepts nothing else; null: SIGNING_ALG */
    idTokenSigningAlg: z.enum(ID_TOKEN_ALGS).nullable().default(null),
    /** sign-out (and any end of the session) ends this client's tokens, offline_access included; by default they outlive it */
    endsWithSession: z.boolean().default(false),
    /** asking offline_access counts as asking consent: a refresh token without prompt=consent (first-party clients always) */
    offlineAccessWithoutPrompt: z.boolean().default(false),
  })
  .refine((c) => !c.grantTypes.includes("authorization_code") || c.redirectUris.length > 0, {
    message: "authorization_code needs at least one redirect URI",
    path: ["redirectUris"],
  })
  .refine((c) => c.type === "confidential" || !c.grantTypes.includes("client_credentials"), {
    message: "public clients cannot use client_credentials",
    path: ["grantTypes"],
  })
  .superRefine(checkNativeUris);

export type NewClientInput = z.input<typeof newClientSchema>;
/** an edit: every field of a new client except its type (a confidential client stays confidential) */
export type ClientEditInput = Omit<NewClientInput, "type">;

/** a permission namespace that another client already has (or that contains or lies inside one) */
export class ClientNamespaceError extends Error {
  readonly code = "client.namespace_taken";
  constructor(
    readonly namespace: string,
    readonly takenBy: string,
  ) {
    super(`the permission namespace "${namespace}" overlaps the namespace of client ${takenBy}`);
    this.name = "ClientNamespaceError";
  }
}

/** what oidc-provider's Client model gets for a row */
export type ClientMetadata = Record<string, unknown> & { client_id: string };

/** the shape of the client ids Gatehouse hands out (randomToken: base64url), with room for unreserved characters */
const CLIENT_ID = /^[\w.~-]{1,128}$/;

/**
 * a new client id: 128 random bits as base64url, drawn again when it would begin with "-" (a command line,
 * `gatehouse clients update <id>` among them, would read it as an option; 1 id in 64 did)
 */
export function newClientId(): string {
  for (;;) {
    const id = randomToken(16);
    if (!id.startsWith("-")) return id;
  }
}

export function createClientService(deps: { queries: ClientQueries; clock: Clock; cacheSeconds?: number }) {
  const { queries, clock } = deps;
  const cache = new LRUCache<string, { row: OidcClient | null }>({ max: 5000, ttl: (deps.cacheSeconds ?? 5) * 1000 });
  // oidc-provider compares client_secret itself; when the presented secret matches the stored hash we hand it
  // the presented value, otherwise this per-process random value that nobody can present
  const unguessable = randomToken(32);

  async function row(id: string): Promise<OidcClient | null> {
    // an id that Gatehouse never hands out is unknown without a query (and fills no cache entry): a NUL or other
    // odd character from a token request's body never reaches Postgres
    if (!CLIENT_ID.test(id)) return null;
    const hit = cache.get(id);
    if (hit) return hit.row;
    const found = await queries.findById(id);
    cache.set(id, { row: found });
    return found;
  }

  /** two clients never contend for one code: their namespaces may not overlap */
  async function checkNamespace(namespace: string | null, self: string | null): Promise<void> {
    if (!namespace) return;
    const other = (await queries.list()).find(
      (o) => o.id !== self && o.permissionNamespace && namespacesOverlap(o.permissionNamespace, namespace),
    );
    if (other) throw new ClientNamespaceError(namespace, other.id);
  }

  return {
    async create(input: NewClientInput): Promise<{ client: OidcClient; secret: string | null }> {
      const c = newClientSchema.parse(input);
      await checkNamespace(c.permissionNamespace, null);
      const secret = c.type === "confidential" ? randomToken(32) : null;
      const client = await queries.create({
        id: newClientId(),
        name: c.name,
        type: c.type,
        secretHash: secret ? sha256(secret) : null,
        tokenEndpointAuthMethod: c.type === "confidential" ? "client_secret_basic" : "none",
        redirectUris: c.redirectUris,
        postLogoutRedirectUris: c.postLogoutRedirectUris,
        grantTypes: c.grantTypes,
        scope: c.scope,
        resources: c.resources,
        firstParty: c.firstParty,
        backchannelLogoutUri: c.backchannelLogoutUri,
        permissionNamespace: c.permissionNamespace,
        idTokenSigningAlg: c.idTokenSigningAlg,
        endsWithSession: c.endsWithSession,
        offlineAccessWithoutPrompt: c.offlineAccessWithoutPrompt,
      });
      return { client, secret };
    },

    async rotateSecret(id: string): Promise<string> {
      const secret = randomToken(32);
      await queries.setSecretHash(id, sha256(secret), clock.now());
      cache.delete(id);
      return secret;
    },

    /**
     * changes a client's settings, validated like a new client of its type (ZodError on bad input); undefined
     * when there is no such client. The change is visible to oidc-provider in this process at once.
     */
    async update(id: string, input: ClientEditInput): Promise<OidcClient | undefined> {
      const existing = await queries.findById(id);
      if (!existing) return undefined;
      const c = newClientSchema.parse({ ...input, type: existing.type });
      await checkNamespace(c.permissionNamespace, id);
      const updated = await queries.update(id, {
        name: c.name,
        redirectUris: c.redirectUris,
        postLogoutRedirectUris: c.postLogoutRedirectUris,
        grantTypes: c.grantTypes,
        scope: c.scope,
        resources: c.resources,
        firstParty: c.firstParty,
        backchannelLogoutUri: c.backchannelLogoutUri,
        permissionNamespace: c.permissionNamespace,
        idTokenSigningAlg: c.idTokenSigningAlg,
        endsWithSession: c.endsWithSession,
        offlineAccessWithoutPrompt: c.offlineAccessWithoutPrompt,
      });
      cache.delete(id);
      return updated;
    },

    /** deletes a client (false when there was none): it can no longer authenticate, start logins or refresh tokens */
    async remove(id: string): Promise<boolean> {
      const deleted = await queries.delete(id);
      cache.delete(id);
      return deleted > 0;
    },

    /** every registered client, oldest first */
    list: () => queries.list(),

    find: row,

    /** oidc-provider metadata for a client, with the secret as explained above */
    async metadata(id: string, presentedSecret: string | undefined): Promise<ClientMetadata | undefined> {
      const c = await row(id);
      if (!c || c.disabled) return undefined;
      const secretMatches = Boolean(c.secretHash && presentedSecret && constantTimeEqual(sha256(presentedSecret), c.secretHash));
      return {
        client_id: c.id,
        client_name: c.name,
        application_type: applicationTypeOf(c),
        ...(c.secretHash ? { client_secret: secretMatches ? presentedSecret : unguessable } : {}),
        token_endpoint_auth_method: c.tokenEndpointAuthMethod,
        redirect_uris: c.redirectUris,
        post_logout_redirect_uris: c.postLogoutRedirectUris,
        grant_types: c.grantTypes,
        response_types: c.grantTypes.includes("authorization_code") ? ["code"] : [],
        scope: c.scope,
        ...(c.backchannelLogoutUri ? { backchannel_logout_uri: c.backchannelLogoutUri, backchannel_logout_session_required: true } : {}),
        ...(c.idTokenSigningAlg ? { id_token_signed_response_alg: c.idTokenSigningAlg } : {}),
        gatehouse_first_party: c.firstParty,
        gatehouse_ends_with_session: c.endsWithSession,
        gatehouse_resources: c.resources,
      };
    },

    forget: (id: string) => cache.delete(id),
  };
}

export type ClientService = ReturnType<typeof createClientService>;
