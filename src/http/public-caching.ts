// Discovery and the JWKS are the same for everyone (every URL in them comes from ISSUER, see issuer-host.ts), so
// relying parties and shared caches may keep them for a few minutes. A key rotation is safe within that: the next
// signing key is published in the JWKS long before it signs (services/signing-keys.ts).
import type { Context, Middleware } from "koa";

const CACHEABLE = new Set(["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server", "/jwks"]);

/** after the answer is made: a successful GET of discovery or the JWKS may be kept for maxAgeSeconds */
export function markPublicCaching(ctx: Context, maxAgeSeconds = 300): void {
  if (
    ctx.status === 200 &&
    (ctx.method === "GET" || ctx.method === "HEAD") &&
    CACHEABLE.has(ctx.path) &&
    !ctx.response.get("Cache-Control")
  ) {
    ctx.set("Cache-Control", `public, max-age=${maxAgeSeconds}`);
  }
}

export function publicCaching(maxAgeSeconds = 300): Middleware {
  return async (ctx, next) => {
    await next();
    markPublicCaching(ctx, maxAgeSeconds);
  };
}
