// An API route that answers a refusal its declaration does not document fails the tests: under NODE_ENV=test
// mountApiRoutes records the answer for the app (whoever refused: the handler, the access check, the body
// parser), the test app's close() then fails the test file; production answers the same and only logs it.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import Koa, { type Middleware } from "koa";
import Router from "@koa/router";
import { z } from "zod";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { defineRoute, mountApiRoutes, type ApiRoute } from "../../src/http/routes/api/openapi.ts";
import { documented, recordUndeclared, undeclaredAnswersOf } from "../../src/http/routes/api/declared-errors.ts";
import { createApiAuth, apiAudience } from "../../src/http/routes/api/auth.ts";
import { apiErrors } from "../../src/http/api-errors.ts";
import { parseJsonBody } from "../../src/http/body.ts";
import { catalogueError } from "../../src/http/errors.ts";
import type { AppContext } from "../../src/http/web-context.ts";

const routes: ApiRoute[] = [
  defineRoute({
    method: "get",
    path: "/api/v1/probe/undeclared",
    summary: "answers a 404 it does not declare",
    tags: ["Probe"],
    access: { token: "public" },
    response: { status: 204, description: "never" },
    handle: () => {
      throw catalogueError("outbox.not_found");
    },
  }),
  defineRoute({
    method: "get",
    path: "/api/v1/probe/other-code",
    summary: "declares a 409, answers another 409",
    tags: ["Probe"],
    access: { token: "public" },
    response: { status: 204, description: "never" },
    errors: [documented("outbox.not_dead")],
    handle: () => {
      throw catalogueError("client.public");
    },
  }),
  defineRoute({
    method: "get",
    path: "/api/v1/probe/declared",
    summary: "answers the 409 it declares",
    tags: ["Probe"],
    access: { token: "public" },
    response: { status: 204, description: "never" },
    errors: [documented("outbox.not_dead")],
    handle: () => {
      throw catalogueError("outbox.not_dead");
    },
  }),
  defineRoute({
    method: "post",
    path: "/api/v1/probe/body",
    summary: "a body route",
    tags: ["Probe"],
    access: { token: "public" },
    body: z.object({ name: z.string() }),
    response: { status: 204, description: "done" },
    handle: () => undefined,
  }),
  defineRoute({
    method: "get",
    path: "/api/v1/probe/direct",
    summary: "sets a 418 itself, not by throwing",
    tags: ["Probe"],
    access: { token: "public" },
    response: { status: 204, description: "never" },
    handle: (ctx) => {
      ctx.throw(418);
    },
  }),
];

describe("undeclared API answers fail the tests", () => {
  let t: TestApp;
  const servers: http.Server[] = [];
  beforeAll(async () => {
    t = await startTestApp();
  }, 60_000);
  afterAll(async () => {
    for (const s of servers) s.close();
    await t?.close();
  });

  /** the probe routes mounted for `app` on their own server; its base URL */
  async function serve(app: AppContext): Promise<string> {
    const router = new Router();
    const parse = parseJsonBody("10kb");
    // as registerApiRoutes: JSON only
    const json: Middleware = async (ctx, next) => {
      if (!ctx.is("application/json")) throw catalogueError("request.unsupported_type");
      await parse(ctx, next);
    };
    mountApiRoutes(router, app, routes, { errors: apiErrors(apiAudience(app.config.issuer)), auth: createApiAuth(app), json });
    const koa = new Koa();
    koa.silent = true;
    koa.use(router.routes());
    const server = http.createServer(koa.callback());
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  /** an app like the test's with its own record, its log's warnings kept in `warnings` */
  const probeApp = (env: "test" | "production", warnings: unknown[]): AppContext =>
    ({
      ...t.app,
      config: { ...t.app.config, env },
      log: {
        ...t.app.log,
        warn: (obj: unknown) => {
          warnings.push(obj);
        },
      },
    }) as unknown as AppContext;

  it("under NODE_ENV=test each undeclared answer is recorded (the answer itself is unchanged); declared ones are not", async () => {
    const warnings: unknown[] = [];
    const app = probeApp("test", warnings);
    const base = await serve(app);
    const undeclared = await fetch(`${base}/api/v1/probe/undeclared`);
    expect(undeclared.status).toBe(404);
    expect(((await undeclared.json()) as { code: string }).code).toBe("outbox.not_found");
    expect((await fetch(`${base}/api/v1/probe/other-code`)).status).toBe(409);
    expect((await fetch(`${base}/api/v1/probe/declared`)).status).toBe(409);
    // the body parser's and the schema's refusals are implied by the body: declared
    expect(
      (await fetch(`${base}/api/v1/probe/body`, { method: "POST", headers: { "content-type": "text/plain" }, body: "x" })).status,
    ).toBe(415);
    expect(
      (await fetch(`${base}/api/v1/probe/body`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status,
    ).toBe(400);
    expect((await fetch(`${base}/api/v1/probe/direct`)).status).toBe(418);
    expect(undeclaredAnswersOf(app)).toEqual([
      "GET /api/v1/probe/undeclared: 404 outbox.not_found: the route documents no 404",
      "GET /api/v1/probe/other-code: 409 client.public: the route's 409 does not name this code",
      "GET /api/v1/probe/direct: 418 i_m_a_teapot: the route documents no 418",
    ]);
    expect(warnings).toHaveLength(3);
    // the test's own app answered nothing undeclared
    expect(undeclaredAnswersOf(t.app)).toEqual([]);
  });

  it("in production the same answer is only logged, never recorded", async () => {
    const warnings: unknown[] = [];
    const app = probeApp("production", warnings);
    const base = await serve(app);
    const res = await fetch(`${base}/api/v1/probe/undeclared`);
    expect(res.status).toBe(404);
    expect(warnings).toEqual([
      expect.objectContaining({
        method: "get",
        path: "/api/v1/probe/undeclared",
        undeclared: "404 outbox.not_found: the route documents no 404",
      }),
    ]);
    expect(undeclaredAnswersOf(app)).toEqual([]);
  });

  it("the test app's close() fails when its app answered an undeclared error (after cleaning up)", async () => {
    const other = await startTestApp();
    recordUndeclared(other.app, "GET /api/v1/probe/undeclared: 404 outbox.not_found: the route documents no 404");
    await expect(other.close()).rejects.toThrow(
      /declarations do not document[\s\S]*GET \/api\/v1\/probe\/undeclared: 404 outbox.not_found/,
    );
  }, 60_000);
});
