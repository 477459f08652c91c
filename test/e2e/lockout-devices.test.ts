// Lockout that cannot be turned against the owner (issue #14 item 6; OWASP "device cookies"), through the real
// pages, real mail and openid-client: an attacker's wrong passwords lock the account for untrusted browsers while
// the owner's trusted browser still signs in (and can change the password); a trusted browser's own wrong
// passwords lock only that browser (and its owner is emailed about it, without an unlock link); the lockout
// email's unlock link works once (a second use and an expired link change nothing); one network failing across
// many accounts is locked for untrusted browsers, other networks and trusted browsers go on. Every refusal looks
// exactly like a wrong password.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { TestBrowser, type Page } from "../helpers/browser.ts";
import { authorizationRequest, enableTotp, loginWithTotp, manualClock, totpCode, type ManualClock } from "../helpers/totp-login.ts";
import {
  DEVICE_REDIRECT as REDIRECT,
  FIREFOX_LINUX,
  ProxiedBrowser,
  auditEvents,
  codeMail,
  codeMailCount,
  deviceDecisions,
  enterDeviceCode,
  exchangeCode,
  isDevicePage,
  signInToDevicePage,
  startDeviceEnv,
  type DeviceEnv,
} from "../helpers/device-flow.ts";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { discover } from "../helpers/oidc-flow.ts";

const INVALID = "Invalid email or password";
const LOCK_SUBJECT = "Your Gatehouse account was locked after failed sign-ins";
type User = { id: string; email: string; password: string };
type Env = { t: TestApp; rp: client.Configuration; sink: DeviceEnv["sink"] };

/** the login page of a new authorization request in this browser (asking for a login even with a session) */
async function loginPage(env: Env, browser: TestBrowser): Promise<Page> {
  const req = await authorizationRequest(env.rp, REDIRECT, { prompt: "login" });
  return browser.go(req.url, { stopAt: REDIRECT });
}

/** one login page, the passwords typed one after another; the page after each */
async function typePasswords(env: Env, browser: TestBrowser, identifier: string, passwords: string[]): Promise<Page[]> {
  let page = await loginPage(env, browser);
  const pages: Page[] = [];
  for (const password of passwords)
    pages.push((page = await browser.submit(page, "/login", { identifier, password }, { stopAt: REDIRECT })));
  return pages;
}
const wrongPasswords = (n: number) => Array.from({ length: n }, (_, i) => `not the password ${i}`);

/** the page without what legitimately differs between two attempts (CSRF token, echoed identifier, interaction id) */
const comparable = (page: Page) => page.html.replace(/value="[^"]*"/g, "").replace(/\/interaction\/[\w-]+/g, "/interaction/<uid>");
const cookieNames = (page: Page) =>
  page.headers
    .getSetCookie()
    .map((c) => c.split("=")[0])
    .sort();
function expectRefusedLikeWrongPassword(refused: Page, wrong: Page) {
  expect(refused.status).toBe(401);
  expect(refused.html).toContain(INVALID);
  expect(comparable(refused)).toBe(comparable(wrong));
  expect(cookieNames(refused)).toEqual(cookieNames(wrong));
}

/** signs the user in from `browser` and approves it with the emailed code: the browser is trusted from now on */
async function trustBrowser(env: DeviceEnv, user: User, browser: TestBrowser): Promise<TestBrowser> {
  const before = codeMailCount(env.sink, user.email);
  const { req, page } = await signInToDevicePage(env.rp, browser, REDIRECT, { identifier: user.email, password: user.password });
  expect(isDevicePage(page), page.html.slice(0, 500)).toBe(true);
  const { code } = await codeMail(env.sink, user.email, before + 1);
  await exchangeCode(env.rp, await enterDeviceCode(browser, page, REDIRECT, code), req);
  return browser;
}

/** the right password from `browser` in a new authorization request: the page after it */
const rightPassword = async (env: Env, user: User, browser: TestBrowser, extra: Record<string, string> = {}) =>
  (await signInToDevicePage(env.rp, browser, REDIRECT, { identifier: user.email, password: user.password }, extra)).page;
const lockEvents = async (t: TestApp, scope: string, userId?: string) =>
  (
    await t.app.db.prisma.auditEvent.findMany({ where: { type: "login.locked", ...(userId ? { userId } : {}) }, orderBy: { id: "asc" } })
  ).filter((e) => (e.data as { scope?: string }).scope === scope);

