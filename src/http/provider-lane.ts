// The provider's machine-facing endpoints (token, introspection, revocation, userinfo, JWKS, discovery), which
// relying parties and services call far more often than people sign in, served in one step at the front of the
// app: the request id and its access-log line, the histogram, the issuer's host, the API security headers
// (security-headers.ts), the error page, the request memo and public caching, then oidc-provider; no static files,
// session guard or router. Only a well-formed request takes this lane: an endpoint's own method, HTTPS and an
// accepted host in production, no NUL in the URL. Anything else goes the whole way through the app, whose
// middleware answers it as before (a refusal, a redirect to HTTPS, a preflight, a 404).
import type { Context, Middleware, Next } from "koa";
import type { Logger } from "../lib/logger.ts";
import type { Views } from "../lib/views.ts";
import type { Locale } from "../lib/i18n/index.ts";
import { withRequestMemo } from "../lib/request-memo.ts";
import type { Metrics } from "./metrics.ts";
import { closeRequest, openRequest } from "./request-context.ts";
import { issuerHostRule } from "./issuer-host.ts";
import { machineSecurityHeaders } from "./security-headers.ts";
import { errorHandler } from "./error-handler.ts";
import { nulInUrl } from "./nul-characters.ts";
import { markPublicCaching } from "./public-caching.ts";
import { laneEndpoint } from "./lane-endpoints.ts";

export type ProviderLaneDeps = {
  issuer: string;
  production: boolean;
  allowedHosts: string[];
  log: Logger;
  accessLog: Logger;
  metrics: Pick<Metrics, "record">;
  views: Views;
  defaultLocale: Locale;
  /** oidc-provider's middleware (ProviderHost.middleware) */
  provider: Middleware;
};

export function providerLane(deps: ProviderLaneDeps): Middleware {
  const host = issuerHostRule(deps);
  const headers = machineSecurityHeaders(deps);
  const answerErrors = errorHandler(deps.views, deps.defaultLocale);
  const nothingAfter = async () => {};
  const provider = (ctx: Context) => deps.provider(ctx, nothingAfter);

  const takes = (ctx: Context) =>
    laneEndpoint(ctx.method, ctx.path) && (!deps.production || (ctx.secure && host.accepts(ctx))) && nulInUrl(ctx) === undefined;

  async function serve(ctx: Context): Promise<void> {
    const opened = openRequest(ctx, deps.log);
    host.rewrite(ctx);
    for (const [name, value] of headers) ctx.res.setHeader(name, value);
    try {
      await withRequestMemo(() => answerErrors(ctx, () => provider(ctx)));
      markPublicCaching(ctx);
    } finally {
      deps.metrics.record(ctx, closeRequest(ctx, deps.accessLog, opened));
    }
  }

  return (ctx: Context, next: Next) => (takes(ctx) ? serve(ctx) : next());
}
