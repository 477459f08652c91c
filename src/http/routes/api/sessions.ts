// Admin API for any user's sessions: GET /api/v1/users/:userId/sessions (gatehouse.admin.users.read), DELETE
// one (/:sessionId) or all of them (gatehouse.admin.users.manage). The caller is the user behind an access
// token for the API whose system role has the permission; a client_credentials token (no user) or a user
// without it gets 403. Revocations end the sessions like the user's own Sessions page does; audited with the
// admin as actorId.
import type Router from "@koa/router";
import type { Context, Middleware, Next } from "koa";
import type { AppContext } from "../../../context.ts";
import type { UserSession } from "../../../services/sessions/records.ts";
import { describeLocation } from "../../../services/request/geo.ts";
import { AppError } from "../../errors.ts";
import { tokenOf, type ApiAuth } from "./auth.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SESSION_ID = /^[\w-]{1,64}$/;
const READ = "gatehouse.admin.users.read";
const MANAGE = "gatehouse.admin.users.manage";

/** the paths and methods this file serves (for the API's 405 answers) */
export const SESSION_ROUTE_PATTERNS: [RegExp, string[]][] = [
  [/^\/api\/v1\/users\/[^/]+\/sessions$/, ["GET", "HEAD", "DELETE"]],
  [/^\/api\/v1\/users\/[^/]+\/sessions\/[^/]+$/, ["DELETE"]],
];

const view = (s: UserSession) => ({
  id: s.id, userId: s.userId, browser: s.browser, os: s.os, deviceType: s.deviceType, ip: s.ip, countryCode: s.countryCode, city: s.city,
  location: describeLocation(s.countryCode ? { city: s.city, countryCode: s.countryCode, region: null, latitude: null, longitude: null } : null),
  remember: s.remember, clients: s.clients, startedAt: s.startedAt.toISOString(), lastActiveAt: s.lastActiveAt.toISOString(), expiresAt: s.expiresAt.toISOString(),
});

export function registerSessionApiRoutes(router: Router, app: AppContext, deps: { errors: Middleware; auth: ApiAuth }) {
  const { errors, auth } = deps;
  const { services } = app;

  /** the admin behind the token, when their system role has `code`; otherwise 403 */
  const requireAdmin = (code: string) => async (ctx: Context, next: Next) => {
    const claims = tokenOf(ctx);
    if (claims.sub === claims.client_id) throw new AppError("token.user_required", 403, "This needs a user's access token: a client acting for itself cannot manage users' sessions.");
    const admin = await services.accounts.findActive(claims.sub);
    if (!admin || !(await services.systemRoles.canAdmin(admin, code))) {
      throw new AppError("permission.denied", 403, `This needs the ${code} permission.`, { permission: code });
    }
    ctx.state.admin = admin;
    await next();
  };

  /** the user in the path, or 404 */
  async function subjectOf(ctx: Context): Promise<string> {
    const userId = String(ctx.params.userId ?? "");
    const user = UUID.test(userId) ? await app.queries.users.findById(userId) : null;
    if (!user) throw new AppError("user.not_found", 404, "There is no such user.");
    return user.id;
  }
  const actor = (ctx: Context) => ({
    reason: "revoked_by_admin" as const, actorId: (ctx.state.admin as { id: string }).id, request: { ip: ctx.ip, userAgent: ctx.get("user-agent") || null },
  });

  router.get("/api/v1/users/:userId/sessions", errors, auth.token, requireAdmin(READ), async (ctx) => {
    const userId = await subjectOf(ctx);
    ctx.body = { sessions: (await services.sessions.listActive(userId)).map(view) };
  });

  router.delete("/api/v1/users/:userId/sessions/:sessionId", errors, auth.token, requireAdmin(MANAGE), async (ctx) => {
    const userId = await subjectOf(ctx);
    const sessionId = String(ctx.params.sessionId ?? "");
    const result = SESSION_ID.test(sessionId) ? await services.sessions.revoke(userId, sessionId, actor(ctx)) : { outcome: "not_found" as const };
    if (result.outcome === "not_found") throw new AppError("session.not_found", 404, "This user has no such live session.");
    ctx.status = 204;
  });

  router.delete("/api/v1/users/:userId/sessions", errors, auth.token, requireAdmin(MANAGE), async (ctx) => {
    const userId = await subjectOf(ctx);
    ctx.body = { ended: await services.sessions.revokeAll(userId, actor(ctx)) };
  });
}
