// The REST API's OpenAPI document against a real Gatehouse: /api/v1/openapi.json validates against the
// OpenAPI 3.1 schema (@seriousme/openapi-schema-validator); every route under /api/v1 on the router the app
// serves (createApp's, so a route mounted outside the registry counts too) is in the document with each of its
// methods, and every documented operation is on that router (a stray route is shown to be noticed); the documented
// access matches what the routes do; the 405 answers come from the same declarations. The Swagger UI page loads
// its scripts and styles from this server (npm packages, no CDN, no inline script) under the strict CSP;
// /api/redoc (ReDoc, dropped for the lean image) redirects there.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import Router from "@koa/router";
import { Validator } from "@seriousme/openapi-schema-validator";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import type Koa from "koa";
import { createApp } from "../../src/app.ts";

type Operation = {
  operationId?: string;
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  "x-gatehouse-access"?: string;
  "x-gatehouse-permission"?: string;
  parameters?: { name: string; in: string }[];
};
type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }>; securitySchemes: Record<string, unknown> };
};

const require = createRequire(import.meta.url);
/** the docs pages' assets and the npm files they must be */
const VENDOR: Record<string, string> = {
  "/api/docs/assets/swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
  "/api/docs/assets/swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
};
const toOpenApi = (path: string) => path.replace(/:(\w+)/g, "{$1}");

/** the router a Koa app built by createApp serves (@koa/router's dispatch middleware carries it) */
function servedRouter(koa: Koa): Router {
  const routers = koa.middleware.map((m) => (m as { router?: Router }).router).filter((r): r is Router => r !== undefined);
  expect(routers).toHaveLength(1);
  return routers[0]!;
}

