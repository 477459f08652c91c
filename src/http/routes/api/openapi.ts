// The REST API's route registry: each route is declared once (method, path, summary, tags, who may call it,
// zod schemas for params, query, body and the success response, the error statuses it can answer) and both
// the Koa router and the OpenAPI 3.1 document are built from those declarations, so the two cannot drift.
// `mountApiRoutes` registers a declaration as: JSON errors, a well-encoded URL (400 request.invalid for bad
// percent-encoding), the token check for its access, the body parser, params/query/body through their schemas
// (400 request.invalid with the zod issues in data), the handler, and the handler's result through the response
// schema (which strips any field the schema does not list: a caller never sees one the document does not promise).
// Every answer is checked against the route's documented errors (declaredAnswers): an undeclared 4xx is logged,
// and under NODE_ENV=test it fails the test file that provoked it (declared-errors.ts, test/helpers/test-app.ts).
import type Router from "@koa/router";
import type { Context, Middleware } from "koa";
import { z } from "zod";
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig, type ResponseConfig } from "@asteasolutions/zod-to-openapi";
import type { AppContext } from "../../web-context.ts";
import type { User } from "../../../queries/users.ts";
import { InvalidTokenError } from "../../../resource-server/index.ts";
import { catalogueError } from "../../errors.ts";
import { tokenOf, type ApiAuth } from "./auth.ts";
import { urlEncodingInvalid, zodInvalid } from "./request-invalid.ts";
import { recordUndeclared, undeclaredAnswer, type DocumentedError } from "./declared-errors.ts";

type Method = "get" | "put" | "post" | "delete" | "patch";
type AnyObject = z.ZodObject;

/**
 * who may call a route: `public` (no token), `any` valid API token, a `client` (client_credentials) token, or
 * a `user`'s token (a client token gets 403 token.user_required); `permission`: the user's system role must
 * have this core permission (403 permission.denied otherwise); `team`: documents the team permission the
 * caller's role in the team must have ("*": the Owner's role), checked by the team services in the handler
 * (provider admins whose system role has gatehouse.admin.teams.manage pass on every team)
 */
export type RouteAccess = { token: "public" | "any" | "client" | "user"; permission?: string; team?: string };

type Input<P, Q, B> = {
  params: P extends AnyObject ? z.output<P> : Record<string, never>;
  query: Q extends AnyObject ? z.output<Q> : Record<string, never>;
  body: B extends z.ZodType ? z.output<B> : undefined;
};

export type RouteDefinition<P, Q, B, R> = {
  method: Method;
  /** Koa style: /api/v1/me/sessions/:sessionId */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  access: RouteAccess;
  params?: P;
  query?: Q;
  body?: B;
  /** the success answer: 204 has no schema */
  response: { status: 200 | 201 | 204; description: string; schema?: R };
  /**
   * error statuses beyond those the access and the schemas imply (401, 403, 400, 415), each description naming
   * its codes first; `documented(code)` (declared-errors.ts) takes a catalogue code's status from the catalogue.
   * An error answer these do not name is logged, and fails the tests (mountApiRoutes)
   */
  errors?: DocumentedError[];
  handle: (
    ctx: Context,
    input: Input<P, Q, B>,
  ) => Promise<R extends z.ZodType ? z.input<R> : void> | (R extends z.ZodType ? z.input<R> : void);
};

/** a declaration with its types erased, as the router and the document builder see it */
export type ApiRoute = Omit<
  RouteDefinition<AnyObject | undefined, AnyObject | undefined, z.ZodType | undefined, z.ZodType | undefined>,
  "handle"
> & {
  handle: (ctx: Context, input: { params: unknown; query: unknown; body: unknown }) => unknown;
};

/** declares a route (types the handler from its schemas) */
export function defineRoute<
  P extends AnyObject | undefined = undefined,
  Q extends AnyObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R extends z.ZodType | undefined = undefined,
>(def: RouteDefinition<P, Q, B, R>): ApiRoute {
  const handle = def.handle;
  return { ...def, handle: (ctx, input) => handle(ctx, input as Input<P, Q, B>) } as ApiRoute;
}

/** the error body of every API error */
export const apiError = z
  .object({
    code: z.string().meta({
      description: "a stable, dotted error code (request.invalid, invalid_token, permission.denied ...)",
      example: "request.invalid",
    }),
    message: z.string().meta({ description: "for people; may change" }),
    data: z
      .record(z.string(), z.unknown())
      .meta({ description: "details; for request.invalid: issues (the zod issues: code, path, message)" }),
  })
  .meta({ id: "Error" });

