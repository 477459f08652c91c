// Koa middleware before Gatehouse's routes and oidc-provider: a request carrying the session cookie is the
// session's activity. A session past its absolute end or idle too long (app clock) is ended right here, the
// same way as a revocation, so the account pages and the provider then find no session and ask for a login.
// "Last active" is written at most once per SESSION_ACTIVITY_RESOLUTION (services/sessions/activity.ts).
import type { Middleware } from "koa";
import type { AppContext } from "./web-context.ts";

export function sessionGuard(app: AppContext): Middleware {
  return async (ctx, next) => {
    const name = app.oidc.provider.cookieName("session");
    // signed with the same keys as oidc-provider's cookies; a forged or stale value simply finds nothing
    const jti = ctx.cookies.get(name) ? ctx.cookies.get(name, { signed: true }) : undefined;
    if (jti) await app.services.sessions.onRequest(jti, { ip: ctx.ip, userAgent: ctx.get("user-agent") || null });
    await next();
  };
}
