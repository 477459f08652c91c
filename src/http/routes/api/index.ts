// Gatehouse's REST API under /api/v1: bearer JWTs from this provider, JSON in and out, errors as
// {code, message, data}. Unknown API paths answer JSON too, never the HTML pages (and the global error handler
// answers this JSON for every path under /api, error-handler.ts). The routes are declared in
// the registry (openapi.ts): `apiRoutes` lists every declaration, the router mounts them, and the OpenAPI
// document (/api/v1/openapi.json) and the 405 table come from the same list.
import { readFileSync } from "node:fs";
import type Router from "@koa/router";
import type { Context, Next } from "koa";
import type { AppContext } from "../../web-context.ts";
import { fromRoot } from "../../../lib/paths.ts";
import { apiErrors } from "../../api-errors.ts";
import { catalogueError } from "../../errors.ts";
import { parseJsonBody } from "../../body.ts";
import { apiAudience, createApiAuth } from "./auth.ts";
import { permissionRoutes } from "./permissions.ts";
import { meRoutes } from "./me.ts";
import { meDataRoutes } from "./me-data.ts";
import { teamRoutes } from "./teams.ts";
import { adminApiRoutes } from "./admin/index.ts";
import { docsRoutes, registerDocsPages } from "./docs.ts";
import { allowedMethods, buildOpenApiDocument, mountApiRoutes, type ApiRoute, type OpenApiDocument } from "./openapi.ts";

const VERSION = (JSON.parse(readFileSync(fromRoot("package.json"), "utf8")) as { version: string }).version;

/** every declared API route */
export function apiRoutes(app: AppContext): ApiRoute[] {
  let document: OpenApiDocument | undefined;
  const routes: ApiRoute[] = [
    ...docsRoutes(() => (document ??= buildOpenApiDocument(routes, { issuer: app.config.issuer, version: VERSION }))),
    ...meRoutes(app),
    ...meDataRoutes(app),
    ...permissionRoutes(app),
    ...teamRoutes(app),
    ...adminApiRoutes(app),
  ];
  return routes;
}

export function registerApiRoutes(router: Router, app: AppContext) {
  const errors = apiErrors(apiAudience(app.config.issuer));
  const auth = createApiAuth(app);
  const parse = parseJsonBody(app.config.bodyLimit);
  const json = async (ctx: Context, next: Next) => {
    if (!ctx.is("application/json")) throw catalogueError("request.unsupported_type");
    await parse(ctx, next);
  };

  const routes = apiRoutes(app);
  mountApiRoutes(router, app, routes, { errors, auth, json });
  registerDocsPages(router, { production: app.config.isProduction });

  const allowed = allowedMethods(routes);
  router.all(["/api", "/api/{*rest}"], errors, (ctx) => {
    const path = ctx.path.replace(/\/+$/, "");
    const methods = allowed.find(([pattern]) => pattern.test(path))?.[1];
    if (!methods) throw catalogueError("not_found");
    ctx.set("Allow", methods.join(", "));
    throw catalogueError("method_not_allowed", undefined, { methods: methods.join(", ") });
  });
}
