// helmet with a strict CSP (no inline script or style). form-action is left out on purpose: after the login
// form, the browser follows redirects to the relying party's redirect_uri, which form-action would block.
import helmet from "koa-helmet";
import type { Middleware } from "koa";

export function securityHeaders(opts: { production: boolean }): Middleware {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        ...(opts.production ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: opts.production ? { maxAge: 31536000, includeSubDomains: true } : false,
    // same-origin (not no-referrer): browsers then send our real Origin on our own form posts, so the CSRF
    // check can refuse "null" and foreign origins; other sites still get no Referer
    referrerPolicy: { policy: "same-origin" },
    crossOriginEmbedderPolicy: false,
  });
}
