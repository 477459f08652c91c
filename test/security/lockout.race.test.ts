// Lockout and rate limits through the real login page: exact counting under 50 parallel wrong passwords, a
// locked account indistinguishable from a wrong password, unlock by time, by success and by the CLI, and 429s.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, parseForms, type Page } from "../helpers/browser.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";

const REDIRECT = "https://rp.example.test/cb";
const ROOT = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

async function openLogin(t: TestApp, rp: client.Configuration): Promise<{ browser: TestBrowser; page: Page }> {
  const browser = new TestBrowser(t.url);
  const url = client.buildAuthorizationUrl(rp, {
    redirect_uri: REDIRECT,
    scope: "openid",
    code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
    code_challenge_method: "S256",
  });
  return { browser, page: await browser.go(url.toString(), { stopAt: REDIRECT }) };
}

/** posts the login form as the browser would, without following the result */
async function postLogin(
  browser: TestBrowser,
  page: Page,
  identifier: string,
  password: string,
): Promise<{ status: number; html: string; retryAfter: string | null }> {
  const form = parseForms(page.html, page.url).find((f) => f.action.includes("/login"))!;
  const res = await browser.request(form.action, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: browser.origin },
    body: new URLSearchParams({ ...form.fields, identifier, password }).toString(),
  });
  return { status: res.status, html: await res.text(), retryAfter: res.headers.get("retry-after") };
}

describe("lockout through the login page", () => {
  let t: TestApp;
  let rp: client.Configuration;
  let now = Math.floor(Date.now() / 1000);
  const clock = { now: () => new Date(now * 1000), epoch: () => now };

  let sink: Awaited<ReturnType<typeof startSmtpSink>>;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({ LOCKOUT_THRESHOLD: "5", LOCKOUT_BASE_SECONDS: "600", SMTP_URL: sink.url }, { clock });
    const { clientId, clientSecret } = await t.createClient({
      name: "Lock RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty: true,
    });
    rp = await discover(t.url, clientId, clientSecret);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  it("50 parallel wrong passwords count exactly 50 (lockout off at that level)", async () => {
    const wide = await startTestApp({ LOCKOUT_THRESHOLD: "100" });
    try {
      const { clientId, clientSecret } = await wide.createClient({
        name: "RP",
        type: "confidential",
        redirectUris: [REDIRECT],
        firstParty: true,
      });
      const wideRp = await discover(wide.url, clientId, clientSecret);
      const user = await wide.createUser();
      const { browser, page } = await openLogin(wide, wideRp);
      const results = await Promise.all(Array.from({ length: 50 }, () => postLogin(browser, page, user.email, "not the password at all")));
      expect(results.every((r) => r.status === 401)).toBe(true);
      expect(await wide.app.services.lockout.failures({ userId: user.id })).toBe(50);
    } finally {
      await wide.close();
    }
  });

  it("locks after 5 failures; locked looks exactly like a wrong password, even with the right one; time unlocks", async () => {
    const user = await t.createUser();
    const { browser, page } = await openLogin(t, rp);
    const wrong = [];
    for (let i = 0; i < 5; i++) wrong.push(await postLogin(browser, page, user.email, `wrong password number ${i}`));
    const locked = await postLogin(browser, page, user.username, user.password); // right password, by username
    const strip = (html: string) => html.replace(/value="[^"]*"/g, "");
    expect(locked.status).toBe(401);
    expect(strip(locked.html)).toBe(strip(wrong[4]!.html));
    const events = await t.app.db.prisma.auditEvent.findMany({ where: { userId: user.id }, orderBy: { id: "asc" } });
    expect(events.filter((e) => e.type === "login.locked")).toHaveLength(1);
    expect((events.at(-1)!.data as { reason: string }).reason).toBe("locked");
    // the owner is told, once, by email with an HTML and a text part
    const mail = await sink.waitFor((m) => m.to.includes(user.email));
    expect(mail.subject).toBe("Your Gatehouse account was locked after failed sign-ins");
    expect(mail.text).toContain("5 times");
    expect(mail.text).toContain("127.0.0.1");
    expect(mail.html).toContain("<strong>5</strong>");
    expect(mail.html).not.toContain(user.password);
    await new Promise((r) => setTimeout(r, 200));
    expect(sink.messages.filter((m) => m.to.includes(user.email))).toHaveLength(1);

    now += 600;
    const after = await postLogin(browser, page, user.email, user.password);
    expect(after.status).toBe(303);
    expect(await t.app.services.lockout.failures({ userId: user.id })).toBe(0); // success resets the count
  });

  it("the CLI unlocks an account", async () => {
    const user = await t.createUser();
    const { browser, page } = await openLogin(t, rp);
    for (let i = 0; i < 5; i++) await postLogin(browser, page, user.email, "wrong again and again");
    expect(await t.app.services.lockout.lockedUntil({ userId: user.id })).not.toBeNull();
    const env = {
      ...process.env,
      DATABASE_URL: t.config.database.url!,
      REDIS_URL: t.config.redis.url!,
      REDIS_KEY_PREFIX: t.config.redis.keyPrefix,
      MASTER_KEY: t.config.secrets.masterKey.toString("base64"),
      COOKIE_KEYS: t.config.secrets.cookieKeys.join(","),
    };
    const { stdout } = await run("npm", ["run", "-s", "gatehouse", "--", "unlock-user", user.username], { cwd: ROOT, env });
    expect(stdout).toContain(`Unlocked ${user.email}`);
    expect(await t.app.services.lockout.lockedUntil({ userId: user.id })).toBeNull();
    expect((await postLogin(browser, page, user.email, user.password)).status).toBe(303);
  });
});

