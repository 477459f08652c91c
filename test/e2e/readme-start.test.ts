// Starts Gatehouse the way the README says (`npm start`, no DATABASE_URL, no REDIS_URL: embedded PGlite and
// the in-process store), registers an admin and a client with the CLI, and completes one login with
// openid-client. Also checks the start banner, the Node 22 runtime (no oidc-provider warning) and a clean
// SIGTERM shutdown. The admin's first sign-in from a new browser asks for the device code (DEVICE_APPROVAL
// defaults to without-2fa), read from the development mailbox page as a first-time user would.
import { describe, it, expect, afterAll } from "vitest";
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import * as client from "openid-client";
import { TestBrowser } from "../helpers/browser.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { enterDeviceCode, exchangeCode, isDevicePage, signInToDevicePage } from "../helpers/device-flow.ts";
import { freePort } from "../helpers/databases.ts";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env))
    if (/^(DATABASE_URL|REDIS_URL|ISSUER|COOKIE_KEYS|MASTER_KEY|NODE_ENV|PORT|VITEST.*)$/.test(k)) delete env[k];
  return { ...env, ...extra };
}

describe("npm start on a bare machine", () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "gatehouse-readme-"));
  let server: ChildProcess | undefined;
  afterAll(() => {
    server?.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("runs with embedded defaults and completes a login", async () => {
    const port = await freePort();
    const env = cleanEnv({ DATA_DIR: dataDir, PORT: String(port), ADMIN_PW: "a long admin passphrase 42", WEAK_PW: "password1234" });
    // the password policy applies to the CLI too: a common password is refused with a clear message
    await expect(
      run("npm", ["run", "-s", "create-admin", "--", "--email", "admin@example.test", "--password-env", "WEAK_PW"], { cwd: ROOT, env }),
    ).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining("WEAK_PW: This password is too common") });
    await run("npm", ["run", "-s", "create-admin", "--", "--email", "admin@example.test", "--password-env", "ADMIN_PW"], {
      cwd: ROOT,
      env,
    });
    const created = await run(
      "npm",
      [
        "run",
        "-s",
        "create-client",
        "--",
        "--name",
        "Readme RP",
        "--redirect-uri",
        "http://localhost:8080/callback",
        "--post-logout-redirect-uri",
        "http://localhost:8080/",
        "--json",
      ],
      { cwd: ROOT, env },
    );
    const { client_id, client_secret } = JSON.parse(created.stdout.trim().split("\n").pop()!) as {
      client_id: string;
      client_secret: string;
    };

    server = spawn("npm", ["start"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    server.stderr!.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start banner in 60 s:\n${stdout}\n${stderr}`)), 60_000);
      server!.stdout!.on("data", (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes("Gatehouse is running at")) {
          clearTimeout(timer);
          resolve();
        }
      });
      server!.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited ${code}:\n${stdout}\n${stderr}`));
      });
    });
    await new Promise((r) => setTimeout(r, 300)); // let the rest of the banner arrive
    expect(stdout).toContain(`http://localhost:${port}`);
    expect(stdout).toContain("embedded PGlite");
    expect(stdout).toContain("in-process store");
    expect(stderr).not.toContain("Unsupported runtime");

    const issuer = `http://localhost:${port}`;
    const rp = await discover(issuer, client_id, client_secret);
    // the first sign-in from a new browser asks for the code emailed to the admin (DEVICE_APPROVAL=without-2fa
    // by default): without SMTP it lands in the development mailbox
    const browser = new TestBrowser(issuer);
    const { req, page } = await signInToDevicePage(rp, browser, "http://localhost:8080/callback", {
      identifier: "admin@example.test",
      password: "a long admin passphrase 42",
    });
    expect(isDevicePage(page), page.html.slice(0, 800)).toBe(true);
    expect(page.html).toContain("We emailed a code to <strong>ad***@example.test</strong>");
    let code: string | undefined;
    for (let i = 0; i < 100 && !code; i++) {
      const mailbox = await browser.go(`${issuer}/dev/mailbox`);
      code = /Your Gatehouse sign-in code[\s\S]*?<pre>[\s\S]*?^\s+(\d{6})\s*$/m.exec(mailbox.html)?.[1];
      if (!code) await new Promise((r) => setTimeout(r, 100));
    }
    expect(code).toMatch(/^\d{6}$/);
    const tokens = await exchangeCode(rp, await enterDeviceCode(browser, page, "http://localhost:8080/callback", code!), req);
    expect(tokens.claims()?.email).toBeUndefined(); // email is a userinfo claim
    const info = await client.fetchUserInfo(rp, tokens.access_token, tokens.claims()!.sub);
    expect(info.email).toBe("admin@example.test");

    // SIGTERM to the whole group (npm, its shell and the server), as a process manager would
    const exited = new Promise<void>((r) => server!.on("exit", () => r()));
    process.kill(-server.pid!, "SIGTERM");
    await exited;
    // npm exits at once; the server finishes in its own time (logs are flushed as it exits)
    for (let i = 0; i < 100 && !stdout.includes("shutting down"); i++) await new Promise((r) => setTimeout(r, 100));
    expect(stdout, `${stdout}\n--- stderr ---\n${stderr}`).toContain("shutting down");
    expect(stdout).not.toContain("forced shutdown");
    let closed = false;
    // it keeps serving for SHUTDOWN_DELAY_SECONDS (5) with /readyz draining, then stops listening
    for (let i = 0; i < 250 && !closed; i++) {
      closed = await fetch(`${issuer}/healthz`).then(
        () => false,
        () => true,
      );
      if (!closed) await new Promise((r) => setTimeout(r, 100));
    }
    expect(closed).toBe(true);
    server = undefined;
  }, 120_000);
});
