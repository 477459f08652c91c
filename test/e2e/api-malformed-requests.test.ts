// Malformed requests under /api answer the API's JSON error ({code, message, data}) with a 4xx status, whatever the
// Accept header says (a browser's text/html, fetch's */*): never an HTML page, never a stack, never a 500. That holds
// for refusals made before the API's router runs (a NUL in the URL, the global error handler, a path no route
// serves), in the route chain (bad percent-encoding, the body parser) and in the schemas (an over-long value).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { gzipSync } from "node:zlib";
import { startAdminApi, type AdminUsersApi } from "../helpers/api.ts";

type Case = {
  name: string;
  method: string;
  path: string;
  status: number;
  code: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** whether the admin's token goes along (a refusal must not depend on it) */
  anonymous?: boolean;
};

const ACCEPTS = ["text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "*/*"];

describe("malformed requests under /api answer the API's JSON errors", () => {
  let a: AdminUsersApi;
  let token: string;
  beforeAll(async () => {
    a = await startAdminApi({ BODY_LIMIT: "64kb" });
    token = (await a.roleUser("super_admin")).token;
  });
  afterAll(async () => {
    await a?.t.close();
  });

  const json = { "content-type": "application/json" };
  const cases: Case[] = [
    { name: "a NUL in a query value", method: "GET", path: "/api/v1/users?query=%00", status: 400, code: "request.invalid_characters" },
    {
      name: "a NUL inside a query value",
      method: "GET",
      path: "/api/v1/users?query=a%00b",
      status: 400,
      code: "request.invalid_characters",
    },
    {
      name: "a NUL in a query value, upper-case /API",
      method: "GET",
      path: "/API/v1/users?query=%00",
      status: 400,
      code: "request.invalid_characters",
    },
    {
      name: "a NUL in a query value, no token",
      method: "GET",
      path: "/api/v1/users?query=%00",
      status: 400,
      code: "request.invalid_characters",
      anonymous: true,
    },
    { name: "a NUL in a path segment", method: "GET", path: "/api/v1/users/%00", status: 400, code: "request.invalid_characters" },
    { name: "a NUL in an unknown API path", method: "GET", path: "/api/v9/%00", status: 400, code: "request.invalid_characters" },
    {
      name: "truncated percent-encoding in the query",
      method: "GET",
      path: "/api/v1/users?query=%E0%A4%A",
      status: 400,
      code: "request.invalid",
    },
    { name: "a lone % in the query", method: "GET", path: "/api/v1/users?query=100%", status: 400, code: "request.invalid" },
    {
      name: "percent-encoding that is not UTF-8 in the query",
      method: "GET",
      path: "/api/v1/users?query=%FF",
      status: 400,
      code: "request.invalid",
    },
    { name: "truncated percent-encoding in the path", method: "GET", path: "/api/v1/users/%E0%A4%A", status: 400, code: "request.invalid" },
    {
      name: "a query value over its limit",
      method: "GET",
      path: `/api/v1/users?query=${"a".repeat(300)}`,
      status: 400,
      code: "request.invalid",
    },
    {
      name: "a very long query value",
      method: "GET",
      path: `/api/v1/users?query=${"a".repeat(8000)}`,
      status: 400,
      code: "request.invalid",
    },
    {
      name: "malformed JSON",
      method: "POST",
      path: "/api/v1/system-roles",
      headers: json,
      body: '{"a":',
      status: 400,
      code: "request.invalid_json",
    },
    {
      name: "JSON that is not an object or array",
      method: "POST",
      path: "/api/v1/system-roles",
      headers: json,
      body: '"text"',
      status: 400,
      code: "request.invalid_json",
    },
    {
      name: "a NUL in a JSON body",
      method: "POST",
      path: "/api/v1/system-roles",
      headers: json,
      body: '{"key":"a\\u0000b"}',
      status: 400,
      code: "request.invalid_characters",
    },
    {
      name: "a text/plain body",
      method: "POST",
      path: "/api/v1/system-roles",
      headers: { "content-type": "text/plain" },
      body: "hello",
      status: 415,
      code: "request.unsupported_type",
    },
    {
      name: "a form body",
      method: "POST",
      path: "/api/v1/system-roles",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "key=a",
      status: 415,
      code: "request.unsupported_type",
    },
    {
      name: "an unknown Content-Encoding",
      method: "POST",
      path: "/api/v1/system-roles",
      headers: { ...json, "content-encoding": "bogus" },
      body: "{}",
      status: 415,
      code: "request.unsupported_type",
    },
    {
      name: "a gzip Content-Encoding whose body is not gzip",
      method: "POST",
      path: "/api/v1/system-roles",
      headers: { ...json, "content-encoding": "gzip" },
      body: '{"key":"x"}',
      status: 400,
      code: "request.invalid_body",
    },
    {
      name: "a body over the limit",
      method: "POST",
      path: "/api/v1/system-roles",
      headers: json,
      body: JSON.stringify({ key: "x".repeat(100_000) }),
      status: 413,
      code: "request.too_large",
    },
    {
      name: "a gzip body over the limit once inflated",
      method: "POST",
      path: "/api/v1/system-roles",
      headers: { ...json, "content-encoding": "gzip" },
      body: gzipSync(JSON.stringify({ key: "x".repeat(1_000_000) })),
      status: 413,
      code: "request.too_large",
    },
    { name: "an unknown route under /api/v1", method: "GET", path: "/api/v1/nothing-here", status: 404, code: "not_found" },
    { name: "/api itself", method: "GET", path: "/api", status: 404, code: "not_found" },
    { name: "an API path with encoded slashes", method: "GET", path: "/api%2Fv1%2Fusers", status: 404, code: "not_found" },
    { name: "a wrong method", method: "DELETE", path: "/api/v1/users", status: 405, code: "method_not_allowed" },
    {
      name: "a wrong method with a malformed body",
      method: "PATCH",
      path: "/api/v1/users",
      headers: json,
      body: '{"a":',
      status: 405,
      code: "method_not_allowed",
    },
  ];

  it.each(cases)("$name: $method $status $code", async (c) => {
    for (const accept of ACCEPTS) {
      const res = await fetch(`${a.t.url}${c.path}`, {
        method: c.method,
        headers: { accept, ...(c.anonymous ? {} : { authorization: `Bearer ${token}` }), ...c.headers },
        ...(c.body !== undefined ? { body: c.body } : {}),
      });
      const text = await res.text();
      const what = `${c.method} ${c.path.slice(0, 80)} (Accept: ${accept})`;
      expect(res.status, `${what}: ${text.slice(0, 200)}`).toBe(c.status);
      expect(res.headers.get("content-type"), what).toMatch(/^application\/json/);
      expect(res.headers.get("cache-control"), what).toBe("no-store");
      expect(text, what).not.toMatch(/<!doctype|<html/i);
      expect(text, what).not.toMatch(/\n\s+at |\bat [\w.<>]+ \(|node_modules|\.ts:\d+/);
      const body = JSON.parse(text) as { code: unknown; message: unknown; data: unknown };
      expect(Object.keys(body).sort(), what).toEqual(["code", "data", "message"]);
      expect(body.code, what).toBe(c.code);
      expect(typeof body.message, what).toBe("string");
      expect((body.message as string).length, what).toBeGreaterThan(0);
      expect(body.data !== null && typeof body.data === "object" && !Array.isArray(body.data), what).toBe(true);
      if (c.status === 405) expect(res.headers.get("allow"), what).toBeTruthy();
    }
  });

  it("says what was wrong: the NUL's place, the parameter whose encoding is malformed", async () => {
    const call = (path: string) =>
      fetch(`${a.t.url}${path}`, { headers: { authorization: `Bearer ${token}` } }).then(
        (r) => r.json() as Promise<{ message: string; data: Record<string, unknown> }>,
      );
    const nul = await call("/api/v1/users?query=%00");
    expect(nul.message).toMatch(/query string contains a NUL character/);
    expect(nul.data).toEqual({ where: "query string" });
    expect((await call("/api/v1/users/%00")).data).toEqual({ where: "path" });
    const encoding = await call("/api/v1/users?limit=5&query=%E0%A4%A");
    expect(encoding.message).toBe("The request's query is not valid: query: is not valid percent-encoded UTF-8.");
    expect(encoding.data.issues).toEqual([
      { code: "invalid_encoding", path: ["query", "query"], message: "is not valid percent-encoded UTF-8" },
    ]);
    const path = await call("/api/v1/users/%E0%A4%A");
    expect(path.data.issues).toEqual([
      { code: "invalid_encoding", path: ["params"], message: "the URL path is not valid percent-encoded UTF-8" },
    ]);
  });

  it("still serves well-formed input: encoded UTF-8, + for a space, a control character other than NUL finds nothing", async () => {
    for (const path of [
      "/api/v1/users?query=%C3%A9",
      "/api/v1/users?query=a+b",
      "/api/v1/users?query=100%25",
      "/api/v1/users?query=a%01b",
    ]) {
      const res = await fetch(`${a.t.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status, path).toBe(200);
      expect(await res.json(), path).toEqual({ users: [], nextCursor: null });
    }
  });

  it("pages outside /api keep their HTML error pages", async () => {
    const res = await fetch(`${a.t.url}/login?return_to=%00`, { headers: { accept: "text/html" } });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
  });
});