/** the user behind a `user` route's token (loaded and active) */
export const userOf = (ctx: Context) => ctx.state.apiUser as User;

const openApiPath = (path: string) => path.replace(/:(\w+)/g, "{$1}");

/** the zod issues of a failed parse, as the 400 answer's data.issues */

type MountDeps = { errors: Middleware; auth: ApiAuth; json: Middleware };

/** the token checks of a route's access */
function accessMiddleware(app: AppContext, auth: ApiAuth, access: RouteAccess): Middleware[] {
  if (access.token === "public") return [];
  if (access.token === "any") return [auth.token];
  if (access.token === "client") return [auth.clientToken];
  return [
    auth.token,
    async (ctx, next) => {
      const claims = tokenOf(ctx);
      // oidc-provider makes a client_credentials token's sub the client itself
      if (claims.sub === claims.client_id) throw catalogueError("token.user_required");
      const user = await app.services.accounts.findActive(claims.sub);
      if (!user) throw new InvalidTokenError("The token's user no longer exists or is disabled.");
      if (access.permission && !(await app.services.systemRoles.canAdmin(user, access.permission))) {
        throw catalogueError("permission.denied", { permission: access.permission });
      }
      ctx.state.apiUser = user;
      await next();
    },
  ];
}

/** a URL whose path or query string is not well-formed percent-encoding is a 400 before anything else */
const wellEncodedUrl: Middleware = async (ctx, next) => {
  const invalid = urlEncodingInvalid(ctx.path, ctx.querystring);
  if (invalid) throw invalid;
  await next();
};

/**
 * checks the answer a route gave, whoever refused (its access, the body parser, the schemas, the handler),
 * against its documented answers: an undeclared 4xx is logged, and recorded under NODE_ENV=test so the test
 * that provoked it fails (declared-errors.ts); production answers as it would have
 */
function declaredAnswers(app: AppContext, route: ApiRoute, documentedAnswers: Record<string, ResponseConfig>): Middleware {
  return async (ctx, next) => {
    await next();
    const code = (ctx.body as { code?: unknown } | null)?.code;
    const undeclared = undeclaredAnswer(documentedAnswers, { status: ctx.status, code: typeof code === "string" ? code : "" });
    if (!undeclared) return;
    app.log.warn(
      { method: route.method, path: route.path, undeclared },
      "an API route answered an error its declaration does not document",
    );
    if (app.config.env === "test") recordUndeclared(app, `${route.method.toUpperCase()} ${route.path}: ${undeclared}`);
  };
}

/** registers every declaration on the router */
export function mountApiRoutes(router: Router, app: AppContext, routes: ApiRoute[], deps: MountDeps): void {
  for (const route of routes) {
    const handle = route.handle;
    const documentedAnswers = responsesOf(route);
    const chain: Middleware[] = [
      declaredAnswers(app, route, documentedAnswers),
      deps.errors,
      wellEncodedUrl,
      ...accessMiddleware(app, deps.auth, route.access),
      ...(route.body ? [deps.json] : []),
    ];
    chain.push(async (ctx) => {
      const parse = <T extends z.ZodType>(where: "params" | "query" | "body", schema: T | undefined, value: unknown) => {
        if (!schema) return where === "body" ? undefined : {};
        const parsed = schema.safeParse(value);
        if (!parsed.success) throw zodInvalid(where, parsed.error);
        return parsed.data;
      };
      const input = {
        params: parse("params", route.params, { ...ctx.params }),
        query: parse("query", route.query, { ...ctx.query }),
        body: parse("body", route.body, ctx.request.body),
      };
      const result = await handle(ctx, input);
      ctx.status = route.response.status;
      if (route.response.schema) ctx.body = route.response.schema.parse(result);
    });
    router[route.method](route.path, ...chain);
  }
}

/** the paths and methods the declarations serve, as patterns for the API's 405 answers (GET brings HEAD) */
export function allowedMethods(routes: ApiRoute[]): [RegExp, string[]][] {
  const byPath = new Map<string, Set<string>>();
  for (const r of routes) {
    const methods = byPath.get(r.path) ?? new Set<string>();
    methods.add(r.method.toUpperCase());
    if (r.method === "get") methods.add("HEAD");
    byPath.set(r.path, methods);
  }
  return [...byPath].map(([path, methods]) => [
    new RegExp(
      `^${path
        .split("/")
        .map((part) => (part.startsWith(":") ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
        .join("/")}$`,
    ),
    [...methods].sort(),
  ]);
}