describe("lockout and trusted browsers (device approval without-2fa)", () => {
  let env: DeviceEnv;
  beforeAll(async () => {
    env = await startDeviceEnv("without-2fa", { LOCKOUT_THRESHOLD: "5", LOCKOUT_BASE_SECONDS: "600" });
  });
  afterAll(async () => {
    await env?.t.close();
    await env?.sink.close();
  });

  it("an attacker's 5 wrong passwords lock the account for untrusted browsers; the owner's trusted browser still signs in", async () => {
    const { t, rp } = env;
    const owner = await t.createUser();
    const home = await trustBrowser(env, owner, new TestBrowser(t.url, FIREFOX_LINUX));

    const attacker = new TestBrowser(t.url, "Attacker/1.0");
    const pages = await typePasswords(env, attacker, owner.email, [...wrongPasswords(5), owner.password]);
    expect(pages.every((p) => p.status === 401)).toBe(true);
    expectRefusedLikeWrongPassword(pages[5]!, pages[4]!); // locked, with the right password, looks like a wrong one
    // any other browser the account does not trust is locked out too
    const stranger = await rightPassword(env, owner, new TestBrowser(t.url, FIREFOX_LINUX));
    expect(stranger.status).toBe(401);
    expect(stranger.html).toContain(INVALID);

    // the owner's browser: password, then straight through (trusted), tokens issued
    const { req, page } = await signInToDevicePage(
      rp,
      home,
      REDIRECT,
      { identifier: owner.email, password: owner.password },
      { prompt: "login" },
    );
    expect(page.url.startsWith(REDIRECT), page.html.slice(0, 800)).toBe(true);
    expect((await exchangeCode(rp, page, req)).access_token).toBeTruthy();
    expect(await deviceDecisions(t, owner.id)).toEqual(["code", "trusted"]);
    // and the lock still holds for everyone else
    expect((await rightPassword(env, owner, attacker)).status).toBe(401);
    expect(await lockEvents(t, "account", owner.id)).toHaveLength(1);
    const failed = await auditEvents(t, owner.id, "login.failed");
    expect(failed.map((e) => (e.data as { reason: string }).reason)).toEqual([
      ...Array(5).fill("wrong_password"),
      "locked",
      "locked",
      "locked",
    ]);
  });

  it("a TOTP user's trusted browser still signs in while the account is locked, and still has to give the code", async () => {
    const { t, rp, clock } = env;
    const owner = await t.createUser();
    const { secret } = await enableTotp(t, clock, owner);
    const home = new TestBrowser(t.url, FIREFOX_LINUX);
    const creds = { identifier: owner.email, password: owner.password };
    // password and code; under without-2fa the code also trusts this browser
    await loginWithTotp(rp, home, REDIRECT, creds, () => totpCode(secret, clock.epoch()));
    await typePasswords(env, new TestBrowser(t.url, "Attacker/1.0"), owner.email, wrongPasswords(5));
    expect(await t.app.services.lockout.lockedUntil({ userId: owner.id })).not.toBeNull();

    clock.advance(30); // a new time step: a code is used once
    const { tokens, codePage } = await loginWithTotp(rp, home, REDIRECT, creds, () => totpCode(secret, clock.epoch()), { prompt: "login" });
    expect(codePage.url).toMatch(/\/totp$/);
    expect(tokens.access_token).toBeTruthy();
    expect(await deviceDecisions(t, owner.id)).toEqual(["totp", "trusted"]);
    expect(await t.app.services.lockout.lockedUntil({ userId: owner.id })).not.toBeNull();
  });

  it("the owner changes the password from the trusted browser while the account is locked (which also ends the lock)", async () => {
    const { t } = env;
    const owner = await t.createUser();
    const home = await trustBrowser(env, owner, new TestBrowser(t.url, FIREFOX_LINUX));
    await typePasswords(env, new TestBrowser(t.url, "Attacker/1.0"), owner.email, wrongPasswords(5));
    expect(await t.app.services.lockout.lockedUntil({ userId: owner.id })).not.toBeNull();

    const security = await home.go(`${t.url}/account/security`);
    expect(security.url).toBe(`${t.url}/account/security`);
    const changed = await home.submit(security, "/account/security/password", {
      current: owner.password,
      password: "amber kettle under a locked door",
    });
    expect(changed.status, changed.html.slice(0, 800)).toBe(200);
    expect(changed.html).toContain("Your password was changed");
    expect(await t.app.services.lockout.lockedUntil({ userId: owner.id })).toBeNull();
  });

  it("wrong passwords typed in a trusted browser lock that browser only, not the account for anyone else", async () => {
    const { t } = env;
    const owner = await t.createUser();
    const home = await trustBrowser(env, owner, new TestBrowser(t.url, FIREFOX_LINUX));

    const pages = await typePasswords(env, home, owner.email, [...wrongPasswords(5), owner.password]);
    expect(pages.every((p) => p.status === 401)).toBe(true);
    expectRefusedLikeWrongPassword(pages[5]!, pages[4]!);
    expect((await auditEvents(t, owner.id, "login.failed")).at(-1)!.data).toMatchObject({ reason: "device_locked" });
    expect(await lockEvents(t, "device", owner.id)).toHaveLength(1);
    expect(await lockEvents(t, "account", owner.id)).toHaveLength(0);
    expect(await t.app.services.lockout.failures({ userId: owner.id })).toBe(0);

    // another browser signs in with the password as usual (and is asked for the device code)
    const elsewhere = await rightPassword(env, owner, new TestBrowser(t.url, FIREFOX_LINUX));
    expect(isDevicePage(elsewhere), elsewhere.html.slice(0, 500)).toBe(true);
    // the owner is told about that browser (it may be a shared computer where someone guesses), with no unlock link
    const mail = await env.sink.waitFor((m) => m.to.includes(owner.email) && m.subject === LOCK_SUBJECT);
    expect(mail.text).toContain("5 times in a browser you approved");
    expect(mail.text).toMatch(/\(Firefox 140 on Linux, trusted since \d{4}-\d{2}-\d{2}\)/);
    expect(mail.text).toContain("Your account is not locked");
    expect(mail.text + mail.html).not.toContain("/unlock?token=");
    await new Promise((r) => setTimeout(r, 200));
    expect(env.sink.messages.filter((m) => m.to.includes(owner.email) && m.subject === LOCK_SUBJECT)).toHaveLength(1);
  });
});

