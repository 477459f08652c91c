// The protocol with upstream identity providers (#17), through openid-client: discovery (OpenID Connect) or the
// connector's own endpoints (OAuth 2.0), PKCE S256, state and nonce, RFC 9207 `iss` checks and ID-token
// validation (signature against the upstream's JWKS, alg, iss, aud, exp, nonce) are openid-client's. Every call
// to the upstream is bounded by FEDERATION_UPSTREAM_TIMEOUT. The state is the key of a short-lived, single-use
// Redis record binding the request to the login interaction, its PKCE verifier and nonce.
import * as client from "openid-client";
import type { RedisClient } from "../../db/redis.ts";
import { randomToken } from "../../lib/crypto.ts";
import type { ConnectorRow } from "../../queries/upstream-connectors.ts";
import type { AuditService } from "../audit.ts";
import { profileFrom, type UpstreamProfile } from "./claims.ts";
import { upstreamFetch } from "./outbound.ts";

/** how long a started upstream sign-in may take, seconds */
export const UPSTREAM_STATE_TTL = 600;
const CONFIG_CACHE_MS = 10 * 60 * 1000;

export type Started = { outcome: "redirect"; url: string } | { outcome: "unavailable"; detail: string };
export type FinishFailure = {
  outcome: "failed";
  reason:
    | "state"
    | "disabled"
    | "cancelled"
    | "upstream_error"
    | "token_invalid"
    | "unavailable"
    | "profile"
    | "assertion_invalid"
    | "replayed"
    | "malformed";
  detail: string;
  connector?: ConnectorRow;
};
export type Finished = { outcome: "ok"; connector: ConnectorRow; profile: UpstreamProfile };
type StateRecord = { uid: string; connectorId: string; verifier: string; nonce?: string };

export type ConnectorSource = {
  find(id: string): Promise<ConnectorRow | null>;
  secretOf(c: ConnectorRow): string;
  signingKeyOf(c: ConnectorRow): Promise<{ key: client.CryptoKey; kid: string }>;
  signingKidOf(c: ConnectorRow): string | null;
};

const insecure = (url: string | null) => Boolean(url && new URL(url).protocol === "http:");
/** the upstream did not answer (timeout, refused connection, network error), as opposed to answering wrongly */
function isUnreachable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = String((e as { code?: unknown }).code ?? "");
    if (e.name === "TimeoutError" || e.name === "AbortError" || /timed out|timeout|fetch failed/i.test(e.message)) return true;
    if (/^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|UND_ERR_\w+)$/.test(code)) return true;
  }
  return false;
}

/** what went wrong, for the audit log: openid-client's own words and the check that failed (its cause) */
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err).slice(0, 300);
  // the upstream's own OAuth error code (invalid_client, invalid_grant...): what the admin needs to act on
  if (err instanceof client.ResponseBodyError)
    return `${err.message}: ${err.error}${err.error_description ? `: ${err.error_description}` : ""}`.slice(0, 300);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : "";
  return `${err.message}${cause}`.slice(0, 300);
}

