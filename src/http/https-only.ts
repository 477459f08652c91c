// Production answers only over HTTPS: a plain-HTTP GET is redirected to the same path on the issuer's https
// origin, anything else is refused. Behind a TLS-terminating proxy this needs TRUST_PROXY=true
// (X-Forwarded-Proto). Health checks and metrics stay reachable over plain HTTP for probes and scrapers.
import type { Middleware } from "koa";

/** what probes and scrapers call (plain HTTP, by pod address): open whatever the scheme or Host */
export const PROBE_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

export function httpsOnly(issuer: string): Middleware {
  const origin = new URL(issuer).origin;
  return async (ctx, next) => {
    if (ctx.secure || PROBE_PATHS.has(ctx.path)) return next();
    if (ctx.method === "GET" || ctx.method === "HEAD") {
      // only the path and query are taken from the request, and a path that a browser would read as another
      // host ("//evil.example", "/\\evil.example") becomes "/": never an open redirect
      const path = /^\/[/\\]/.test(ctx.path) ? "/" : ctx.path;
      ctx.status = 301;
      ctx.redirect(`${origin}${path}${ctx.search}`);
      return;
    }
    ctx.status = 403;
    ctx.body = { error: "https_required", error_description: "Gatehouse only accepts HTTPS requests." };
  };
}
