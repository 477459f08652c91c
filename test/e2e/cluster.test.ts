// WORKERS=2: one port, two server processes, a login whose requests land on either, and a clean SIGTERM.
import { describe, it, expect, afterAll } from "vitest";
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { randomBytes } from "node:crypto";
import { createTestDatabase, deleteRedisPrefix, freePort, testRedisPrefix } from "../helpers/databases.ts";
import { TEST_REDIS_URL } from "../helpers/env.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");

function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    /* gone */
  }
  return children.flatMap((c) => [c, ...descendants(c)]);
}
const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return "";
  }
};

describe("WORKERS=2", () => {
  let server: ChildProcess | undefined;
  const prefix = testRedisPrefix();
  let dropDatabase = async () => {};
  afterAll(async () => {
    server?.kill("SIGKILL");
    await dropDatabase();
    await deleteRedisPrefix(prefix);
  });

  it("serves one port from two processes and stops cleanly", async () => {
    const db = await createTestDatabase();
    dropDatabase = db.drop;
    const port = await freePort();
    const env = {
      ...process.env,
      NODE_ENV: "development",
      PORT: String(port),
      HOST: "127.0.0.1",
      ISSUER: `http://127.0.0.1:${port}`,
      WORKERS: "2",
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      COOKIE_KEYS: randomBytes(32).toString("base64url"),
      MASTER_KEY: randomBytes(32).toString("base64"),
      PW: "cluster passphrase 2026",
      // this test is about the workers sharing state; device approval has its own tests
      DEVICE_APPROVAL: "off",
    };
    await run("npm", ["run", "-s", "create-admin", "--", "--email", "cluster@example.test", "--password-env", "PW"], { cwd: ROOT, env });
    const created = await run(
      "npm",
      ["run", "-s", "create-client", "--", "--name", "Cluster RP", "--redirect-uri", "https://rp.example.test/cb", "--json"],
      { cwd: ROOT, env },
    );
    const { client_id, client_secret } = JSON.parse(created.stdout.trim().split("\n").pop()!) as {
      client_id: string;
      client_secret: string;
    };

    server = spawn(path.join(ROOT, "node_modules/.bin/tsx"), ["src/main.ts"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    server.stdout!.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    for (let i = 0; i < 300 && !stdout.includes("all workers listening"); i++) await new Promise((r) => setTimeout(r, 100));
    expect(stdout).toContain("all workers listening");
    const workers = descendants(server.pid!).filter((p) => cmdline(p).includes("src/main.ts"));
    expect(workers.length).toBeGreaterThanOrEqual(3); // the primary and two workers
    expect(stdout.split("Gatehouse is running at").length - 1).toBe(1); // one banner

    // several logins: with two workers, requests of one browser land on both; sessions live in Redis
    const rp = await discover(`http://127.0.0.1:${port}`, client_id, client_secret);
    for (let i = 0; i < 3; i++) {
      const { tokens } = await loginWithCode(rp, new TestBrowser(`http://127.0.0.1:${port}`), "https://rp.example.test/cb", {
        identifier: "cluster@example.test",
        password: "cluster passphrase 2026",
      });
      expect(tokens.access_token).toBeTruthy();
    }

    const exited = new Promise<number | null>((r) => server!.on("exit", (code) => r(code)));
    server.kill("SIGTERM");
    expect(await exited).toBe(0);
    server = undefined;
    expect(stdout).toContain("shutting down workers");
    for (const pid of workers) expect(cmdline(pid)).toBe(""); // every worker is gone
  }, 120_000);
});
