// Every absolute URL Gatehouse gives out (discovery, JWKS, redirects, links) is built from ISSUER alone: a request
// is served as if it named the issuer's host, whatever its Host or X-Forwarded-Host said, so a forged header can
// never turn discovery's endpoints into another origin. In production a request for any other host is refused
// with 400 (it is not for this server, and DNS rebinding needs exactly that), except the hosts in ALLOWED_HOSTS
// (e.g. an in-cluster service name relying parties call the token endpoint on) and the probe paths, which
// kubelets and scrapers call by pod address. In development another host is served under the issuer's name.
// Under /api the refusal is the API's JSON error (api-errors.ts), like everything else there.
import type { Context, Middleware } from "koa";
import { PROBE_PATHS } from "./https-only.ts";
import { answerApiError, isApiPath } from "./api-errors.ts";
import { catalogueError } from "./errors.ts";

/** which hosts a request may name, and how it is made to name the issuer's */
export function issuerHostRule(opts: { issuer: string; allowedHosts: string[] }) {
  const issuerHost = new URL(opts.issuer).host.toLowerCase();
  const accepted = new Set([issuerHost, ...opts.allowedHosts.map((h) => h.toLowerCase())]);
  return {
    /** koa's host: X-Forwarded-Host when the proxy is trusted, else Host (":authority" on HTTP/2) */
    accepts: (ctx: Context) => accepted.has(ctx.host.toLowerCase()),
    /** from here on the request names the issuer's host */
    rewrite(ctx: Context): void {
      ctx.request.header.host = issuerHost;
      delete ctx.request.header["x-forwarded-host"];
    },
  };
}

export function issuerHostOnly(opts: { issuer: string; production: boolean; allowedHosts: string[] }): Middleware {
  const rule = issuerHostRule(opts);
  return async (ctx, next) => {
    if (PROBE_PATHS.has(ctx.path)) return next();
    if (opts.production && !rule.accepts(ctx)) {
      const refusal = catalogueError("request.unknown_host");
      if (isApiPath(ctx.path)) return answerApiError(ctx, refusal);
      ctx.status = refusal.status;
      ctx.set("Cache-Control", "no-store");
      ctx.type = "text/plain";
      ctx.body = refusal.publicMessage;
      return;
    }
    rule.rewrite(ctx);
    return next();
  };
}
