// NUL characters are refused at the edge with a 400 (request.invalid_characters) instead of reaching Postgres,
// which refuses them in text (a 500 otherwise): in the path and query string of pages, the REST API and
// oidc-provider's endpoints, and in form and JSON bodies of the pages and the API. Nothing is created.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { hasNul } from "../../src/http/nul-characters.ts";

describe("NUL characters in input", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const send = (path: string, init: RequestInit & { json?: boolean } = {}) =>
    fetch(`${t.url}${path}`, {
      redirect: "manual",
      ...init,
      headers: { accept: init.json ? "application/json" : "text/html", ...(init.headers ?? {}) },
    });

  it("refuses a NUL in the query string or path of pages, the API and the provider's endpoints", async () => {
    for (const path of [
      "/admin/teams?q=a%00b",
      "/admin/roles/system/%00",
      "/login?return_to=%2Faccount%00",
      "/auth?client_id=x&state=%00",
      "/api/v1/users?query=a%00b",
      "/api/v1/teams?query=%00",
    ]) {
      const res = await send(path, { json: path.startsWith("/api/") });
      expect(res.status, path).toBe(400);
      const text = await res.text();
      if (path.startsWith("/api/")) expect(JSON.parse(text), path).toMatchObject({ code: "request.invalid_characters" });
      else expect(text, path).toContain("contains a NUL character");
    }
    // the same kind of URL without it is served
    expect((await send("/forgot-password?email=a%01b")).status).toBe(200);
  });

  it("a NUL in a client id posted to the provider's endpoints is an unknown client, never a 500", async () => {
    for (const path of ["/token", "/token/introspection", "/token/revocation", "/request"]) {
      const res = await fetch(`${t.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: "grant_type=client_credentials&token=x&client_id=x%00y&client_secret=s&response_type=code&redirect_uri=https%3A%2F%2Fa.example.test%2Fcb",
      });
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
      expect(await res.json(), path).toMatchObject({ error: "invalid_client" });
    }
  });

  it("refuses a NUL inside form and JSON bodies before any work is done", async () => {
    const before = await t.app.db.prisma.user.count();
    const form = await send("/register", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url },
      body: "username=nul%00user&email=a%40example.test&password=x",
    });
    expect(form.status).toBe(400);
    const json = await send("/forgot-password", {
      method: "POST",
      json: true,
      headers: { "content-type": "application/json", origin: t.url },
      body: JSON.stringify({ email: "a\u0000@example.test" }),
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ code: "request.invalid_characters", data: { where: "body" } });
    expect(await t.app.db.prisma.user.count()).toBe(before);
  });

  it("finds a NUL anywhere in a parsed body, keys too, however deep", () => {
    expect(hasNul({ a: ["x", { b: "y\u0000" }] })).toBe(true);
    expect(hasNul({ ["k\u0000"]: 1 })).toBe(true);
    let deep: unknown = "\u0000";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(hasNul(deep)).toBe(true);
    expect(hasNul({ a: ["x", { b: "y" }], n: 1, z: null })).toBe(false);
  });
});
