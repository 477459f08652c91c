// Device approval through the real pages, real mail (SMTP sink) and openid-client: a new browser gets a 6-digit
// code by email and signs in with it; wrong codes lock the challenge after 5 (even the right code is refused
// then); expiry on the app clock; resend with cool-down (the new code works, the old one does not, attempts
// carry over); the per-user email limit; the trusted browser skips the code, a revoked one is asked again,
// another user's trust of the same browser does not count; TOTP trusts the browser under without-2fa, not
// under always; off never asks; the cookie's attributes and that only its hash is stored; CSRF; behind a
// trusted proxy the client address (and its country) from X-Forwarded-For, and the per-IP limit; a sign-in
// approved from the suspicious-login email needs no code and does not trust its browser.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, type Page } from "../helpers/browser.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { enableTotp, manualClock, post, totpCode, type ManualClock } from "../helpers/totp-login.ts";
import { FIREFOX_LINUX, codeMail, codeMailCount, enterDeviceCode, exchangeCode, isDevicePage, signInToDevicePage, throughConsentPage } from "../helpers/device-flow.ts";
import { sha256 } from "../../src/lib/crypto.ts";

const REDIRECT = "https://rp.example.test/callback";
const TTL = 300;
const COOLDOWN = 60;
const TRUSTED_TTL = 90 * 86400;
const PER_USER = 4;

type Sink = Awaited<ReturnType<typeof startSmtpSink>>;
type Env = { t: TestApp; sink: Sink; rp: client.Configuration; clock: ManualClock };

async function startEnv(policy: string, extra: Record<string, string> = {}): Promise<Env> {
  const clock = manualClock();
  const sink = await startSmtpSink();
  const t = await startTestApp({
    SMTP_URL: sink.url, DEVICE_APPROVAL: policy, DEVICE_CODE_TTL: String(TTL), DEVICE_CODE_RESEND_COOLDOWN: String(COOLDOWN),
    TRUSTED_DEVICE_TTL: String(TRUSTED_TTL), RATE_LIMIT_DEVICE_CODE_PER_USER: String(PER_USER), INTERACTION_TTL: "7200", ...extra,
  }, { clock });
  const { clientId, clientSecret } = await t.createClient({ name: "Device RP", type: "confidential", redirectUris: [REDIRECT] });
  return { t, sink, clock, rp: await discover(t.url, clientId, clientSecret) };
}

const events = (t: TestApp, userId: string, type?: string) => t.app.db.prisma.auditEvent.findMany({ where: { userId, ...(type ? { type } : {}) }, orderBy: { id: "asc" } });
const deviceCookie = async (browser: TestBrowser, url: string) => (await browser.jar.getCookies(url)).find((c) => c.key === "gh.device");
const loginSucceeded = async (t: TestApp, userId: string) => (await events(t, userId, "login.succeeded")).map((e) => (e.data as { device?: string }).device);

