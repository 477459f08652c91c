// helmet with a strict CSP (no inline script or style). form-action is left out on purpose: after the login
// form, the browser follows redirects to the relying party's redirect_uri, which form-action would block.
// The provider's machine-facing endpoints (token, introspection, revocation, userinfo, JWKS, discovery: JSON for
// relying parties and services, never a page a browser renders) get an API's set instead (machineSecurityHeaders,
// as OWASP's REST Security Cheat Sheet has it): a CSP that lets the answer load nothing and be framed nowhere,
// HSTS in production, nosniff and the same referrer policy. helmet's other headers are for documents
// (cross-origin isolation, DNS prefetching, legacy IE and Flash switches), and each costs every answer its bytes.
import helmet from "koa-helmet";
import type { Middleware } from "koa";

/** the CSP's directives (helmet's form: kebab-case names, each with its sources) */
function cspDirectives(production: boolean): Record<string, string[]> {
  return {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    ...(production ? { "upgrade-insecure-requests": [] } : {}),
  };
}

const HSTS = { maxAge: 31536000, includeSubDomains: true };
// same-origin (not no-referrer): browsers then send our real Origin on our own form posts, so the CSRF
// check can refuse "null" and foreign origins; other sites still get no Referer
const REFERRER_POLICY = "same-origin";

export function securityHeaders(opts: { production: boolean }): Middleware {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(opts.production) },
    strictTransportSecurity: opts.production ? HSTS : false,
    referrerPolicy: { policy: REFERRER_POLICY },
    crossOriginEmbedderPolicy: false,
  });
}

/** the machine-facing endpoints' headers, as name and value, to set on each response */
export function machineSecurityHeaders(opts: { production: boolean }): readonly (readonly [string, string])[] {
  return [
    ["Content-Security-Policy", "default-src 'none';frame-ancestors 'none'"],
    ...(opts.production ? [["Strict-Transport-Security", `max-age=${HSTS.maxAge}; includeSubDomains`] as const] : []),
    ["X-Content-Type-Options", "nosniff"],
    ["Referrer-Policy", REFERRER_POLICY],
  ];
}
