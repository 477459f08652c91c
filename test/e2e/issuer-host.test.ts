// Host header poisoning: every absolute URL comes from ISSUER. A forged Host or X-Forwarded-Host never shows up
// in discovery (or anywhere else); production refuses a request for a foreign host with 400 (except the probe
// paths and ALLOWED_HOSTS); development serves it under the issuer's name. Discovery and JWKS say how long they
// may be cached.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { rawRequest } from "../helpers/raw-request.ts";

const ISSUER = "https://idp.example.test";

const get = (base: string, path: string, headers: Record<string, string>) => rawRequest(base, "GET", path, headers);

describe("the issuer's host only (production)", () => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  const proxied = { "x-forwarded-proto": "https" };

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({
      NODE_ENV: "production",
      ISSUER,
      TRUST_PROXY: "true",
      SMTP_URL: sink.url,
      ALLOWED_HOSTS: "gatehouse.internal:3000",
      RESOURCE_SERVERS: "https://api.example.test",
    });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  it("discovery for the issuer's host names only the issuer, and may be cached", async () => {
    const res = await get(t.url, "/.well-known/openid-configuration", { host: "idp.example.test", ...proxied });
    expect(res.status).toBe(200);
    const doc = JSON.parse(res.body) as Record<string, unknown>;
    expect(doc.issuer).toBe(ISSUER);
    expect(doc.jwks_uri).toBe(`${ISSUER}/jwks`);
    for (const value of Object.values(doc))
      if (typeof value === "string" && value.startsWith("http")) expect(value.startsWith(`${ISSUER}/`) || value === ISSUER).toBe(true);
    expect(res.headers["cache-control"]).toMatch(/max-age=\d+/);
  });

  it("a foreign Host or X-Forwarded-Host is refused with 400 and never shows up", async () => {
    const cases: Record<string, string>[] = [
      { host: "evil.test" },
      { host: "idp.example.test", "x-forwarded-host": "evil.test" },
      { host: "IDP.example.test:444" },
    ];
    for (const headers of cases) {
      const res = await get(t.url, "/.well-known/openid-configuration", { ...headers, ...proxied });
      expect(res.status, JSON.stringify(headers)).toBe(400);
      expect(res.body).not.toContain("evil.test");
      expect(res.headers["cache-control"]).toBe("no-store");
    }
    const auth = await get(t.url, "/auth?client_id=x", { host: "evil.test", ...proxied });
    expect(auth.status).toBe(400);
    expect(auth.headers.location).toBeUndefined();
  });

  it("a foreign Host under /api gets the API's JSON error", async () => {
    for (const path of ["/api/v1/me", "/api", "/API/v1/clients"]) {
      const res = await get(t.url, path, { host: "evil.test", accept: "text/html", ...proxied });
      expect(res.status, path).toBe(400);
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
      expect(res.headers["cache-control"]).toBe("no-store");
      expect(JSON.parse(res.body)).toEqual({
        code: "request.unknown_host",
        message: "This server does not answer for that host name.",
        data: {},
      });
    }
  });

  it("an allowed internal host is answered, with URLs still built from ISSUER", async () => {
    const res = await get(t.url, "/.well-known/openid-configuration", { host: "gatehouse.internal:3000", ...proxied });
    expect(res.status).toBe(200);
    expect((JSON.parse(res.body) as { jwks_uri: string }).jwks_uri).toBe(`${ISSUER}/jwks`);
  });

  it("the host name is compared without case", async () => {
    expect((await get(t.url, "/.well-known/openid-configuration", { host: "IDP.Example.TEST", ...proxied })).status).toBe(200);
  });

  it("probes answer whatever the Host (kubelets call them by pod address)", async () => {
    expect((await get(t.url, "/healthz", { host: "10.1.2.3:3000" })).status).toBe(200);
  });

  it("the JWKS may be cached, briefly", async () => {
    const res = await get(t.url, "/jwks", { host: "idp.example.test", ...proxied });
    expect(res.status).toBe(200);
    expect(res.headers["cache-control"]).toMatch(/max-age=\d+/);
  });
});

describe("the issuer's host only (development)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: "true" });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("another Host or X-Forwarded-Host is served under the issuer's name", async () => {
    const port = new URL(t.url).port;
    const cases: Record<string, string>[] = [{ host: "evil.test" }, { host: `127.0.0.1:${port}`, "x-forwarded-host": "evil.test" }];
    for (const headers of cases) {
      const res = await get(t.url, "/.well-known/openid-configuration", headers);
      expect(res.status).toBe(200);
      expect(res.body).not.toContain("evil.test");
      expect((JSON.parse(res.body) as { jwks_uri: string }).jwks_uri).toBe(`${t.url}/jwks`);
    }
  });
});