describe("device approval (without-2fa)", () => {
  let env: Env;
  beforeAll(async () => { env = await startEnv("without-2fa"); });
  afterAll(async () => { await env?.t.close(); await env?.sink.close(); });

  /** a fresh user and a fresh Firefox, stopped at the device code page */
  async function atCodePage(user?: { id: string; email: string; password: string }) {
    const u = user ?? (await env.t.createUser());
    const browser = new TestBrowser(env.t.url, FIREFOX_LINUX);
    const before = codeMailCount(env.sink, u.email);
    const { req, page } = await signInToDevicePage(env.rp, browser, REDIRECT, { identifier: u.email, password: u.password });
    expect(isDevicePage(page), page.html.slice(0, 800)).toBe(true);
    const { code, mail } = await codeMail(env.sink, u.email, before + 1);
    return { user: u, browser, req, page, code, mail };
  }

  it("a new browser gets a code by email, signs in with it, and is trusted (cookie attributes, only a hash stored)", async () => {
    const { t, sink, rp } = env;
    const { user, browser, req, page, code, mail } = await atCodePage();
    // the page: masked address, a numeric one-time-code field, resend, start over, CSRF
    const masked = `${user.email.slice(0, 2)}***${user.email.slice(user.email.indexOf("@"))}`;
    expect(page.html).toContain(`We emailed a code to <strong>${masked}</strong>`);
    expect(page.html).toMatch(/<input id="code" name="code"[^>]*inputmode="numeric"/);
    expect(page.html).toContain('autocomplete="one-time-code"');
    expect(page.html).toMatch(/action="\/interaction\/[\w-]+\/device\/resend"/);
    expect(page.html).toMatch(/<a href="\/interaction\/[\w-]+">Start over<\/a>/);
    expect(page.html).toContain('name="_csrf"');
    // the mail: a 6-digit code in both parts, where the sign-in came from
    expect(mail.to).toEqual([user.email]);
    expect(code).toMatch(/^\d{6}$/);
    expect(mail.html).toContain(code);
    expect(mail.text).toContain("5 minutes");
    expect(mail.html).toContain("127.0.0.1");
    expect(mail.text).toContain("Firefox 140 on Linux");
    // the code is not kept in clear: the challenge holds an HMAC
    const uid = /\/interaction\/([\w-]+)\/device/.exec(page.url)![1]!;
    const challenge = await t.app.redis.hgetall(`device:code:{${uid}}`);
    expect(challenge.hash).toBeTruthy();
    expect(Object.values(challenge)).not.toContain(code);
    expect(JSON.stringify(challenge)).not.toContain(code);

    const callback = await enterDeviceCode(browser, page, REDIRECT, code);
    const tokens = await exchangeCode(rp, callback, req);
    expect(tokens.claims()!.sub).toBe(user.id);

    // the device cookie: HttpOnly, SameSite=Lax, Max-Age, path /, not Secure over plain HTTP in tests
    const cookie = await deviceCookie(browser, t.url);
    expect(cookie).toBeDefined();
    expect(cookie!.httpOnly).toBe(true);
    expect(cookie!.sameSite).toBe("lax");
    expect(cookie!.maxAge).toBe(TRUSTED_TTL);
    expect(cookie!.path).toBe("/");
    expect(cookie!.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // only the hash is stored
    const rows = await t.app.db.prisma.trustedDevice.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).toBe(sha256(cookie!.value));
    expect(JSON.stringify(rows)).not.toContain(cookie!.value);
    expect(rows[0]!.label).toBe("Firefox 140 on Linux");
    expect(rows[0]!.ip).toBe("127.0.0.1");
    expect(rows[0]!.expiresAt.getTime() - rows[0]!.createdAt.getTime()).toBe(TRUSTED_TTL * 1000);

    const log = await events(t, user.id);
    expect(log.find((e) => e.type === "device.code_sent")!.data).toMatchObject({ resend: false });
    expect(log.find((e) => e.type === "device.trusted")!.data).toMatchObject({ how: "code", deviceId: rows[0]!.id });
    expect(log.find((e) => e.type === "login.succeeded")!.data).toMatchObject({ device: "code" });
    // the code is never in an audit record
    expect(JSON.stringify(log.map((e) => e.data))).not.toContain(code);
    expect(sink.messages.filter((m) => m.to.includes(user.email))).toHaveLength(1);
  });

  it("without TRUST_PROXY, X-Forwarded-For is ignored: the device is at the loopback address", async () => {
    const { t, sink, rp } = env;
    const user = await t.createUser();
    const browser = new ProxiedBrowser(t.url, "81.2.69.142");
    const { req, page } = await signInToDevicePage(rp, browser, REDIRECT, { identifier: user.email, password: user.password });
    const { code, mail } = await codeMail(sink, user.email, 1);
    expect(mail.text).not.toContain("81.2.69.142");
    await exchangeCode(rp, await enterDeviceCode(browser, page, REDIRECT, code), req);
    expect(await t.app.db.prisma.trustedDevice.findFirstOrThrow({ where: { userId: user.id } })).toMatchObject({ ip: "127.0.0.1", countryCode: null });
  });

  it("the trusted browser skips the code next time; a revoked one is asked again", async () => {
    const { t, sink, rp } = env;
    const { user, browser, page, code } = await atCodePage();
    await enterDeviceCode(browser, page, REDIRECT, code);

    const again = await signInToDevicePage(rp, browser, REDIRECT, { identifier: user.email, password: user.password }, { prompt: "login" });
    expect(again.page.url.startsWith(REDIRECT)).toBe(true);
    await exchangeCode(rp, again.page, again.req);
    expect(codeMailCount(sink, user.email)).toBe(1);
    expect(await loginSucceeded(t, user.id)).toEqual(["code", "trusted"]);

    // the Devices page lists it as this device; revoke it there
    const devices = await browser.go(`${t.url}/account/devices`);
    expect(devices.status).toBe(200);
    expect(devices.html).toContain("Firefox 140 on Linux");
    expect(devices.html).toContain("This device");
    expect(devices.html).toContain("127.0.0.1");
    const revoked = await browser.submit(devices, "/revoke", {});
    expect(revoked.status).toBe(200);
    expect(revoked.html).toContain("no longer trusted");
    expect(revoked.html).not.toContain("This device");
    expect((await events(t, user.id, "device.revoked"))[0]!.data).toMatchObject({ all: false, count: 1 });

    const third = await signInToDevicePage(rp, browser, REDIRECT, { identifier: user.email, password: user.password }, { prompt: "login" });
    expect(isDevicePage(third.page)).toBe(true);
    const { code: second } = await codeMail(sink, user.email, 2);
    await exchangeCode(rp, await enterDeviceCode(browser, third.page, REDIRECT, second), third.req);
    // trusted again: the same cookie value, the row revived
    expect(await t.app.db.prisma.trustedDevice.count({ where: { userId: user.id, revokedAt: null } })).toBe(1);
  });

  it("another user's trust of this browser does not make it trusted for this user (a row per user, one cookie)", async () => {
    const { t, sink, rp } = env;
    const first = await atCodePage();
    await enterDeviceCode(first.browser, first.page, REDIRECT, first.code);
    const cookieBefore = (await deviceCookie(first.browser, t.url))!.value;

    // the same browser, now as someone else (oidc-provider first ends the other session)
    const other = await t.createUser();
    const req = await signInToDevicePage(rp, first.browser, REDIRECT, { identifier: other.email, password: other.password }, { prompt: "login" });
    expect(isDevicePage(req.page), req.page.html.slice(0, 800)).toBe(true);
    const { code } = await codeMail(sink, other.email, 1);
    let done: Page = await enterDeviceCode(first.browser, req.page, REDIRECT, code);
    // signing in as someone else ends the old session first: oidc-provider's self-submitting form
    if (done.html.includes("/session/end/confirm")) done = await throughConsentPage(first.browser, await first.browser.submit(done, "/session/end/confirm", {}, { stopAt: REDIRECT }), REDIRECT);
    await exchangeCode(rp, done, req.req);
    // one cookie value, trusted by both
    expect((await deviceCookie(first.browser, t.url))!.value).toBe(cookieBefore);
    const rows = await t.app.db.prisma.trustedDevice.findMany({ where: { tokenHash: sha256(cookieBefore) } });
    expect(rows.map((r) => r.userId).sort()).toEqual([first.user.id, other.id].sort());
  });

  it("wrong code x5 locks the challenge: a 6th, even the right one, fails; starting over sends a new code", async () => {
    const { t, sink, rp } = env;
    const { user, browser, page, code } = await atCodePage();
    const wrong = code === "000000" ? "111111" : "000000";
    for (let n = 1; n <= 4; n++) {
      const res = await post(browser, page, "/device", { code: wrong });
      expect(res.status).toBe(401);
      expect(res.html).toContain(`${5 - n} attempt${5 - n === 1 ? "" : "s"} left`);
    }
    const fifth = await post(browser, page, "/device", { code: wrong });
    expect(fifth.status).toBe(429);
    expect(fifth.html).toContain("Too many wrong codes");
    expect(fifth.html).toContain("Start over");
    expect(fifth.html).not.toContain('name="code"');
    const sixth = await post(browser, page, "/device", { code });
    expect(sixth.status).toBe(400);
    expect(sixth.html).toContain("Start again");

    const failed = await events(t, user.id, "device.code_failed");
    expect(failed.map((e) => (e.data as { attempt: number }).attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(await events(t, user.id, "device.code_locked")).toHaveLength(1);
    expect(await events(t, user.id, "login.succeeded")).toHaveLength(0);

    // start over in the same interaction: password again, a fresh code that works
    const startOver = await browser.go(page.url.replace(/\/device$/, ""));
    expect(startOver.html).toContain('name="password"');
    const retry = await throughConsentPage(browser, await browser.submit(startOver, "/login", { identifier: user.email, password: user.password }, { stopAt: REDIRECT }), REDIRECT);
    expect(isDevicePage(retry)).toBe(true);
    const { code: fresh } = await codeMail(sink, user.email, 2);
    const done = await enterDeviceCode(browser, retry, REDIRECT, fresh);
    expect(done.url.startsWith(REDIRECT)).toBe(true);
    void rp;
  });

  it("parallel wrong guesses get no more than 5 tries; parallel right codes continue once", async () => {
    const { t } = env;
    const { user, browser, page, code } = await atCodePage();
    const wrong = code === "000000" ? "111111" : "000000";
    const results = await Promise.all(Array.from({ length: 12 }, () => post(browser, page, "/device", { code: wrong })));
    expect(results.filter((r) => r.status === 401)).toHaveLength(4);
    expect(results.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(1);
    expect((await events(t, user.id, "device.code_failed")).filter((e) => (e.data as { reason: string }).reason === "wrong_code")).toHaveLength(5);
    expect((await post(browser, page, "/device", { code })).status).toBe(400);

    const second = await atCodePage();
    const rights = await Promise.all(Array.from({ length: 5 }, () => post(second.browser, second.page, "/device", { code: second.code })));
    expect(rights.filter((r) => r.status === 303)).toHaveLength(1);
    expect(rights.filter((r) => r.status === 400)).toHaveLength(4);
    expect(await t.app.db.prisma.trustedDevice.count({ where: { userId: second.user.id } })).toBeLessThanOrEqual(1);
  });

  it("an expired code is refused; a new code then works", async () => {
    const { sink, clock } = env;
    const { user, browser, page, code } = await atCodePage();
    clock.advance(TTL + 1);
    const late = await post(browser, page, "/device", { code });
    expect(late.status).toBe(400);
    expect(late.html).toContain("This code has expired");
    const resent = await browser.submit(page, "/device/resend", {});
    expect(resent.html).toContain("We sent you a new code");
    const { code: fresh } = await codeMail(sink, user.email, 2);
    expect((await post(browser, page, "/device", { code })).status).toBe(code === fresh ? 303 : 401);
    if (code !== fresh) expect((await enterDeviceCode(browser, page, REDIRECT, fresh)).url.startsWith(REDIRECT)).toBe(true);
  });

  it("resend: the cool-down is enforced, the new code works and the old one does not, attempts carry over", async () => {
    const { t, sink, clock } = env;
    const { user, browser, page, code } = await atCodePage();
    const wrong = code === "000000" ? "111111" : "000000";
    expect((await post(browser, page, "/device", { code: wrong })).status).toBe(401);
    expect((await post(browser, page, "/device", { code: wrong })).status).toBe(401);

    const tooSoon = await post(browser, page, "/device/resend", {});
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.html).toMatch(/Please wait \d+ seconds? before asking for a new code/);
    expect(tooSoon.html).toMatch(/<button[^>]*disabled[^>]*>Send a new code/);
    expect(codeMailCount(sink, user.email)).toBe(1);

    clock.advance(COOLDOWN);
    const resent = await post(browser, page, "/device/resend", {});
    expect(resent.status).toBe(303);
    const { code: fresh } = await codeMail(sink, user.email, 2);
    expect((await events(t, user.id, "device.code_sent")).map((e) => (e.data as { resend: boolean }).resend)).toEqual([false, true]);
    if (fresh !== code) {
      const old = await post(browser, page, "/device", { code });
      expect(old.status).toBe(401);
      // 2 before the resend + this one: the resend gave no new tries
      expect(old.html).toContain("2 attempts left");
    }
    const done = await enterDeviceCode(browser, page, REDIRECT, fresh);
    expect(done.url.startsWith(REDIRECT)).toBe(true);
  });

  it(`more than ${PER_USER} code emails an hour for one user: 429, and no more mail`, async () => {
    const { sink, clock, rp } = env;
    const { user, browser, page } = await atCodePage();
    for (let n = 2; n <= PER_USER; n++) {
      clock.advance(COOLDOWN);
      expect((await post(browser, page, "/device/resend", {})).status).toBe(303);
      await codeMail(sink, user.email, n);
    }
    clock.advance(COOLDOWN);
    const over = await post(browser, page, "/device/resend", {});
    expect(over.status).toBe(429);
    expect(over.html).toContain("Too many device approval emails for this account");
    // a new sign-in from another browser is refused the email too
    const other = await signInToDevicePage(rp, new TestBrowser(env.t.url), REDIRECT, { identifier: user.email, password: user.password });
    expect(other.page.status).toBe(429);
    await new Promise((r) => setTimeout(r, 200));
    expect(codeMailCount(sink, user.email)).toBe(PER_USER);
  });

  it("a TOTP sign-in trusts the browser without a code", async () => {
    const { t, sink, rp, clock } = env;
    const user = await t.createUser();
    const { secret } = await enableTotp(t, clock, user);
    const browser = new TestBrowser(t.url, FIREFOX_LINUX);
    const { req, page } = await signInToDevicePage(rp, browser, REDIRECT, { identifier: user.email, password: user.password });
    expect(page.html).toContain('name="code"');
    expect(page.url).toMatch(/\/totp$/);
    const after = await throughConsentPage(browser, await browser.submit(page, "/totp", { code: await totpCode(secret, clock.epoch()) }, { stopAt: REDIRECT }), REDIRECT);
    await exchangeCode(rp, after, req);
    expect(codeMailCount(sink, user.email)).toBe(0);
    expect(await deviceCookie(browser, t.url)).toBeDefined();
    expect(await t.app.db.prisma.trustedDevice.count({ where: { userId: user.id } })).toBe(1);
    expect((await events(t, user.id, "device.trusted"))[0]!.data).toMatchObject({ how: "totp" });
    expect(await loginSucceeded(t, user.id)).toEqual(["totp"]);
  });

  it("revoke all on the Devices page; CSRF missing -> 403 on every device form, nothing changes", async () => {
    const { t } = env;
    const { user, browser, page, code } = await atCodePage();
    const noCsrf = await post(browser, page, "/device", { code, _csrf: "" });
    expect(noCsrf.status).toBe(403);
    expect((await post(browser, page, "/device/resend", { _csrf: "" })).status).toBe(403);
    await enterDeviceCode(browser, page, REDIRECT, code);

    const devices = await browser.go(`${t.url}/account/devices`);
    const id = /action="\/account\/devices\/([\w-]+)\/revoke"/.exec(devices.html)![1]!;
    expect((await post(browser, devices, `/account/devices/${id}/revoke`, { _csrf: "" })).status).toBe(403);
    expect((await browser.request(`${t.url}/account/devices/revoke-all`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url }, body: "" })).status).toBe(403);
    expect(await t.app.db.prisma.trustedDevice.count({ where: { userId: user.id, revokedAt: null } })).toBe(1);
    // someone else's device id: a 404, nothing revoked
    const stranger = await atCodePage();
    await enterDeviceCode(stranger.browser, stranger.page, REDIRECT, stranger.code);
    const strangerId = /action="\/account\/devices\/([\w-]+)\/revoke"/.exec((await stranger.browser.go(`${t.url}/account/devices`)).html)![1]!;
    const foreign = await post(browser, devices, `/account/devices/${id}/revoke`.replace(id, strangerId), {}).catch(() => null);
    // the form for the foreign id is not on this user's page: post it by hand with this page's token
    const token = /name="_csrf" value="([^"]+)"/.exec(devices.html)![1]!;
    const byHand = await browser.request(`${t.url}/account/devices/${strangerId}/revoke`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url }, body: new URLSearchParams({ _csrf: token }).toString() });
    expect(foreign).toBeNull();
    expect(byHand.status).toBe(404);
    expect(await t.app.db.prisma.trustedDevice.count({ where: { userId: stranger.user.id, revokedAt: null } })).toBe(1);

    const all = await browser.request(`${t.url}/account/devices/revoke-all`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url }, body: new URLSearchParams({ _csrf: token }).toString() });
    expect(all.status).toBe(200);
    expect(await all.text()).toContain("1 device is no longer trusted");
    expect(await t.app.db.prisma.trustedDevice.count({ where: { userId: user.id, revokedAt: null } })).toBe(0);
    expect(await t.app.db.prisma.trustedDevice.count({ where: { userId: stranger.user.id, revokedAt: null } })).toBe(1);
    expect((await events(t, user.id, "device.revoked"))[0]!.data).toMatchObject({ all: true, count: 1 });
  });
});