/** `allowPrivate`: upstreams may be on loopback or private addresses (outside production, or OUTBOUND_ALLOW_PRIVATE; outbound.ts) */
export function createUpstream(deps: {
  redis: RedisClient;
  connectors: ConnectorSource;
  audit: Pick<AuditService, "record">;
  issuer: string;
  timeoutSeconds: number;
  allowPrivate: boolean;
  now?: () => number;
}) {
  const { redis } = deps;
  const guardedFetch = upstreamFetch(deps.allowPrivate);
  const fetchOption = guardedFetch ? { [client.customFetch]: guardedFetch } : {};
  const cache = new Map<string, { config: client.Configuration; at: number }>();
  const stateKey = (state: string) => `federation:state:{${state}}`;
  const now = deps.now ?? Date.now;

  /** where the upstream sends the browser back: register this at the upstream */
  const redirectUri = (slug: string) => `${deps.issuer}/federation/${slug}/callback`;

  /** how the token endpoint learns it is Gatehouse: the client secret (in the body or Basic) or a signed assertion */
  async function clientAuthOf(c: ConnectorRow): Promise<{ metadata: Partial<client.ClientMetadata>; auth: client.ClientAuth }> {
    if (c.tokenAuthMethod === "private_key_jwt") {
      return {
        metadata: { token_endpoint_auth_method: "private_key_jwt" },
        auth: client.PrivateKeyJwt(await deps.connectors.signingKeyOf(c)),
      };
    }
    const secret = deps.connectors.secretOf(c);
    const basic = c.tokenAuthMethod === "client_secret_basic";
    return {
      metadata: { client_secret: secret, token_endpoint_auth_method: c.tokenAuthMethod },
      auth: basic ? client.ClientSecretBasic(secret) : client.ClientSecretPost(secret),
    };
  }

  async function configurationFor(c: ConnectorRow): Promise<client.Configuration> {
    // the signing key changes some minutes after a rotation, with no change to the row
    const key = `${c.id}:${c.updatedAt.getTime()}:${c.tokenAuthMethod === "private_key_jwt" ? deps.connectors.signingKidOf(c) : ""}`;
    const hit = cache.get(key);
    if (hit && now() - hit.at < CONFIG_CACHE_MS) return hit.config;
    const { metadata, auth } = await clientAuthOf(c);
    let config: client.Configuration;
    if (c.kind === "oidc") {
      config = await client.discovery(new URL(c.issuer!), c.clientId, metadata, auth, {
        timeout: deps.timeoutSeconds,
        ...fetchOption,
        ...(insecure(c.issuer) ? { execute: [client.allowInsecureRequests] } : {}),
      });
      // the ID token's signature is checked against the upstream's JWKS too (openid-client skips it by default for
      // tokens from the token endpoint, trusting TLS): a token signed by another key or with alg none is refused
      client.enableNonRepudiationChecks(config);
    } else {
      config = new client.Configuration(
        {
          issuer: c.issuer ?? new URL(c.authorizationEndpoint!).origin,
          authorization_endpoint: c.authorizationEndpoint!,
          token_endpoint: c.tokenEndpoint!,
          ...(c.userinfoEndpoint ? { userinfo_endpoint: c.userinfoEndpoint } : {}),
        },
        c.clientId,
        metadata,
        auth,
      );
      if (insecure(c.tokenEndpoint)) client.allowInsecureRequests(config);
    }
    config.timeout = deps.timeoutSeconds;
    if (guardedFetch) config[client.customFetch] = guardedFetch;
    cache.set(key, { config, at: now() });
    return config;
  }

  return {
    redirectUri,
    /** private_key_jwt: the connector's public keys (register this as the client's jwks_uri at the upstream) */
    jwksUri: (slug: string) => `${deps.issuer}/federation/${slug}/jwks`,

    /** the upstream's authorization URL for this interaction; the state record is kept UPSTREAM_STATE_TTL */
    async start(c: ConnectorRow, uid: string): Promise<Started> {
      let config: client.Configuration;
      try {
        config = await configurationFor(c);
      } catch (err) {
        return { outcome: "unavailable", detail: describeError(err) };
      }
      const verifier = client.randomPKCECodeVerifier();
      const state = randomToken(32);
      const nonce = c.kind === "oidc" ? client.randomNonce() : undefined;
      const record: StateRecord = { uid, connectorId: c.id, verifier, ...(nonce ? { nonce } : {}) };
      await redis.set(stateKey(state), JSON.stringify(record), "EX", UPSTREAM_STATE_TTL);
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri(c.slug),
        scope: c.scopes.join(" "),
        state,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: "S256",
        ...(nonce ? { nonce } : {}),
      });
      return { outcome: "redirect", url: url.href };
    },

    /** the interaction a callback's state belongs to (the callback route sends the browser there; nothing is taken) */
    async interactionOf(state: string): Promise<string | null> {
      const raw = await redis.get(stateKey(state));
      return raw ? (JSON.parse(raw) as StateRecord).uid : null;
    },

    /**
     * a callback refused before it reached a sign-in: its state (or a SAML RelayState) names no started sign-in
     * (forged, spent or expired), or the answer is malformed. Audited; nothing else happens
     */
    async strayCallback(
      slug: string,
      request: { ip: string | null; userAgent: string | null },
      reason = "upstream.state",
      detail?: string,
    ): Promise<void> {
      await deps.audit.record({
        type: "login.failed",
        outcome: "failure",
        ip: request.ip,
        userAgent: request.userAgent,
        data: { method: "upstream", connector: slug.slice(0, 40), reason, ...(detail ? { detail } : {}) },
      });
    },

    /**
     * the upstream's answer for interaction `uid`: the state is taken (single use) and must belong to it; then the
     * code is exchanged and the user's profile read. `query`: the callback's query string as the upstream sent it
     */
    async finish(slug: string, query: URLSearchParams, uid: string): Promise<Finished | FinishFailure> {
      const state = query.get("state");
      const raw = state ? await redis.getdel(stateKey(state)) : null;
      const record = raw ? (JSON.parse(raw) as StateRecord) : null;
      if (!record || record.uid !== uid)
        return { outcome: "failed", reason: "state", detail: record ? "state of another sign-in" : "unknown or used state" };
      const c = await deps.connectors.find(record.connectorId);
      if (!c || c.slug !== slug) return { outcome: "failed", reason: "state", detail: "state of another connector" };
      if (!c.enabled) return { outcome: "failed", reason: "disabled", detail: "connector disabled", connector: c };
      const fail = (reason: FinishFailure["reason"], err: unknown): FinishFailure => ({
        outcome: "failed",
        reason,
        detail: describeError(err),
        connector: c,
      });
      const upstreamError = query.get("error");
      // access_denied: the user said no at the upstream (or cancelled there); anything else is the upstream's failure
      if (upstreamError)
        return fail(
          upstreamError === "access_denied" ? "cancelled" : "upstream_error",
          `${upstreamError}${query.get("error_description") ? `: ${query.get("error_description")}` : ""}`.slice(0, 300),
        );
      try {
        const config = await configurationFor(c);
        const current = new URL(redirectUri(c.slug));
        for (const [k, v] of query) current.searchParams.append(k, v);
        const tokens = await client.authorizationCodeGrant(config, current, {
          pkceCodeVerifier: record.verifier,
          expectedState: state!,
          ...(record.nonce ? { expectedNonce: record.nonce, idTokenExpected: true } : {}),
        });
        const profile = await profileFrom(c, config, tokens);
        if (!profile) return fail("profile", "the upstream did not say who the user is");
        return { outcome: "ok", connector: c, profile };
      } catch (err) {
        return fail(isUnreachable(err) ? "unavailable" : "token_invalid", err);
      }
    },
  };
}

export type Upstream = ReturnType<typeof createUpstream>;