describe("the unlock link in the lockout email", () => {
  let t: TestApp;
  let rp: client.Configuration;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let clock: ManualClock;
  let env: Env;
  beforeAll(async () => {
    clock = manualClock();
    sink = await startSmtpSink();
    // the lock outlasts the link, so an expired link meets a lock still in force
    t = await startTestApp(
      { SMTP_URL: sink.url, LOCKOUT_THRESHOLD: "5", LOCKOUT_BASE_SECONDS: "7200", LOCKOUT_UNLOCK_TTL: "3600" },
      { clock },
    );
    const { clientId, clientSecret } = await t.createClient({
      name: "Unlock RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty: true,
    });
    rp = await discover(t.url, clientId, clientSecret);
    env = { t, rp, sink };
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  /** five wrong passwords from a stranger; the unlock link of the lockout email that follows */
  async function lockAndReadLink(user: User): Promise<string> {
    await typePasswords(env, new TestBrowser(t.url, "Attacker/1.0"), user.email, wrongPasswords(5));
    const mail = await sink.waitFor((m) => m.to.includes(user.email) && m.subject === LOCK_SUBJECT);
    const link = new RegExp(`${t.url.replace(/[.]/g, "\\.")}/unlock\\?token=[\\w-]{43}`).exec(mail.text)?.[0];
    expect(link, mail.text).toBeTruthy();
    expect(mail.html).toContain(`href="${link}"`);
    expect(mail.text).toContain("works once and for 1 hour");
    return link!;
  }
  const signsIn = async (user: User) => (await rightPassword(env, user, new TestBrowser(t.url, FIREFOX_LINUX))).url.startsWith(REDIRECT);

  it("arrives with the lock; opening it changes nothing, its button unlocks once; a second use is refused", async () => {
    const user = await t.createUser();
    const link = await lockAndReadLink(user);
    expect(await signsIn(user)).toBe(false);

    const owner = new TestBrowser(t.url, FIREFOX_LINUX);
    const confirm = await owner.go(link);
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain("Unlock your account");
    expect(confirm.headers.get("referrer-policy")).toBe("no-referrer");
    expect(await signsIn(user)).toBe(false); // a GET (a mail scanner) unlocks nothing

    const done = await owner.submit(confirm, "/unlock", {});
    expect(done.status).toBe(200);
    expect(done.html).toContain("Your account is unlocked");
    expect(done.html).toContain('href="/login"');
    expect(done.html).toContain('href="/forgot-password"');
    expect(await signsIn(user)).toBe(true);
    const cleared = await auditEvents(t, user.id, "lockout.cleared");
    expect(cleared).toHaveLength(1);
    expect(cleared[0]!.data).toMatchObject({ via: "unlock_link" });

    // used: the same form again, or the link again, is refused and changes nothing
    const again = await owner.submit(confirm, "/unlock", {});
    expect(again.status).toBe(400);
    expect(again.html).toContain("This link is no longer valid");
    expect((await owner.go(link)).status).toBe(400);
    expect(await t.app.db.prisma.auditEvent.count({ where: { type: "lockout.unlock_failed" } })).toBe(1);
  });

  it("an expired link is refused and the lock stays; a tampered one too; the form needs its CSRF token", async () => {
    const user = await t.createUser();
    const link = await lockAndReadLink(user);
    const owner = new TestBrowser(t.url, FIREFOX_LINUX);
    const confirm = await owner.go(link);
    expect(confirm.status).toBe(200);
    const forged = await owner.submit(confirm, "/unlock", { _csrf: "forged" });
    expect(forged.status).toBe(403);
    expect((await owner.go(`${link.slice(0, -3)}AAA`)).status).toBe(400);

    clock.advance(3601);
    const opened = await owner.go(link);
    expect(opened.status).toBe(410);
    expect(opened.html).toContain("This unlock link has expired");
    const expired = await owner.submit(confirm, "/unlock", {});
    expect(expired.status).toBe(410);
    expect(expired.html).toContain("Nothing was changed");
    expect(await t.app.services.lockout.lockedUntil({ userId: user.id })).not.toBeNull();
    expect(await signsIn(user)).toBe(false);
    expect(await auditEvents(t, user.id, "lockout.cleared")).toHaveLength(0);
  });
});

describe("a locked network with device approval off", () => {
  let env: DeviceEnv;
  beforeAll(async () => {
    env = await startDeviceEnv("off", { TRUST_PROXY: "true", LOCKOUT_THRESHOLD: "5", LOCKOUT_NETWORK_THRESHOLD: "3" });
  });
  afterAll(async () => {
    await env?.t.close();
    await env?.sink.close();
  });

  it("the right password from that network asks for the emailed code; with it the user signs in, and the browser is trusted", async () => {
    const { t, rp } = env;
    const owner = await t.createUser();
    const sprayer = new ProxiedBrowser(t.url, "81.2.70.1");
    for (let i = 0; i < 3; i++) await typePasswords(env, sprayer, (await t.createUser()).email, ["a guess at the password"]);
    expect(await lockEvents(t, "network")).toHaveLength(1);
    // elsewhere the owner signs in with the password alone (approval is off)
    const { req: okReq, page: ok } = await signInToDevicePage(rp, new ProxiedBrowser(t.url, "89.160.20.9"), REDIRECT, {
      identifier: owner.email,
      password: owner.password,
    });
    expect(ok.url.startsWith(REDIRECT), ok.html.slice(0, 500)).toBe(true);
    await exchangeCode(rp, ok, okReq);
    // from the locked network: the code page, then in with the emailed code
    const browser = new ProxiedBrowser(t.url, "81.2.70.9");
    const before = codeMailCount(env.sink, owner.email);
    const { req, page } = await signInToDevicePage(rp, browser, REDIRECT, { identifier: owner.email, password: owner.password });
    expect(isDevicePage(page), page.html.slice(0, 500)).toBe(true);
    const { code } = await codeMail(env.sink, owner.email, before + 1);
    await exchangeCode(rp, await enterDeviceCode(browser, page, REDIRECT, code), req);
    expect((await auditEvents(t, owner.id, "login.succeeded")).at(-1)!.data).toMatchObject({ device: "code", stepUp: "network" });
    // that browser is trusted now: its next sign-in passes the network's lock without a code
    const again = await signInToDevicePage(
      rp,
      browser,
      REDIRECT,
      { identifier: owner.email, password: owner.password },
      { prompt: "login" },
    );
    expect(again.page.url.startsWith(REDIRECT), again.page.html.slice(0, 500)).toBe(true);
  });

  it("a TOTP user's right password there goes on to the code page, and the TOTP code is the step-up: no email", async () => {
    const { t, rp, clock } = env;
    const owner = await t.createUser();
    const { secret } = await enableTotp(t, clock, owner);
    expect(await lockEvents(t, "network")).toHaveLength(1); // the network 81.2.70.0/24 is still locked from the test above
    const before = codeMailCount(env.sink, owner.email);
    const { tokens, codePage } = await loginWithTotp(
      rp,
      new ProxiedBrowser(t.url, "81.2.70.11"),
      REDIRECT,
      { identifier: owner.email, password: owner.password },
      () => totpCode(secret, clock.epoch()),
    );
    expect(codePage.url).toMatch(/\/totp$/);
    expect(tokens.access_token).toBeTruthy();
    expect(codeMailCount(env.sink, owner.email)).toBe(before);
    expect((await auditEvents(t, owner.id, "login.succeeded")).at(-1)!.data).toMatchObject({ device: "totp", stepUp: "network" });
  });
});

describe("per-network counting (behind a trusted proxy)", () => {
  let env: DeviceEnv;
  beforeAll(async () => {
    env = await startDeviceEnv("without-2fa", { TRUST_PROXY: "true", LOCKOUT_THRESHOLD: "5", LOCKOUT_NETWORK_THRESHOLD: "6" });
  });
  afterAll(async () => {
    await env?.t.close();
    await env?.sink.close();
  });

  it("one network failing across accounts is locked for untrusted browsers; other networks and trusted browsers go on", async () => {
    const { t, rp } = env;
    const owner = await t.createUser();
    // the owner's laptop in the office network, approved before the attack
    const laptop = await trustBrowser(env, owner, new ProxiedBrowser(t.url, "81.2.69.7"));

    // one wrong password for each of six accounts, from addresses across the same /24: no account reaches 5
    const sprayer = new ProxiedBrowser(t.url, "81.2.69.1");
    let last: Page | undefined;
    for (let i = 0; i < 6; i++) {
      sprayer.ip = `81.2.69.${20 + i}`;
      const victim = await t.createUser();
      [last] = await typePasswords(env, sprayer, victim.email, ["a guess at the password"]);
      expect(last!.status).toBe(401);
      expect(await t.app.services.lockout.failures({ userId: victim.id })).toBe(1);
    }
    const [networkLock] = await lockEvents(t, "network");
    expect(networkLock).toMatchObject({ userId: null, ip: "81.2.69.25" });
    expect(networkLock!.data).toMatchObject({ network: "81.2.69.0/24", failures: 6 });

    // a wrong password from a new browser in that network: refused like any other, not counted against the account
    const [refused] = await typePasswords(env, new ProxiedBrowser(t.url, "81.2.69.200"), owner.email, ["not it"]);
    expectRefusedLikeWrongPassword(refused!, last!);
    expect((await auditEvents(t, owner.id, "login.failed")).at(-1)!.data).toMatchObject({ reason: "network_locked" });
    expect(await t.app.services.lockout.failures({ userId: owner.id })).toBe(0);
    // the owner's right password there goes on only through the emailed code (so a noisy network locks no one out)
    const stepUp = await rightPassword(env, owner, new ProxiedBrowser(t.url, "81.2.69.201"));
    expect(isDevicePage(stepUp), stepUp.html.slice(0, 500)).toBe(true);

    // the trusted laptop in the same network signs in; so does a new browser on another network
    const { req, page } = await signInToDevicePage(
      rp,
      laptop,
      REDIRECT,
      { identifier: owner.email, password: owner.password },
      { prompt: "login" },
    );
    expect(page.url.startsWith(REDIRECT), page.html.slice(0, 800)).toBe(true);
    await exchangeCode(rp, page, req);
    const elsewhere = await rightPassword(env, owner, new ProxiedBrowser(t.url, "89.160.20.9"));
    expect(isDevicePage(elsewhere), elsewhere.html.slice(0, 500)).toBe(true);
  });
});