describe("device approval: always", () => {
  let env: Env;
  beforeAll(async () => { env = await startEnv("always"); });
  afterAll(async () => { await env?.t.close(); await env?.sink.close(); });

  it("a TOTP user still gets an emailed code", async () => {
    const { t, sink, rp, clock } = env;
    const user = await t.createUser();
    const { secret } = await enableTotp(t, clock, user);
    const browser = new TestBrowser(t.url);
    const { req, page } = await signInToDevicePage(rp, browser, REDIRECT, { identifier: user.email, password: user.password });
    const devicePage = await browser.submit(page, "/totp", { code: await totpCode(secret, clock.epoch()) }, { stopAt: REDIRECT });
    expect(isDevicePage(devicePage)).toBe(true);
    const { code } = await codeMail(sink, user.email, 1);
    await exchangeCode(rp, await enterDeviceCode(browser, devicePage, REDIRECT, code), req);
    expect((await events(t, user.id, "device.trusted"))[0]!.data).toMatchObject({ how: "code" });
  });
});

describe("device approval: off", () => {
  let env: Env;
  beforeAll(async () => { env = await startEnv("off"); });
  afterAll(async () => { await env?.t.close(); await env?.sink.close(); });

  it("never asks for a code and trusts nothing", async () => {
    const { t, sink, rp } = env;
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    const { req, page } = await signInToDevicePage(rp, browser, REDIRECT, { identifier: user.email, password: user.password });
    await exchangeCode(rp, page, req);
    expect(sink.messages).toHaveLength(0);
    expect(await deviceCookie(browser, t.url)).toBeUndefined();
    expect(await t.app.db.prisma.trustedDevice.count()).toBe(0);
    expect(await loginSucceeded(t, user.id)).toEqual(["off"]);
  });
});

