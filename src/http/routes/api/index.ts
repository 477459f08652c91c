// Gatehouse's REST API under /api/v1: bearer JWTs from this provider, JSON in and out, errors as
// {code, message, data}. Unknown API paths answer JSON too, never the HTML pages.
import type Router from "@koa/router";
import { bodyParser } from "@koa/bodyparser";
import type { Context, Next } from "koa";
import type { AppContext } from "../../../context.ts";
import { apiErrors } from "../../api-errors.ts";
import { AppError } from "../../errors.ts";
import { apiAudience, createApiAuth } from "./auth.ts";
import { registerPermissionRoutes } from "./permissions.ts";
import { registerSessionApiRoutes, SESSION_ROUTE_PATTERNS } from "./sessions.ts";

const ROUTES: Record<string, string[]> = { "/api/v1/permissions": ["GET", "HEAD", "PUT"] };

export function registerApiRoutes(router: Router, app: AppContext) {
  const errors = apiErrors(apiAudience(app.config.issuer));
  const auth = createApiAuth(app);
  const parse = bodyParser({ enableTypes: ["json"], jsonLimit: app.config.bodyLimit });
  const json = async (ctx: Context, next: Next) => {
    if (!ctx.is("application/json")) throw new AppError("request.unsupported_type", 415, "Send JSON (Content-Type: application/json).");
    await parse(ctx, next);
  };

  registerPermissionRoutes(router, app, { errors, auth, json });
  registerSessionApiRoutes(router, app, { errors, auth });

  router.all("/api/{*rest}", errors, (ctx) => {
    const path = ctx.path.replace(/\/+$/, "");
    const allowed = ROUTES[path] ?? SESSION_ROUTE_PATTERNS.find(([pattern]) => pattern.test(path))?.[1];
    if (!allowed) throw new AppError("not_found", 404, "There is no such API endpoint.");
    ctx.set("Allow", allowed.join(", "));
    throw new AppError("method_not_allowed", 405, `Use ${allowed.join(", ")}.`);
  });
}
