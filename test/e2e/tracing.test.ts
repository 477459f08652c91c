// OpenTelemetry tracing on a real server process (the instrumentations must load before the server's modules):
// with OTEL_EXPORTER_OTLP_ENDPOINT pointing at a loopback OTLP/HTTP receiver, a real password sign-in through the
// pages (openid-client) exports spans: the HTTP requests named by route template, the login step with its
// outcome, Postgres queries and Redis commands inside the same traces; and none of the exported data holds the
// password, the authorization code, the tokens, the client secret, a cookie or a query string. Probes are not traced.
import { describe, it, expect, afterAll } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { createTestDatabase, deleteRedisPrefix, freePort, testRedisPrefix } from "../helpers/databases.ts";
import { TEST_REDIS_URL } from "../helpers/env.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";
import { loadConfig } from "../../src/config/load.ts";
import { createContext } from "../../src/context.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const REDIRECT = "https://rp.example.test/cb";

type Attr = { key: string; value: { stringValue?: string; intValue?: string | number } };
type OtlpSpan = { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: Attr[] };
type Export = { resourceSpans: { resource?: { attributes?: Attr[] }; scopeSpans: { scope?: { name: string }; spans: OtlpSpan[] }[] }[] };

const attr = (s: OtlpSpan, key: string) => s.attributes?.find((a) => a.key === key)?.value.stringValue;

describe("OpenTelemetry traces", () => {
  let server: ChildProcess | undefined;
  let receiver: http.Server | undefined;
  const prefix = testRedisPrefix();
  let dropDatabase = async () => {};
  const bodies: string[] = [];
  afterAll(async () => {
    server?.kill("SIGKILL");
    receiver?.closeAllConnections();
    await new Promise((r) => (receiver ? receiver.close(r) : r(null)));
    await dropDatabase();
    await deleteRedisPrefix(prefix);
  });
  const spans = (): OtlpSpan[] =>
    bodies.flatMap((b) => (JSON.parse(b) as Export).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));

  it("exports request, login-step, Postgres and Redis spans of a real sign-in, without secrets", async () => {
    receiver = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString("utf8");
      });
      req.on("end", () => {
        if (req.url === "/v1/traces" && req.method === "POST") bodies.push(body);
        res.setHeader("content-type", "application/json");
        res.end("{}");
      });
    });
    await new Promise<void>((r) => receiver!.listen(0, "127.0.0.1", r));
    const otlp = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

    const db = await createTestDatabase();
    dropDatabase = db.drop;
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      NODE_ENV: "development",
      PORT: String(port),
      HOST: "127.0.0.1",
      ISSUER: base,
      WORKERS: "1",
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      LOG_LEVEL: "info",
      COOKIE_KEYS: randomBytes(32).toString("base64url"),
      MASTER_KEY: randomBytes(32).toString("base64"),
      DEVICE_APPROVAL: "off",
      RISK_RULES: "off",
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
      OTEL_BSP_SCHEDULE_DELAY: "200",
      OTEL_SERVICE_NAME: "gatehouse-test",
    };
    server = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    server.stdout!.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    for (let i = 0; i < 900 && !stdout.includes("Gatehouse is running"); i++) await new Promise((r) => setTimeout(r, 100));
    expect(stdout).toContain("Gatehouse is running");

    // a user and a client, written by a second context on the same database
    const setup = await createContext(loadConfig({ ...env, OTEL_EXPORTER_OTLP_ENDPOINT: "" }));
    const password = `correct horse ${randomBytes(6).toString("hex")}`;
    const email = `traced-${randomBytes(4).toString("hex")}@example.test`;
    let clientId: string;
    let clientSecret: string;
    try {
      await setup.queries.users.create({
        email,
        emailNormalized: email,
        username: email.split("@")[0]!,
        usernameNormalized: email.split("@")[0]!,
        passwordHash: await setup.services.passwords.hash(password),
        emailVerified: true,
      });
      const made = await setup.services.clients.create({
        name: "Traced RP",
        type: "confidential",
        redirectUris: [REDIRECT],
        firstParty: true,
      });
      clientId = made.client.id;
      clientSecret = made.secret!;
    } finally {
      await setup.close();
    }

    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const linkToken = randomBytes(32).toString("base64url"); // an emailed link's token in the path
    await fetch(`${base}/invitations/${linkToken}`);
    const browser = new TestBrowser(base);
    const rp = await discover(base, clientId, clientSecret);
    const { tokens, pages } = await loginWithCode(rp, browser, REDIRECT, { identifier: email, password });
    const code = new URL(pages.at(-1)!.url).searchParams.get("code")!;
    expect(code).toBeTruthy();

    const wanted = (all: OtlpSpan[]) =>
      all.some((s) => s.name === "login.first_factor.password") && all.some((s) => s.name === "POST oidc:token");
    for (let i = 0; i < 100 && !wanted(spans()); i++) await new Promise((r) => setTimeout(r, 100));
    const all = spans();

    const login = all.find((s) => s.name === "login.first_factor.password");
    expect(login, JSON.stringify(all.map((s) => s.name))).toBeDefined();
    expect(attr(login!, "gatehouse.login.outcome")).toBe("done");
    const request = all.find((s) => s.spanId === login!.parentSpanId);
    expect(request?.kind).toBe(2); // SERVER
    expect(request?.name).toBe("POST /interaction/:uid/login"); // the route template, never the interaction's id
    const inTrace = all.filter((s) => s.traceId === login!.traceId);
    const isPg = (s: OtlpSpan) => attr(s, "db.system") === "postgresql" || attr(s, "db.system.name") === "postgresql";
    const isRedis = (s: OtlpSpan) => attr(s, "db.system") === "redis" || attr(s, "db.system.name") === "redis";
    expect(inTrace.filter(isPg).length, JSON.stringify(inTrace.map((s) => s.name))).toBeGreaterThan(0);
    expect(inTrace.filter(isRedis).length, JSON.stringify(inTrace.map((s) => s.name))).toBeGreaterThan(0);
    const served = all.filter((s) => s.kind === 2).map((s) => s.name);
    expect(served).toEqual(
      expect.arrayContaining(["GET oidc:discovery", "GET oidc:authorization", "GET /interaction/:uid", "POST oidc:token"]),
    );
    expect(all.some((s) => /healthz/.test(JSON.stringify(s.attributes ?? [])))).toBe(false); // probes are not traced
    expect(bodies.join("")).toContain('"gatehouse-test"');

    const exported = bodies.join("\n");
    expect(exported).not.toContain(linkToken);
    expect(exported).toContain("/invitations/:token");
    // the access log line of the sign-in's request names its trace (stdout is buffered, flushed every 250 ms)
    const logLine = new RegExp(`"traceId":"${login!.traceId}"[^\\n]*"path":"/interaction/[^"]+/login"`);
    for (let i = 0; i < 50 && !logLine.test(stdout); i++) await new Promise((r) => setTimeout(r, 100));
    expect(stdout).toMatch(logLine);
    const cookies = (await browser.jar.getCookies(base)).map((c) => c.value).filter((v) => v.length >= 16);
    expect(cookies.length).toBeGreaterThan(0);
    for (const secret of [password, code, clientSecret, tokens.access_token, tokens.id_token!, tokens.refresh_token!, ...cookies]) {
      expect(exported.includes(secret), `a secret (${secret.slice(0, 6)}…) was exported`).toBe(false);
    }
    expect(exported).not.toMatch(/code_challenge=|[?&]state=|[?&]code=/);
    expect(exported).not.toContain(prefix); // Redis spans name the command, never its keys (session and token ids)
  }, 180_000);
});
