// The provider's published signing keys (next, current, previous) as a local jose key set, for verifying the
// access tokens Gatehouse itself issued (its REST API, JWT introspection) without fetching its own JWKS over HTTP.
// Reloaded every KEY_REFRESH_SECONDS, like the provider reloads them; an unknown kid (a rotation elsewhere)
// reloads at once, at most every 5 s, so garbage kids cannot hammer Postgres.
import { createLocalJWKSet, errors, type JWK, type JWTVerifyGetKey } from "jose";
import type { SigningKeyService } from "../services/signing-keys.ts";
import type { Clock } from "../lib/clock.ts";

/** every algorithm SIGNING_ALG can name: a key's own "alg" pins which one verifies with it */
export const SIGNING_ALGORITHMS = ["ES256", "ES384", "PS256", "RS256", "EdDSA"];
const MISS_RELOAD_MS = 5_000;

export function publishedKeys(keys: Pick<SigningKeyService, "list">, clock: Clock, refreshMs: number): JWTVerifyGetKey {
  let set: { get: JWTVerifyGetKey; at: number } | undefined;
  let loading: Promise<void> | undefined;
  const load = () =>
    (loading ??= (async () => {
      const now = clock.now();
      const published = (await keys.list()).filter((k) => k.state !== "retired" && (!k.retireAfter || k.retireAfter > now));
      set = { get: createLocalJWKSet({ keys: published.map((k) => k.publicJwk as unknown as JWK) }), at: Date.now() };
    })().finally(() => {
      loading = undefined;
    }));

  return async (header, token) => {
    if (!set || Date.now() - set.at > refreshMs) await load();
    try {
      return await set!.get(header, token);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey) || Date.now() - set!.at < MISS_RELOAD_MS) throw err;
      await load();
      return set!.get(header, token);
    }
  };
}
