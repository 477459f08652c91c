// SIGTERM on a real server process: /readyz turns 503 "draining" first while requests are still served for
// SHUTDOWN_DELAY_SECONDS (a load balancer stops sending new ones), then the process stops cleanly (exit 0).
import { describe, it, expect, afterAll } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { createTestDatabase, deleteRedisPrefix, freePort, testRedisPrefix } from "../helpers/databases.ts";
import { TEST_REDIS_URL } from "../helpers/env.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");

describe("shutdown drains behind a red readiness", () => {
  let server: ChildProcess | undefined;
  const prefix = testRedisPrefix();
  let dropDatabase = async () => {};
  afterAll(async () => {
    server?.kill("SIGKILL");
    await dropDatabase();
    await deleteRedisPrefix(prefix);
  });

  it("SIGTERM: readiness 503 draining while still serving, then a clean exit", async () => {
    const db = await createTestDatabase();
    dropDatabase = db.drop;
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = {
      ...process.env,
      NODE_ENV: "development",
      PORT: String(port),
      HOST: "127.0.0.1",
      ISSUER: base,
      WORKERS: "1",
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      SHUTDOWN_DELAY_SECONDS: "3",
      COOKIE_KEYS: randomBytes(32).toString("base64url"),
      MASTER_KEY: randomBytes(32).toString("base64"),
    };
    server = spawn(path.join(ROOT, "node_modules/.bin/tsx"), ["src/main.ts"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    server.stdout!.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    for (let i = 0; i < 600 && !stdout.includes('"msg":"listening"'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(stdout).toContain('"msg":"listening"');
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready" });

    const exited = new Promise<number | null>((r) => server!.on("exit", (code) => r(code)));
    let exitedYet = false;
    void exited.then(() => {
      exitedYet = true;
    });
    server.kill("SIGTERM");
    let draining: Response | undefined;
    for (let i = 0; i < 50 && !draining; i++) {
      const res = await fetch(`${base}/readyz`);
      if (res.status === 503) draining = res;
      else await new Promise((r) => setTimeout(r, 20));
    }
    expect(draining?.status).toBe(503);
    expect(await draining!.json()).toMatchObject({ status: "draining", checks: { postgres: "ok", redis: "ok" } });
    // still serving during the delay: a page and the discovery document answer as usual
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/.well-known/openid-configuration`)).status).toBe(200);
    expect(exitedYet).toBe(false);

    expect(await exited).toBe(0);
    server = undefined;
    expect(stdout).toContain("/readyz reports draining; still serving");
    expect(stdout.indexOf("still serving")).toBeLessThan(stdout.indexOf("no new connections, finishing requests in flight"));
  }, 120_000);
});
