// Production answers only over HTTPS: a plain-HTTP GET is redirected to the issuer's https URL, anything else
// is refused. Behind a TLS-terminating proxy this needs TRUST_PROXY=true (X-Forwarded-Proto). Health checks
// and metrics stay reachable over plain HTTP for load balancers and scrapers inside the network.
import type { Middleware } from "koa";

const OPEN_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

export function httpsOnly(issuer: string): Middleware {
  return async (ctx, next) => {
    if (ctx.secure || OPEN_PATHS.has(ctx.path)) return next();
    if (ctx.method === "GET" || ctx.method === "HEAD") {
      ctx.status = 301;
      ctx.redirect(new URL(ctx.url, issuer).toString());
      return;
    }
    ctx.status = 403;
    ctx.body = { error: "https_required", error_description: "Gatehouse only accepts HTTPS requests." };
  };
}
