// #18 item 2, done as the README's Quick start says, in the browser: `npm start` on a bare machine (embedded
// PGlite, in-process store, no SMTP) prints /login, /admin, /dev/mailbox and the setup link; the first admin
// registers through the setup link, confirms the address from the email in the development mailbox, signs in at
// /login, enters the sign-in code emailed there (a browser Gatehouse does not know yet) and lands in the admin
// console. Every link is followed from the pages as a person would (the mailbox's links are links).
import { describe, it, expect, afterAll } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { TestBrowser, type Page } from "../helpers/browser.ts";
import { freePort } from "../helpers/databases.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const PASSWORD = "seven amber kites over the harbour";

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env))
    if (/^(DATABASE_URL|REDIS_URL|ISSUER|COOKIE_KEYS|MASTER_KEY|NODE_ENV|PORT|SMTP_URL|VITEST.*)$/.test(k)) delete env[k];
  return { ...env, ...extra };
}

describe("the README's first administrator, in the browser", () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "gatehouse-first-admin-"));
  let server: ChildProcess | undefined;
  afterAll(() => {
    if (server?.pid) process.kill(-server.pid, "SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("setup link -> confirm the email from the mailbox -> /login -> the emailed code -> the admin console", async () => {
    const port = await freePort();
    server = spawn("npm", ["start"], {
      cwd: ROOT,
      env: cleanEnv({ DATA_DIR: dataDir, PORT: String(port) }),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let stdout = "";
    server.stdout!.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    for (let i = 0; i < 600 && !stdout.includes("sign-in code emailed"); i++) await new Promise((r) => setTimeout(r, 100));
    const issuer = `http://localhost:${port}`;
    // the start-up output names every door
    expect(stdout).toContain(`${issuer}/login`);
    expect(stdout).toContain(`${issuer}/admin `);
    expect(stdout).toContain(`${issuer}/dev/mailbox`);
    const setup = new RegExp(`${issuer}/admin-register\\?setup=[\\w-]+`).exec(stdout)![0];

    const browser = new TestBrowser(issuer);
    const form = await browser.go(setup);
    expect(form.html).toContain("Register as Administrator");
    const sent = await browser.submit(form, "/admin-register", { username: "firstadmin", email: "first@example.test", password: PASSWORD });
    expect(sent.html).toContain("Check your email");

    /** the newest mail in the development mailbox whose subject starts so, followed by its first link, or its text */
    const fromMailbox = async (subject: string): Promise<string> => {
      for (let i = 0; i < 100; i++) {
        const box = await browser.go(`${issuer}/dev/mailbox`);
        const mail = box.html
          .split('<article class="mail">')
          .slice(1)
          .find((m) => m.includes(subject));
        if (mail) return mail;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no "${subject}" mail`);
    };
    const confirmMail = await fromMailbox("Confirm your email");
    const confirmLink = /<a href="([^"]+\/verify-email\?token=[^"]+)">/.exec(confirmMail)![1]!.replace(/&amp;/g, "&");
    const confirm = await browser.go(confirmLink);
    expect((await browser.submit(confirm, "/verify-email", {})).html).toContain("Email confirmed");

    const login = await browser.go(`${issuer}/login`);
    const device: Page = await browser.submit(login, "/login", { identifier: "first@example.test", password: PASSWORD });
    expect(device.url).toMatch(/\/interaction\/[\w-]+\/device$/);
    const code = /^\s+(\d{6})\s*$/m.exec(await fromMailbox("Your Gatehouse sign-in code"))![1]!;
    const landed = await browser.submit(device, "/device", { code });
    expect(landed.url).toBe(`${issuer}/admin/dashboard`);
    expect(landed.html).toContain('<a class="header-link" href="/admin">Admin</a>');
  }, 120_000);
});
