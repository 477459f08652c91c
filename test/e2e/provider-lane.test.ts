// The provider's machine-facing endpoints take their own lane (src/http/provider-lane.ts): a well-formed request
// gets a request id, one access-log line, the request histogram, the API's security headers and public caching for
// the JWKS, on a real app over real HTTP. Anything else takes the whole way through the app and is answered as
// before: another method (404 page, CORS preflight), a NUL in the query, and in production plain HTTP or a
// foreign host.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { pino } from "pino";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { parseMetrics } from "../helpers/metrics.ts";
import { rawRequest as send } from "../helpers/raw-request.ts";

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;
const FORM = "application/x-www-form-urlencoded";
/** helmet's headers for documents, which the machine endpoints leave out */
const DOCUMENT_ONLY = [
  "x-dns-prefetch-control",
  "cross-origin-opener-policy",
  "origin-agent-cluster",
  "x-download-options",
  "x-xss-protection",
];

describe("the provider's lane", () => {
  let t: TestApp;
  let machine: { clientId: string; clientSecret: string };
  const accessLines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    t = await startTestApp({ LOG_LEVEL: "info" });
    // every access-log line, through pino's documented stream symbol (as login-errors.test.ts does)
    (t.app.accessLog as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = {
      write: (line: string) => accessLines.push(JSON.parse(line) as Record<string, unknown>),
    };
    const created = await t.createClient({ name: "Lane service", type: "confidential", grantTypes: ["client_credentials"] });
    machine = { clientId: created.clientId, clientSecret: created.clientSecret! };
  });
  afterAll(async () => {
    await t?.close();
  });

  const tokenRequest = (headers: Record<string, string> = {}, query = "") =>
    send(
      t.url,
      "POST",
      `/token${query}`,
      { "content-type": FORM, authorization: basic(machine.clientId, machine.clientSecret), ...headers },
      "grant_type=client_credentials",
    );

  it("a token request: its request id, the API's headers, one access-log line and the histogram", async () => {
    const histogram = 'gatehouse_http_request_duration_seconds_count{route="oidc:token",method="POST",status="2xx"}';
    const before = parseMetrics(await (await fetch(`${t.url}/metrics`)).text()).get(histogram) ?? 0;
    accessLines.length = 0;

    const res = await tokenRequest({ "x-request-id": "lane-test-0001" });

    expect(res.status).toBe(200);
    expect((JSON.parse(res.body) as { access_token?: string }).access_token).toBeTruthy();
    expect(res.headers["x-request-id"]).toBe("lane-test-0001");
    expect(res.headers["content-security-policy"]).toBe("default-src 'none';frame-ancestors 'none'");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["referrer-policy"]).toBe("same-origin");
    expect(res.headers["cache-control"]).toBe("no-store"); // the provider's own, untouched
    expect(res.headers["strict-transport-security"]).toBeUndefined(); // production only (below)
    for (const name of DOCUMENT_ONLY) expect(res.headers[name]).toBeUndefined();

    expect(accessLines).toHaveLength(1);
    expect(accessLines[0]).toMatchObject({ requestId: "lane-test-0001", method: "POST", path: "/token", status: 200, msg: "request" });
    expect(JSON.stringify(accessLines[0])).not.toContain(machine.clientSecret);
    const after = parseMetrics(await (await fetch(`${t.url}/metrics`)).text()).get(histogram) ?? 0;
    expect(after - before).toBe(1);
  });

  it("an id of its own when the caller's is missing or not sane", async () => {
    const res = await tokenRequest({ "x-request-id": "bad id with spaces" });
    expect(res.status).toBe(200);
    expect(res.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("the JWKS and discovery may be cached, briefly", async () => {
    for (const path of ["/jwks", "/.well-known/openid-configuration"]) {
      const res = await send(t.url, "GET", path, {});
      expect(res.status).toBe(200);
      expect(res.headers["cache-control"]).toBe("public, max-age=300");
      expect(res.headers["x-request-id"]).toBeTruthy();
      expect(res.headers["content-security-policy"]).toBe("default-src 'none';frame-ancestors 'none'");
    }
  });

  it("a bad token request is the provider's JSON error, still with the lane's headers", async () => {
    const res = await send(
      t.url,
      "POST",
      "/token",
      { "content-type": FORM, authorization: basic(machine.clientId, "wrong") },
      "grant_type=client_credentials",
    );
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ error: "invalid_client" });
    expect(res.headers["x-request-id"]).toBeTruthy();
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
  });

  it("another method takes the whole way: the 404 page with the documents' headers", async () => {
    const res = await send(t.url, "GET", "/token", { accept: "text/html" });
    expect(res.status).toBe(404);
    expect(res.headers["content-type"]).toContain("text/html");
    expect(res.headers["x-dns-prefetch-control"]).toBe("off");
    expect(res.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(res.headers["x-request-id"]).toBeTruthy();
  });

  it("a CORS preflight takes the whole way and is answered by the provider", async () => {
    const res = await send(t.url, "OPTIONS", "/token", {
      origin: "https://spa.example.test",
      "access-control-request-method": "POST",
    });
    expect(res.status).toBe(204);
    expect(res.headers["access-control-allow-origin"]).toBe("https://spa.example.test");
  });

  it("a NUL in the query string is refused with 400, as everywhere", async () => {
    const res = await tokenRequest({}, "?x=%00");
    expect(res.status).toBe(400);
    expect(res.body).not.toContain("access_token");
  });
});

describe("the provider's lane in production", () => {
  const ISSUER = "https://idp.example.test";
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let machine: { clientId: string; clientSecret: string };

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({
      NODE_ENV: "production",
      ISSUER,
      TRUST_PROXY: "true",
      SMTP_URL: sink.url,
      RESOURCE_SERVERS: "https://api.example.test",
    });
    const created = await t.createClient({ name: "Lane service", type: "confidential", grantTypes: ["client_credentials"] });
    machine = { clientId: created.clientId, clientSecret: created.clientSecret! };
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  const tokenRequest = (headers: Record<string, string>) =>
    send(
      t.url,
      "POST",
      "/token",
      { "content-type": FORM, authorization: basic(machine.clientId, machine.clientSecret), ...headers },
      "grant_type=client_credentials",
    );

  it("over HTTPS for the issuer's host: answered, with HSTS", async () => {
    const res = await tokenRequest({ host: "idp.example.test", "x-forwarded-proto": "https" });
    expect(res.status).toBe(200);
    expect(res.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
  });

  it("over plain HTTP: refused with 403, nothing issued", async () => {
    const res = await tokenRequest({ host: "idp.example.test" });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ error: "https_required" });
  });

  it("for a foreign host: refused with 400, nothing issued", async () => {
    const foreign: Record<string, string>[] = [{ host: "evil.test" }, { host: "idp.example.test", "x-forwarded-host": "evil.test" }];
    for (const headers of foreign) {
      const res = await tokenRequest({ ...headers, "x-forwarded-proto": "https" });
      expect(res.status).toBe(400);
      expect(res.body).not.toContain("access_token");
    }
  });
});