/** "method path" for each /api/v1 layer of the router (every method but the implied HEAD) and of the document */
function compare(router: Router, document: Doc) {
  const served = new Set<string>();
  for (const layer of router.stack) {
    if (typeof layer.path !== "string" || !layer.path.startsWith("/api/v1")) continue;
    const methods = layer.methods.filter((m) => m !== "HEAD");
    if (methods.length === 0) served.add(`use ${toOpenApi(layer.path)}`); // middleware under /api/v1 is a route the document cannot describe
    for (const method of methods) served.add(`${method.toLowerCase()} ${toOpenApi(layer.path)}`);
  }
  const documented = new Set(Object.entries(document.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`)));
  return {
    served,
    undocumented: [...served].filter((op) => !documented.has(op)).sort(),
    unserved: [...documented].filter((op) => !served.has(op)).sort(),
  };
}

describe("OpenAPI document and API docs pages", () => {
  let t: TestApp;
  let doc: Doc;

  beforeAll(async () => {
    t = await startTestApp();
    const res = await fetch(`${t.url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    doc = (await res.json()) as Doc;
  });
  afterAll(async () => {
    await t?.close();
  });

  it("validates against the OpenAPI 3.1 schema", async () => {
    const validator = new Validator();
    const result = await validator.validate(doc as unknown as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? [], JSON.stringify(result.errors)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it("has every /api/v1 route of the app's router with its methods, and nothing the router does not serve", () => {
    const router = servedRouter(createApp(t.app));
    const { served, undocumented, unserved } = compare(router, doc);
    expect(undocumented, "served under /api/v1 but not in the document").toEqual([]);
    expect(unserved, "in the document but not served").toEqual([]);
    // the routes this session added are among them
    for (const op of [
      "get /api/v1/me",
      "get /api/v1/me/sessions",
      "delete /api/v1/me/sessions/{sessionId}",
      "get /api/v1/me/devices",
      "delete /api/v1/me/devices/{deviceId}",
      "get /api/v1/me/two-factor",
      "get /api/v1/me/teams",
      "get /api/v1/openapi.json",
      "put /api/v1/permissions",
      "get /api/v1/permissions",
      "get /api/v1/users/{userId}/sessions",
      "delete /api/v1/users/{userId}/sessions",
      "delete /api/v1/users/{userId}/sessions/{sessionId}",
    ]) {
      expect(served.has(op), op).toBe(true);
    }
  });

  it("the comparison notices a route mounted outside the registry, and a documented operation nobody serves", () => {
    const router = servedRouter(createApp(t.app));
    router.get("/api/v1/stray/:id", (ctx) => {
      ctx.body = {};
    });
    router.post("/api/v1/me", (ctx) => {
      ctx.body = {};
    });
    const extra: Doc = { ...doc, paths: { ...doc.paths, "/api/v1/ghost": { get: { responses: {} } } } };
    const { undocumented, unserved } = compare(router, extra);
    expect(undocumented).toEqual(["get /api/v1/stray/{id}", "post /api/v1/me"]);
    expect(unserved).toEqual(["get /api/v1/ghost"]);
  });

  it("documents each route's access, parameters, answers and errors", () => {
    const me = doc.paths["/api/v1/me"]!.get!;
    expect(me["x-gatehouse-access"]).toBe("user");
    expect(me.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(me.responses).sort()).toEqual(["200", "400", "401", "403"]);
    expect(doc.paths["/api/v1/openapi.json"]!.get!.security).toEqual([]);
    expect(doc.paths["/api/v1/permissions"]!.put!["x-gatehouse-access"]).toBe("client");
    expect(doc.paths["/api/v1/users/{userId}/sessions"]!.get!["x-gatehouse-permission"]).toBe("gatehouse.admin.users.read");
    const del = doc.paths["/api/v1/me/sessions/{sessionId}"]!.delete!;
    expect(Object.keys(del.responses).sort()).toEqual(["204", "400", "401", "403", "404"]);
    expect(del.parameters).toEqual([expect.objectContaining({ name: "sessionId", in: "path" })]);
    const list = doc.paths["/api/v1/me/sessions"]!.get!;
    expect(list.parameters!.map((p) => `${p.in}:${p.name}`).sort()).toEqual(["query:cursor", "query:limit"]);
    // every error answer is the {code, message, data} schema
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const [status, answer] of Object.entries(op.responses)) {
          if (Number(status) >= 400)
            expect(answer.content?.["application/json"]?.schema, `${method} ${path} ${status}`).toEqual({
              $ref: "#/components/schemas/Error",
            });
        }
      }
    }
    expect(Object.keys(doc.components.schemas.Error!.properties!).sort()).toEqual(["code", "data", "message"]);
    // the profile lists exactly what GET /me returns: no hash, no secret
    expect(Object.keys(doc.components.schemas.MeProfile!.properties!).sort()).toEqual([
      "createdAt",
      "email",
      "emailVerified",
      "id",
      "name",
      "systemRole",
      "username",
    ]);
  });

  it("answers 405 with Allow from the declarations, 404 for unknown paths", async () => {
    const cases: [string, string, string][] = [
      ["POST", "/api/v1/me", "DELETE, GET, HEAD"], // DELETE: delete my account (#21)
      ["GET", "/api/v1/me/sessions/abc", "DELETE"],
      ["PUT", "/api/v1/me/devices", "GET, HEAD"],
      ["DELETE", "/api/v1/openapi.json", "GET, HEAD"],
      ["PUT", "/api/v1/users/x/sessions", "DELETE, GET, HEAD"],
    ];
    for (const [method, path, allow] of cases) {
      const res = await fetch(`${t.url}${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get("allow")).toBe(allow);
      expect(await res.json()).toMatchObject({ code: "method_not_allowed", data: {} });
    }
    const missing = await fetch(`${t.url}/api/v1/me/nothing`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { code: string }).code).toBe("not_found");
  });

  /** the page, its CSP, and every script and stylesheet it loads (fetched: 200, from this server) */
  async function loadPage(path: string) {
    const res = await fetch(`${t.url}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    const csp = res.headers.get("content-security-policy") ?? "";
    const directives = Object.fromEntries(
      csp
        .split(";")
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values]),
    );
    // no inline script: every <script> has a src
    expect(html.match(/<script\b[^>]*>/g)!.every((tag) => /\bsrc="/.test(tag))).toBe(true);
    const assets = [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    for (const asset of assets) {
      expect(asset.startsWith("/"), `${asset} is served by this server`).toBe(true);
      const a = await fetch(`${t.url}${asset}`);
      expect(a.status, asset).toBe(200);
      expect(a.headers.get("content-type"), asset).toMatch(asset.endsWith(".css") ? /^text\/css/ : /javascript/);
      const body = Buffer.from(await a.arrayBuffer());
      const vendor = VENDOR[asset];
      if (vendor) expect(body.equals(readFileSync(require.resolve(vendor))), `${asset} is ${vendor}`).toBe(true);
      else expect(body.byteLength, asset).toBeGreaterThan(0);
    }
    return { html, directives, assets };
  }

  it("Swagger UI at /api/docs: swagger-ui-dist's files from this server, started by a script file, its own CSP", async () => {
    const { html, directives, assets } = await loadPage("/api/docs");
    expect(assets).toEqual(["/api/docs/assets/swagger-ui.css", "/api/docs/assets/swagger-ui-bundle.js", "/static/js/api-docs.js"]);
    expect(html).toContain('data-spec-url="/api/v1/openapi.json"');
    expect(directives["script-src"]).toEqual(["'self'"]);
    expect(directives["style-src"]).toEqual(["'self'"]);
    expect(directives["connect-src"]).toEqual(["'self'"]);
    expect(directives["frame-ancestors"]).toEqual(["'none'"]);
    expect(directives["worker-src"]).toEqual(["'none'"]);
  });

  it("one viewer only: /api/redoc (ReDoc, dropped for the lean image) redirects to /api/docs; its bundle is not served", async () => {
    const res = await fetch(`${t.url}/api/redoc`, { redirect: "manual" });
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toBe("/api/docs");
    expect((await fetch(`${t.url}/api/docs/assets/redoc.standalone.js`)).status).toBe(404);
  });

  it("serves only the listed assets, and the rest of the site keeps the strict CSP", async () => {
    for (const path of ["/api/docs/assets/package.json", "/api/docs/assets/..%2F..%2Fpackage.json", "/api/docs/assets/index.html"]) {
      const res = await fetch(`${t.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { code: string }).code).toBe("not_found");
    }
    for (const path of ["/", "/api/v1/openapi.json", "/static/js/api-docs.js"]) {
      const csp = (await fetch(`${t.url}${path}`)).headers.get("content-security-policy") ?? "";
      expect(csp, path).toContain("style-src 'self';");
      expect(csp, path).not.toContain("unsafe-inline");
      expect(csp, path).not.toContain("blob:");
    }
  });
});
