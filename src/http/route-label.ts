// The `route` label of the request histogram: a fixed, bounded set whatever paths arrive. oidc-provider's endpoints
// by name ("oidc:token"), Gatehouse's own routes by the template @koa/router matched ("/admin/users/:id"),
// static files as "static", and everything else (404s, paths nobody serves) as "other".
import type { Context } from "koa";

const PROVIDER_ENDPOINTS: Record<string, string> = {
  "/auth": "oidc:authorization",
  "/token": "oidc:token",
  "/token/introspection": "oidc:introspection",
  "/token/revocation": "oidc:revocation",
  "/me": "oidc:userinfo",
  "/jwks": "oidc:jwks",
  "/.well-known/openid-configuration": "oidc:discovery",
  "/.well-known/oauth-authorization-server": "oidc:discovery",
  "/session/end": "oidc:end_session",
  "/session/end/confirm": "oidc:end_session",
  "/session/end/success": "oidc:end_session_success",
  "/device/auth": "oidc:device_authorization",
  "/device": "oidc:code_verification",
  "/device/confirm": "oidc:code_verification",
  "/request": "oidc:pushed_authorization",
  "/reg": "oidc:registration",
  "/backchannel": "oidc:backchannel_authentication",
};

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]);

export function routeLabel(ctx: Context): string {
  // the provider's endpoints first: its own router (mounted on our ctx) sets _matchedRoute as well
  const provider = PROVIDER_ENDPOINTS[ctx.path];
  if (provider) return provider;
  if (ctx.path.startsWith("/auth/")) return "oidc:authorization_resume"; // /auth/:uid, the authorization resumed after an interaction
  const matched: unknown = (ctx as Context & { _matchedRoute?: unknown })._matchedRoute;
  if (typeof matched === "string") return matched;
  if (ctx.path.startsWith("/static/")) return "static";
  return "other";
}

export const methodLabel = (method: string) => (METHODS.has(method) ? method : "other");