/** a browser behind a trusted proxy that says the client is at `ip` */
class ProxiedBrowser extends TestBrowser {
  constructor(origin: string, public ip: string) { super(origin, FIREFOX_LINUX); }
  override request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("x-forwarded-for", this.ip);
    return super.request(url, { ...init, headers });
  }
}

describe("device approval behind a trusted proxy", () => {
  let env: Env;
  const PER_IP = 4;
  beforeAll(async () => { env = await startEnv("without-2fa", { TRUST_PROXY: "true", RATE_LIMIT_DEVICE_CODE_PER_IP: String(PER_IP) }); });
  afterAll(async () => { await env?.t.close(); await env?.sink.close(); });

  it("the device remembers the client address and its country; the Devices page names it", async () => {
    const { t, sink, rp } = env;
    const user = await t.createUser();
    const browser = new ProxiedBrowser(t.url, "81.2.69.142");
    const { req, page } = await signInToDevicePage(rp, browser, REDIRECT, { identifier: user.email, password: user.password });
    const { code, mail } = await codeMail(sink, user.email, 1);
    expect(mail.text).toContain("81.2.69.142");
    await exchangeCode(rp, await enterDeviceCode(browser, page, REDIRECT, code), req);
    const country = (await t.app.services.geo.lookup("81.2.69.142"))?.countryCode;
    expect(country).toMatch(/^[A-Z]{2}$/);
    const row = await t.app.db.prisma.trustedDevice.findFirstOrThrow({ where: { userId: user.id } });
    expect(row).toMatchObject({ ip: "81.2.69.142", countryCode: country });
    const devices = await browser.go(`${t.url}/account/devices`);
    expect(devices.html).toContain(`81.2.69.142 (${new Intl.DisplayNames(["en"], { type: "region" }).of(country!)})`);

    // the same browser from elsewhere: still trusted; the row follows its address and country
    browser.ip = "133.242.0.1";
    const moved = await signInToDevicePage(rp, browser, REDIRECT, { identifier: user.email, password: user.password }, { prompt: "login" });
    await exchangeCode(rp, moved.page, moved.req);
    const after = await t.app.db.prisma.trustedDevice.findUniqueOrThrow({ where: { id: row.id } });
    expect(after).toMatchObject({ ip: "133.242.0.1", countryCode: (await t.app.services.geo.lookup("133.242.0.1"))!.countryCode });
    expect(after.countryCode).not.toBe(country);
  });

  it(`more than ${PER_IP} sends and attempts a minute from one address: 429, the attempt not counted; another address goes on`, async () => {
    const { t, sink, rp } = env;
    const user = await t.createUser();
    const browser = new ProxiedBrowser(t.url, "203.0.113.7");
    const { req, page } = await signInToDevicePage(rp, browser, REDIRECT, { identifier: user.email, password: user.password });
    const { code } = await codeMail(sink, user.email, 1);
    const wrong = code === "000000" ? "111111" : "000000";
    for (let n = 1; n < PER_IP; n++) expect((await post(browser, page, "/device", { code: wrong })).status).toBe(401);
    const limited = await post(browser, page, "/device", { code });
    expect(limited.status).toBe(429);
    expect(limited.html).toContain("Too many device approval attempts from your network");
    expect(await events(t, user.id, "device.code_failed")).toHaveLength(PER_IP - 1);
    browser.ip = "198.51.100.7";
    await exchangeCode(rp, await enterDeviceCode(browser, page, REDIRECT, code), req);
  });
});

