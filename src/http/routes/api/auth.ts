// Bearer tokens for Gatehouse's own REST API: JWT access tokens this provider issued for the resource
// ISSUER/api, checked by the same resource-server helper services use, against the provider's own published
// keys read locally (never over HTTP from itself).
import { createLocalJWKSet, errors, type JWK, type JWTVerifyGetKey } from "jose";
import type { Context, Middleware, Next } from "koa";
import type { AppContext } from "../../../context.ts";
import type { SigningKeyService } from "../../../services/signing-keys.ts";
import type { Clock } from "../../../lib/clock.ts";
import { createResourceServer, type AccessTokenClaims } from "../../../resource-server/index.ts";
import { AppError } from "../../errors.ts";

/** the audience (resource indicator) of Gatehouse's own API */
export const apiAudience = (issuer: string) => `${issuer}/api`;

// every algorithm SIGNING_ALG can name: a key's own "alg" pins which one verifies with it
const SIGNING_ALGORITHMS = ["ES256", "ES384", "PS256", "RS256", "EdDSA"];
// how often an unknown kid may trigger a reload (a rotation elsewhere), so garbage kids cannot hammer Postgres
const MISS_RELOAD_MS = 5_000;

/** the published keys (next, current, previous) as a local key set, reloaded like the provider reloads them */
function publishedKeys(keys: SigningKeyService, clock: Clock, refreshMs: number): JWTVerifyGetKey {
  let set: { get: JWTVerifyGetKey; at: number } | undefined;
  let loading: Promise<void> | undefined;
  const load = () => (loading ??= (async () => {
    const now = clock.now();
    const published = (await keys.list()).filter((k) => k.state !== "retired" && (!k.retireAfter || k.retireAfter > now));
    set = { get: createLocalJWKSet({ keys: published.map((k) => k.publicJwk as unknown as JWK) }), at: Date.now() };
  })().finally(() => { loading = undefined; }));

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

export type ApiAuth = {
  /** any valid access token for the API; its claims land in ctx.state.token */
  token: Middleware;
  /** a client_credentials token: the client acting for itself, not for a user */
  clientToken: Middleware;
};

export const tokenOf = (ctx: Context) => ctx.state.token as AccessTokenClaims;

export function createApiAuth(app: AppContext): ApiAuth {
  const server = createResourceServer({
    issuer: app.config.issuer,
    audience: apiAudience(app.config.issuer),
    jwks: publishedKeys(app.services.keys, app.clock, app.config.keys.refreshSeconds * 1000),
    algorithms: SIGNING_ALGORITHMS,
  });
  const token = async (ctx: Context, next: Next) => {
    ctx.state.token = await server.verify(ctx.get("authorization"));
    await next();
  };
  return {
    token,
    clientToken: async (ctx, next) => token(ctx, async () => {
      const claims = tokenOf(ctx);
      // oidc-provider makes a client_credentials token's sub the client itself; a user's token has the user's id
      if (claims.sub !== claims.client_id) throw new AppError("token.client_credentials_required", 403, "This needs a client_credentials access token of the client itself, not a user's token.");
      await next();
    }),
  };
}
