// WORKERS=2: /metrics on either worker reports the sum over both (prom-client's AggregatorRegistry through the
// primary), so every scrape, whichever worker answers it, sees all the sign-ins; with METRICS_PORT the primary
// serves that sum on the management port and the main port no longer answers /metrics.
import { describe, it, expect, afterAll, beforeAll } from "vitest";
import { spawn, execFile, type ChildProcess } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { randomBytes } from "node:crypto";
import { createTestDatabase, deleteRedisPrefix, freePort, testRedisPrefix } from "../helpers/databases.ts";
import { TEST_REDIS_URL } from "../helpers/env.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";
import { parseMetrics } from "../helpers/metrics.ts";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");
const REDIRECT = "https://rp.example.test/cb";
const EMAIL = "metrics-cluster@example.test";
const PASSWORD = "cluster metrics passphrase 2026";

/** a fresh connection each time, so the kernel's round robin hands scrapes to both workers */
const scrape = async (url: string) => {
  const res = await fetch(url, { headers: { connection: "close" } });
  return { status: res.status, text: await res.text() };
};

describe("metrics from server processes: WORKERS=2 summed, METRICS_PORT", () => {
  let server: ChildProcess | undefined;
  const prefix = testRedisPrefix();
  let dropDatabase = async () => {};
  let env: NodeJS.ProcessEnv;
  let client: { client_id: string; client_secret: string };
  afterAll(async () => {
    server?.kill("SIGKILL");
    await dropDatabase();
    await deleteRedisPrefix(prefix);
  });

  async function start(extra: Record<string, string>, ready = "all workers listening"): Promise<void> {
    server = spawn(path.join(ROOT, "node_modules/.bin/tsx"), ["src/main.ts"], {
      cwd: ROOT,
      env: { ...env, ...extra },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    server.stdout!.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    for (let i = 0; i < 300 && !stdout.includes(ready); i++) await new Promise((r) => setTimeout(r, 100));
    expect(stdout).toContain(ready);
  }
  async function stop(): Promise<void> {
    const exited = new Promise<number | null>((r) => server!.on("exit", (code) => r(code)));
    server!.kill("SIGINT");
    expect(await exited).toBe(0);
    server = undefined;
  }

  beforeAll(async () => {
    const db = await createTestDatabase();
    dropDatabase = db.drop;
    env = {
      ...process.env,
      NODE_ENV: "development",
      HOST: "127.0.0.1",
      WORKERS: "2",
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      COOKIE_KEYS: randomBytes(32).toString("base64url"),
      MASTER_KEY: randomBytes(32).toString("base64"),
      PW: PASSWORD,
      DEVICE_APPROVAL: "off",
    };
    await run("npm", ["run", "-s", "create-admin", "--", "--email", EMAIL, "--password-env", "PW"], { cwd: ROOT, env });
    const created = await run("npm", ["run", "-s", "create-client", "--", "--name", "Metrics RP", "--redirect-uri", REDIRECT, "--json"], {
      cwd: ROOT,
      env,
    });
    client = JSON.parse(created.stdout.trim().split("\n").pop()!) as typeof client;
  }, 60_000);

  it("answers the sum over both workers on the main port, whichever worker takes the scrape", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    await start({ PORT: String(port), ISSUER: base });
    const rp = await discover(base, client.client_id, client.client_secret);
    for (let i = 0; i < 3; i++) await loginWithCode(rp, new TestBrowser(base), REDIRECT, { identifier: EMAIL, password: PASSWORD });
    for (let i = 0; i < 6; i++) {
      const { status, text } = await scrape(`${base}/metrics`);
      expect(status).toBe(200);
      const m = parseMetrics(text);
      expect(m.get('gatehouse_logins_total{result="success",method="password"}')).toBe(3);
      expect(m.get('gatehouse_tokens_issued_total{grant_type="authorization_code"}')).toBe(3);
      expect(m.get('gatehouse_http_request_duration_seconds_count{route="oidc:token",method="POST",status="2xx"}')).toBe(3);
      // the gauges read when scraped are there too (each worker reads the shared table; the sum takes the highest)
      expect(m.get('gatehouse_outbox_pending{kind="email"}')).toBe(0);
    }
    await stop();
  }, 120_000);

  it("serves the sum on METRICS_PORT from the primary, and no /metrics on the main port", async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const base = `http://127.0.0.1:${port}`;
    await start({ PORT: String(port), ISSUER: base, METRICS_PORT: String(metricsPort) });
    const rp = await discover(base, client.client_id, client.client_secret);
    for (let i = 0; i < 2; i++) await loginWithCode(rp, new TestBrowser(base), REDIRECT, { identifier: EMAIL, password: PASSWORD });
    expect((await scrape(`${base}/metrics`)).status).toBe(404);
    const { status, text } = await scrape(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(status).toBe(200);
    expect(parseMetrics(text).get('gatehouse_logins_total{result="success",method="password"}')).toBe(2); // a new start: counters from 0
    expect((await scrape(`http://127.0.0.1:${metricsPort}/healthz`)).status).toBe(404);
    await stop();
  }, 120_000);

  it("a single process (WORKERS=1) serves its own metrics on METRICS_PORT", async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const base = `http://127.0.0.1:${port}`;
    await start(
      { PORT: String(port), ISSUER: base, METRICS_PORT: String(metricsPort), WORKERS: "1" },
      "metrics served on the management port",
    );
    const rp = await discover(base, client.client_id, client.client_secret);
    await loginWithCode(rp, new TestBrowser(base), REDIRECT, { identifier: EMAIL, password: PASSWORD });
    expect((await scrape(`${base}/metrics`)).status).toBe(404);
    const { status, text } = await scrape(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(status).toBe(200);
    expect(parseMetrics(text).get('gatehouse_logins_total{result="success",method="password"}')).toBe(1);
    await stop();
  }, 120_000);
});