const errorContent = { "application/json": { schema: apiError } };

const teamForbidden = (team: string) =>
  `token.user_required (a client token) or permission.denied (${team === "*" ? "the caller is not the team's Owner" : `the caller's role in the team lacks ${team}`}; a provider admin whose system role has gatehouse.admin.teams.manage acts on every team with the Owner role's permissions)`;

/** the documented answers of a route: its success, then the errors its access and schemas imply, then its own */
export function responsesOf(route: ApiRoute): Record<string, ResponseConfig> {
  const { response } = route;
  const responses: Record<string, ResponseConfig> = {
    [response.status]: {
      description: response.description,
      ...(response.schema ? { content: { "application/json": { schema: response.schema } } } : {}),
    },
  };
  const add = (status: number, description: string) => {
    responses[status] ??= { description, content: errorContent };
  };
  if (route.params || route.query || route.body)
    add(400, "request.invalid: the params, query or body do not match their schema (data.issues has the zod issues)");
  if (route.access.token !== "public")
    add(401, "invalid_token: no bearer token, or not a valid access token for this API (WWW-Authenticate says why)");
  if (route.access.token === "client") add(403, "token.client_credentials_required: this needs the client's own client_credentials token");
  if (route.access.token === "user")
    add(
      403,
      route.access.permission
        ? `token.user_required (a client token) or permission.denied (the user's system role lacks ${route.access.permission})`
        : route.access.team
          ? teamForbidden(route.access.team)
          : "token.user_required: this needs a user's access token, not a client's",
    );
  // a route's own reasons for a status already listed join its description
  for (const e of route.errors ?? []) {
    const listed = responses[e.status];
    if (listed) listed.description += `; ${e.description}`;
    else add(e.status, e.description);
  }
  if (route.body) {
    // the 400 is listed already (a route with a body has a schema for it)
    responses[400]!.description +=
      "; request.invalid_json: the body is not a JSON object or array; request.invalid_body: the body cannot be read or decompressed";
    add(413, "request.too_large: the body is larger than the server accepts");
    add(
      415,
      "request.unsupported_type: send JSON (Content-Type: application/json) in UTF-8, with no Content-Encoding or gzip, deflate or br",
    );
  }
  return responses;
}

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31["generateDocument"]>;

/** the OpenAPI 3.1 document of the declarations */
export function buildOpenApiDocument(routes: ApiRoute[], opts: { issuer: string; version: string }): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: `An access token from this provider for the resource ${opts.issuer}/api (authorization code flow with resource=${opts.issuer}/api, or client_credentials).`,
  });
  for (const route of routes) {
    const config: RouteConfig = {
      method: route.method,
      path: openApiPath(route.path),
      operationId: `${route.method}${route.path.replace(/^\/api\/v1/, "").replace(/[/:]+(\w)/g, (_, c: string) => c.toUpperCase())}`,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: route.tags,
      security: route.access.token === "public" ? [] : [{ bearer: [] }],
      "x-gatehouse-access": route.access.token,
      ...(route.access.permission ? { "x-gatehouse-permission": route.access.permission } : {}),
      ...(route.access.team ? { "x-gatehouse-team-permission": route.access.team } : {}),
      request: {
        ...(route.params ? { params: route.params } : {}),
        ...(route.query ? { query: route.query } : {}),
        ...(route.body ? { body: { required: true, content: { "application/json": { schema: route.body } } } } : {}),
      },
      responses: responsesOf(route),
    };
    registry.registerPath(config);
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Gatehouse REST API",
      version: opts.version,
      description:
        "Bearer access tokens from this provider for the resource ISSUER/api. JSON in and out; every error under /api is {code, message, data} with its HTTP status, whatever the Accept header says (an unknown path is 404 not_found, a known path with another method 405 method_not_allowed with an Allow header; on every route a NUL character in the path, query string or body is 400 request.invalid_characters, and a path or query string that is not valid percent-encoded UTF-8 is 400 request.invalid). Lists are paged by cursor: pass the answer's nextCursor as ?cursor= (limit 1-100, default 50) until it is null.",
    },
    servers: [{ url: opts.issuer }],
  });
}
