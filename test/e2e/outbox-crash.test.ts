// Issue #14 item 3: a server killed with SIGKILL right after a registration and a reset request, while SMTP
// refuses mail, must not lose those emails. Gatehouse runs as its own process (`tsx src/main.ts`); the SMTP sink
// answers 451 until the server is dead, then accepts. After a restart, the verification email and the reset
// email each arrive exactly once, with the Message-ID they had when they were refused (the same message, not a
// second one), and the outbox is empty.
import { describe, it, expect, afterAll } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createTestDatabase, deleteRedisPrefix, freePort, testRedisPrefix } from "../helpers/databases.ts";
import { TEST_REDIS_URL } from "../helpers/env.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink.ts";
import { uniqueEmail } from "../helpers/test-app.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** starts the server (one node process, so SIGKILL hits the server itself) and resolves once it listens */
async function startServer(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr!.on("data", (d: Buffer) => {
    output += d.toString();
  });
  for (let i = 0; i < 600 && !output.includes("Gatehouse is running at"); i++) {
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!output.includes("Gatehouse is running at")) throw new Error(`the server did not start:\n${output}`);
  return { child, output: () => output };
}

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  for (const end = Date.now() + ms; !check();) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("emails survive a SIGKILL", () => {
  let server: ChildProcess | undefined;
  let sink: SmtpSink | undefined;
  const prefix = testRedisPrefix();
  let dropDatabase = async () => {};
  afterAll(async () => {
    server?.kill("SIGKILL");
    await sink?.close();
    await dropDatabase();
    await deleteRedisPrefix(prefix);
  });

  it("sends the verification and reset emails exactly once after the server is killed and started again", async () => {
    const db = await createTestDatabase();
    dropDatabase = db.drop;
    sink = await startSmtpSink();
    sink.refuse(true);
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const env = {
      ...process.env,
      NODE_ENV: "test",
      PORT: String(port),
      HOST: "127.0.0.1",
      ISSUER: issuer,
      LOG_LEVEL: "warn",
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      SMTP_URL: sink.url,
      COOKIE_KEYS: randomBytes(32).toString("base64url"),
      MASTER_KEY: randomBytes(32).toString("base64"),
      DEVICE_APPROVAL: "off",
      RISK_RULES: "off",
      OUTBOX_RETRY_BASE_MS: "400",
      OUTBOX_POLL_MS: "100",
    };
    ({ child: server } = await startServer(env));

    const email = uniqueEmail("crash");
    const username = `crash${randomBytes(3).toString("hex")}`;
    const browser = new TestBrowser(issuer);
    const form = await browser.go(`${issuer}/register`);
    const registered = await browser.submit(form, "/register", {
      username,
      email,
      password: "quiet lantern over the crashing marsh",
      team_name: `Team ${username}`,
    });
    expect(registered.html).toContain("Check your email");
    const forgot = await browser.go(`${issuer}/forgot-password`);
    expect((await browser.submit(forgot, "/forgot-password", { identifier: email })).status).toBe(200);

    // both were tried and refused by SMTP; then the server dies without any chance to clean up
    const refusedOf = (subject: RegExp) => sink!.refused.find((m) => m.to.includes(email) && subject.test(m.subject));
    await until(() => Boolean(refusedOf(/^Confirm your email/) && refusedOf(/^Reset your/)), 15_000, "both emails to be refused once");
    // kill between attempts: a row taken by an attempt in flight at the kill keeps its lease (LEASE_MS, 60 s) and
    // is only taken again after it, by design; retries back off (0.4 s, 0.8 s, …), so a moment with no lease comes
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const leased = async () =>
      (
        await client.query(
          "SELECT count(*)::int AS n FROM outbox WHERE next_attempt_at > (now() AT TIME ZONE 'UTC') + interval '30 seconds'",
        )
      ).rows[0].n as number;
    try {
      for (const end = Date.now() + 15_000; (await leased()) > 0;) {
        if (Date.now() > end) throw new Error("an outbox row stayed leased");
        await new Promise((r) => setTimeout(r, 10));
      }
    } finally {
      await client.end();
    }
    const died = new Promise((r) => server!.once("exit", r));
    server.kill("SIGKILL");
    await died;
    sink.refuse(false);
    const refusedBeforeRestart = sink.refused.length;

    ({ child: server } = await startServer(env));
    // within 75 s: should an attempt still have started between the check and the kill, its row waits out the lease
    const verification = await sink.waitFor((m) => m.to.includes(email) && m.subject.startsWith("Confirm your email"), 75_000);
    const reset = await sink.waitFor((m) => m.to.includes(email) && m.subject.startsWith("Reset your"), 75_000);
    expect(verification.text).toMatch(/\/verify-email\?token=[\w-]{43}/);
    expect(reset.text).toMatch(/\/reset-password\?token=[\w-]{43}/);
    // the same messages that were refused (their Message-IDs come from their outbox rows), not new ones
    expect(verification.headers["message-id"]).toBe(refusedOf(/^Confirm your email/)!.headers["message-id"]);
    expect(reset.headers["message-id"]).toBe(refusedOf(/^Reset your/)!.headers["message-id"]);
    expect(verification.headers["message-id"]).toMatch(/^<[0-9a-f-]{36}@127\.0\.0\.1>$/);

    // and once only: several polls later there is still one of each, and nothing is left to send
    await new Promise((r) => setTimeout(r, 1500));
    expect(
      sink.messages
        .filter((m) => m.to.includes(email))
        .map((m) => m.subject)
        .sort(),
    ).toEqual(["Confirm your email address for Gatehouse", "Reset your Gatehouse password"]);
    expect(sink.refused.length).toBe(refusedBeforeRestart);
    const after = new pg.Client({ connectionString: db.url });
    await after.connect();
    try {
      expect((await after.query("SELECT count(*)::int AS n FROM outbox")).rows[0].n).toBe(0);
    } finally {
      await after.end();
    }

    const exited = new Promise<number | null>((r) => server!.once("exit", (code) => r(code)));
    server.kill("SIGTERM");
    expect(await exited).toBe(0);
    server = undefined;
  }, 240_000);
});
