// createApp(ctx): the Koa application. The provider's machine-facing endpoints (token, introspection, revocation,
// userinfo, JWKS, discovery) take their own lane first (http/provider-lane.ts). Everything else, in order: request
// id and logs, metrics, HTTPS only (production), the issuer's host only (http/issuer-host.ts), security headers,
// error pages, NUL refusal, static files, the session guard (idle and absolute timeouts, last active), Gatehouse's
// own routes, then oidc-provider (discovery and JWKS marked cacheable).
import { withRequestMemo } from "./lib/request-memo.ts";
import Koa from "koa";
import Router from "@koa/router";
import serve from "koa-static";
import mount from "koa-mount";
import type { AppContext } from "./http/web-context.ts";
import { fromRoot } from "./lib/paths.ts";
import { requestContext } from "./http/request-context.ts";
import { errorHandler } from "./http/error-handler.ts";
import { securityHeaders } from "./http/security-headers.ts";
import { httpsOnly } from "./http/https-only.ts";
import { issuerHostOnly } from "./http/issuer-host.ts";
import { publicCaching } from "./http/public-caching.ts";
import { providerLane } from "./http/provider-lane.ts";
import { registerHealthRoutes } from "./http/routes/health.ts";
import { registerHomeRoutes } from "./http/routes/home.ts";
import { registerInteractionRoutes } from "./http/routes/interaction/index.ts";
import { registerDevMailboxRoutes } from "./http/routes/dev-mailbox.ts";
import { registerRegistrationRoutes } from "./http/routes/registration.ts";
import { registerAccountRoutes } from "./http/routes/account/index.ts";
import { registerPasswordResetRoutes } from "./http/routes/password-reset.ts";
import { registerPasswordStrengthRoutes } from "./http/routes/password-strength.ts";
import { registerAdminRegistrationRoutes } from "./http/routes/admin-register.ts";
import { registerTeamRoutes } from "./http/routes/teams/index.ts";
import { registerApiRoutes } from "./http/routes/api/index.ts";
import { registerLoginHoldRoutes } from "./http/routes/login-holds.ts";
import { registerUnlockRoutes } from "./http/routes/unlock.ts";
import { registerAccountRestoreRoutes } from "./http/routes/account-restore.ts";
import { registerAdminRoutes } from "./http/routes/admin/index.ts";
import { sessionGuard } from "./http/session-guard.ts";
import { refuseNulInUrl } from "./http/nul-characters.ts";
import { registerVendorAssets } from "./http/routes/vendor-assets.ts";
import { registerBrandAssets } from "./http/routes/brand-assets.ts";

const PUBLIC_DIR = fromRoot("public");

export function createApp(app: AppContext): Koa {
  const koa = new Koa({ proxy: app.config.trustProxy, maxIpsCount: app.config.proxyHops, keys: app.config.secrets.cookieKeys });
  koa.silent = true; // errors are logged by the request logger and error handler, not Koa's default printer

  const router = new Router();
  registerHomeRoutes(router, app);
  registerHealthRoutes(router, app);
  registerVendorAssets(router, { production: app.config.isProduction });
  registerBrandAssets(router, app.services.brand);
  registerInteractionRoutes(router, app);
  registerDevMailboxRoutes(router, app);
  registerRegistrationRoutes(router, app);
  registerAccountRoutes(router, app);
  registerPasswordResetRoutes(router, app);
  registerPasswordStrengthRoutes(router, app);
  registerAdminRegistrationRoutes(router, app);
  registerTeamRoutes(router, app);
  registerLoginHoldRoutes(router, app);
  registerUnlockRoutes(router, app);
  registerAccountRestoreRoutes(router, app);
  registerAdminRoutes(router, app);
  registerApiRoutes(router, app);

  koa.use(
    providerLane({
      issuer: app.config.issuer,
      production: app.config.isProduction,
      allowedHosts: app.config.allowedHosts,
      log: app.log,
      accessLog: app.accessLog,
      metrics: app.metrics,
      views: app.views,
      defaultLocale: app.config.defaultLocale,
      provider: app.oidc.middleware,
    }),
  );
  koa.use((_ctx, next) => withRequestMemo(next));
  koa.use(requestContext(app.log, app.accessLog));
  koa.use(app.metrics.middleware);
  if (app.config.isProduction) koa.use(httpsOnly(app.config.issuer));
  koa.use(issuerHostOnly({ issuer: app.config.issuer, production: app.config.isProduction, allowedHosts: app.config.allowedHosts }));
  koa.use(securityHeaders({ production: app.config.isProduction }));
  koa.use(errorHandler(app.views, app.config.defaultLocale));
  koa.use(refuseNulInUrl());
  koa.use(mount("/static", serve(PUBLIC_DIR, { maxage: app.config.isProduction ? 86_400_000 : 0, gzip: false })));
  koa.use(sessionGuard(app));
  koa.use(router.routes());
  koa.use(router.allowedMethods());
  koa.use(publicCaching());
  koa.use(app.oidc.middleware);
  return koa;
}
