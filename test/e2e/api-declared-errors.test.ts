// The REST API's refusals against a real Gatehouse: each answers the catalogue's status and words
// (lib/error-catalogue.ts) with its code, and the route's own declaration (the one the OpenAPI document is built
// from) names that code under that status, so a route cannot answer a client error its definition hides.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { randomUUID } from "node:crypto";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { setUpAdminApi, type AdminApi, type Answer } from "../helpers/api.ts";
import { apiRoutes } from "../../src/http/routes/api/index.ts";
import { responsesOf, type ApiRoute } from "../../src/http/routes/api/openapi.ts";
import { undeclaredAnswer } from "../../src/http/routes/api/declared-errors.ts";
import { CATALOGUE, fillMessage, type ErrorCode } from "../../src/lib/error-catalogue.ts";

describe("API refusals: catalogued and declared", () => {
  let t: TestApp;
  let a: AdminApi;
  let routes: ApiRoute[];
  beforeAll(async () => {
    t = await startTestApp();
    a = await setUpAdminApi(t);
    routes = apiRoutes(t.app);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  /** the declaration serving `method path` */
  const routeOf = (method: string, path: string) => {
    const found = routes.find((r) => r.method === method.toLowerCase() && new RegExp(`^${r.path.replace(/:\w+/g, "[^/]+")}$`).test(path));
    if (!found) throw new Error(`no route declares ${method} ${path}`);
    return found;
  };
  const expectCatalogued = (res: Answer, code: ErrorCode, vars?: Record<string, unknown>) => {
    expect({ status: res.status, code: res.body.code, message: res.body.message }).toEqual({
      status: CATALOGUE[code].status,
      code,
      message: fillMessage(CATALOGUE[code].message, vars),
    });
  };

  const cases: [string, string, ErrorCode, unknown?, Record<string, unknown>?][] = [
    ["DELETE", `/api/v1/me/sessions/${"s".repeat(20)}`, "session.not_found"],
    ["DELETE", `/api/v1/me/devices/${randomUUID()}`, "device.not_found"],
    ["POST", `/api/v1/outbox/${randomUUID()}/retry`, "outbox.not_found"],
    ["DELETE", `/api/v1/outbox/${randomUUID()}`, "outbox.not_found"],
    ["GET", "/api/v1/system-roles/no_such_role", "system_role.not_found"],
    ["PATCH", "/api/v1/system-roles/super_admin", "system_role.built_in", { name: "Renamed" }],
    [
      "POST",
      "/api/v1/system-roles",
      "system_role.exists",
      { key: "super_admin", name: "Another", permissions: [] },
      { key: "super_admin" },
    ],
    ["GET", "/api/v1/clients/no-such-client", "client.not_found"],
    ["POST", "/api/v1/clients/no-such-client/secret", "client.not_found"],
  ];

  it.each(cases)("%s %s answers %s as the catalogue words it, and the route declares it", async (method, path, code, body, vars) => {
    const res = await a.call(method, path, a.admin.token, body);
    expectCatalogued(res, code, vars);
    expect(undeclaredAnswer(responsesOf(routeOf(method, path)), { status: res.status, code: String(res.body.code) })).toBeNull();
  });

  it("a body that is not JSON and a method a path does not serve answer the catalogue's words", async () => {
    expectCatalogued(
      await a.call("POST", "/api/v1/system-roles", a.admin.token, "key=x", "application/x-www-form-urlencoded"),
      "request.unsupported_type",
    );
    const wrong = await a.call("PUT", "/api/v1/me/sessions", a.admin.token);
    expectCatalogued(wrong, "method_not_allowed", { methods: "GET, HEAD" });
    expect(wrong.headers.get("allow")).toBe("GET, HEAD");
    expectCatalogued(await a.call("GET", "/api/v1/no-such-thing", a.admin.token), "not_found");
  });

  it("the check sees a refusal a route does not declare", () => {
    // GET /api/v1/me declares no 404 and no 409: the answer the check exists for
    const me = responsesOf(routeOf("GET", "/api/v1/me"));
    expect(undeclaredAnswer(me, { status: 409, code: "system_role.exists" })).toMatch(/documents no 409/);
    expect(undeclaredAnswer(responsesOf(routeOf("GET", "/api/v1/system-roles/x")), { status: 404, code: "client.not_found" })).toMatch(
      /does not name/,
    );
  });
});