describe("device approval after a suspicious-login hold", () => {
  let env: Env;
  const LONDON = "81.2.69.142";
  const TOKYO = "133.242.0.1";
  beforeAll(async () => { env = await startEnv("without-2fa", { TRUST_PROXY: "true", RISK_RULES: "new_country" }); });
  afterAll(async () => { await env?.t.close(); await env?.sink.close(); });

  it("a sign-in approved from the emailed link needs no code, and its browser is not trusted by it", async () => {
    const { t, sink, rp } = env;
    const user = await t.createUser();
    // first sign-in (London): nothing known yet, so no hold, but a new device: the code
    const london = new ProxiedBrowser(t.url, LONDON);
    const first = await signInToDevicePage(rp, london, REDIRECT, { identifier: user.email, password: user.password });
    expect(isDevicePage(first.page)).toBe(true);
    await exchangeCode(rp, await enterDeviceCode(london, first.page, REDIRECT, (await codeMail(sink, user.email, 1)).code), first.req);

    // Tokyo, a new browser: held; approved from the email; the waiting page goes on without a device code
    const tokyo = new ProxiedBrowser(t.url, TOKYO);
    const held = await signInToDevicePage(rp, tokyo, REDIRECT, { identifier: user.email, password: user.password });
    expect(held.page.url).toMatch(/\/hold$/);
    const mail = await sink.waitFor((m) => m.to.includes(user.email) && m.subject === "Was this you signing in to Gatehouse?");
    const approve = /https?:\/\/\S+\/login-holds\/[\w-]+/.exec(mail.text)![0];
    const phone = new TestBrowser(t.url);
    await phone.submit(await phone.go(approve), "/login-holds/", {}, { origin: "null" });
    const after = await throughConsentPage(tokyo, await tokyo.go(held.page.url, { stopAt: REDIRECT }), REDIRECT);
    await exchangeCode(rp, after, held.req);
    expect(codeMailCount(sink, user.email)).toBe(1);
    expect((await events(t, user.id, "login.succeeded")).at(-1)!.data).toMatchObject({ risk: "approved", device: "email_approved" });
    expect(await deviceCookie(tokyo, t.url)).toBeUndefined();
    expect(await t.app.db.prisma.trustedDevice.count({ where: { userId: user.id } })).toBe(1);

    // the next sign-in from that browser (Tokyo is known now): the device code is asked
    const next = await signInToDevicePage(rp, tokyo, REDIRECT, { identifier: user.email, password: user.password }, { prompt: "login" });
    expect(isDevicePage(next.page), next.page.html.slice(0, 600)).toBe(true);
  });
});