describe("rate limits on the login page", () => {
  let t: TestApp;
  let rp: client.Configuration;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_LOGIN_PER_IDENTIFIER: "3", RATE_LIMIT_LOGIN_PER_IP: "8", LOCKOUT_THRESHOLD: "100" });
    const { clientId, clientSecret } = await t.createClient({
      name: "RL RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty: true,
    });
    rp = await discover(t.url, clientId, clientSecret);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("per identifier, then per IP: 429 with Retry-After and a clear page, no password check", async () => {
    const user = await t.createUser();
    const { browser, page } = await openLogin(t, rp);
    for (let i = 0; i < 3; i++) expect((await postLogin(browser, page, user.email, "wrong wrong wrong")).status).toBe(401);
    const limited = await postLogin(browser, page, user.email, user.password);
    expect(limited.status).toBe(429);
    expect(Number(limited.retryAfter)).toBeGreaterThan(0);
    expect(limited.html).toContain("Too many sign-in attempts for this account");
    // other identifiers from the same address: the per-IP limit (8 a minute) is next
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await postLogin(browser, page, `someone-${i}@example.test`, "whatever it is")).status);
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses.slice(4)).toEqual([429, 429]);
  });
});

describe("development mailbox", () => {
  it("without SMTP_URL the lockout email lands in /dev/mailbox; with SMTP_URL there is no such page", async () => {
    const t = await startTestApp({ LOCKOUT_THRESHOLD: "2" });
    const sink = await startSmtpSink();
    const withSmtp = await startTestApp({ SMTP_URL: sink.url });
    try {
      const { clientId, clientSecret } = await t.createClient({
        name: "RP",
        type: "confidential",
        redirectUris: [REDIRECT],
        firstParty: true,
      });
      const rp = await discover(t.url, clientId, clientSecret);
      const user = await t.createUser();
      const { browser, page } = await openLogin(t, rp);
      for (let i = 0; i < 2; i++) await postLogin(browser, page, user.email, "wrong wrong wrong");
      await t.app.services.accounts.settled(); // the lockout email is queued just after the answer
      await t.app.services.mailer.idle();
      const mailbox = await (await fetch(`${t.url}/dev/mailbox`)).text();
      expect(mailbox).toContain("Your Gatehouse account was locked after failed sign-ins");
      expect(mailbox).toContain(user.email);
      expect((await fetch(`${withSmtp.url}/dev/mailbox`)).status).toBe(404);
    } finally {
      await t.close();
      await withSmtp.close();
      await sink.close();
    }
  });
});
