// The emailed device approval code through the real pages, real mail (SMTP sink) and openid-client: a new browser
// gets a 6-digit code by email (both parts) and signs in with it; the device cookie's attributes and that only
// its hash is stored (and only an HMAC of the code); wrong codes lock the challenge after 5 (even the right code
// is refused then, starting over sends a new one), also under parallel guesses; parallel right codes continue
// exactly once and trust the device once; wrong codes add up per account across sign-ins (the 11th is refused,
// then the right code too, and a new sign-in gets no email); expiry on the app clock; resend with cool-down
// (the new code works, the old one does not, attempts carry over); the per-user email limit (the refused resend
// keeps the code page and its cool-down) and, behind a trusted proxy, the per-IP limit.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { TestBrowser } from "../helpers/browser.ts";
import { post } from "../helpers/totp-login.ts";
import {
  DEVICE_REDIRECT as REDIRECT,
  DEVICE_SETTINGS,
  ProxiedBrowser,
  atCodePage,
  auditEvents,
  codeMail,
  codeMailCount,
  deviceCookie,
  enterDeviceCode,
  exchangeCode,
  isDevicePage,
  signInToDevicePage,
  startDeviceEnv,
  throughConsentPage,
  type DeviceEnv,
} from "../helpers/device-flow.ts";
import { sha256 } from "../../src/lib/crypto.ts";

describe("the emailed device code", () => {
  let env: DeviceEnv;
  beforeAll(async () => {
    env = await startDeviceEnv("without-2fa");
  });
  afterAll(async () => {
    await env?.t.close();
    await env?.sink.close();
  });

  it("a new browser gets a code by email, signs in with it, and is trusted (cookie attributes, only a hash stored)", async () => {
    const { t, sink, rp } = env;
    const { user, browser, req, page, code, mail } = await atCodePage(env);
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
    expect(cookie!.maxAge).toBe(DEVICE_SETTINGS.trustedTtl);
    expect(cookie!.path).toBe("/");
    expect(cookie!.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // only the hash is stored
    const rows = await t.app.db.prisma.trustedDevice.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).toBe(sha256(cookie!.value));
    expect(JSON.stringify(rows)).not.toContain(cookie!.value);
    expect(rows[0]!.label).toBe("Firefox 140 on Linux");
    expect(rows[0]!.ip).toBe("127.0.0.1");
    expect(rows[0]!.expiresAt.getTime() - rows[0]!.createdAt.getTime()).toBe(DEVICE_SETTINGS.trustedTtl * 1000);

    const log = await auditEvents(t, user.id);
    expect(log.find((e) => e.type === "device.code_sent")!.data).toMatchObject({ resend: false });
    expect(log.find((e) => e.type === "device.trusted")!.data).toMatchObject({ how: "code", deviceId: rows[0]!.id });
    expect(log.find((e) => e.type === "login.succeeded")!.data).toMatchObject({ device: "code" });
    // the code is never in an audit record
    expect(JSON.stringify(log.map((e) => e.data))).not.toContain(code);
    expect(sink.messages.filter((m) => m.to.includes(user.email))).toHaveLength(1);
  });

  it("wrong code x5 locks the challenge: a 6th, even the right one, fails; starting over sends a new code", async () => {
    const { t, sink } = env;
    const { user, browser, page, code } = await atCodePage(env);
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

    const failed = await auditEvents(t, user.id, "device.code_failed");
    expect(failed.map((e) => (e.data as { attempt: number }).attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(await auditEvents(t, user.id, "device.code_locked")).toHaveLength(1);
    expect(await auditEvents(t, user.id, "login.succeeded")).toHaveLength(0);

    // start over in the same interaction: password again, a fresh code that works
    const startOver = await browser.go(page.url.replace(/\/device$/, ""));
    expect(startOver.html).toContain('name="password"');
    const retry = await throughConsentPage(
      browser,
      await browser.submit(startOver, "/login", { identifier: user.email, password: user.password }, { stopAt: REDIRECT }),
      REDIRECT,
    );
    expect(isDevicePage(retry)).toBe(true);
    const { code: fresh } = await codeMail(sink, user.email, 2);
    const done = await enterDeviceCode(browser, retry, REDIRECT, fresh);
    expect(done.url.startsWith(REDIRECT)).toBe(true);
  });

  it("parallel wrong guesses get no more than 5 tries; parallel right codes continue once", async () => {
    const { t } = env;
    const { user, browser, page, code } = await atCodePage(env);
    const wrong = code === "000000" ? "111111" : "000000";
    const results = await Promise.all(Array.from({ length: 12 }, () => post(browser, page, "/device", { code: wrong })));
    expect(results.filter((r) => r.status === 401)).toHaveLength(4);
    expect(results.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(1);
    expect(
      (await auditEvents(t, user.id, "device.code_failed")).filter((e) => (e.data as { reason: string }).reason === "wrong_code"),
    ).toHaveLength(5);
    expect((await post(browser, page, "/device", { code })).status).toBe(400);

    const second = await atCodePage(env);
    const rights = await Promise.all(Array.from({ length: 5 }, () => post(second.browser, second.page, "/device", { code: second.code })));
    const winners = rights.filter((r) => r.status === 303);
    expect(winners).toHaveLength(1);
    expect(rights.filter((r) => r.status === 400)).toHaveLength(4);
    // the one that went on signs in (the relying party gets its tokens), and the device is trusted exactly once
    const next = new URL(winners[0]!.location!, second.page.url).toString();
    const callback = await throughConsentPage(second.browser, await second.browser.go(next, { stopAt: REDIRECT }), REDIRECT);
    expect((await exchangeCode(env.rp, callback, second.req)).claims()!.sub).toBe(second.user.id);
    expect(await t.app.db.prisma.trustedDevice.count({ where: { userId: second.user.id } })).toBe(1);
    expect(await auditEvents(t, second.user.id, "device.trusted")).toHaveLength(1);
    expect(await auditEvents(t, second.user.id, "login.succeeded")).toHaveLength(1);
  });

  it("wrong codes add up across sign-ins: the 11th is refused, then the right code too, and a new sign-in gets no email", async () => {
    const { t, sink, rp } = env;
    const { user, browser, page, code } = await atCodePage(env);
    const wrongFor = (c: string) => (c === "000000" ? "111111" : "000000");
    // sign-in 1: 5 wrong codes (this sign-in's challenge locked)
    for (let n = 1; n <= 5; n++) expect((await post(browser, page, "/device", { code: wrongFor(code) })).status).toBe(n < 5 ? 401 : 429);
    // sign-in 2 (start over, a right password): 3 wrong, the count goes on (8)
    const two = await atCodePage(env, user);
    for (let n = 1; n <= 3; n++) expect((await post(two.browser, two.page, "/device", { code: wrongFor(two.code) })).status).toBe(401);
    // sign-in 3: the 9th is wrong; the 10th uses up the account's wrong codes
    const three = await atCodePage(env, user);
    expect((await post(three.browser, three.page, "/device", { code: wrongFor(three.code) })).status).toBe(401);
    const tenth = await post(three.browser, three.page, "/device", { code: wrongFor(three.code) });
    expect(tenth.status).toBe(429);
    expect(tenth.html).toContain("Too many wrong codes for this account; try again later or sign in from a device you have used before");
    const eleventh = await post(three.browser, three.page, "/device", { code: wrongFor(three.code) });
    expect(eleventh.status).toBe(429);
    expect(eleventh.html).toContain("Too many wrong codes for this account");
    expect(eleventh.html).not.toContain('name="code"');
    // the right code is refused too, on this sign-in and on the one with attempts left
    for (const at of [three, two]) {
      const right = await post(at.browser, at.page, "/device", { code: at.code });
      expect(right.status).toBe(429);
      expect(right.html).toContain("Too many wrong codes for this account");
    }
    const failed = await auditEvents(t, user.id, "device.code_failed");
    expect(failed.filter((e) => (e.data as { reason: string }).reason === "wrong_code")).toHaveLength(10);
    expect(failed.filter((e) => (e.data as { reason: string }).reason === "account_locked")).toHaveLength(3);
    // a new sign-in (right password): no email, the code page says why
    const mails = codeMailCount(sink, user.email);
    const fresh = await signInToDevicePage(rp, new TestBrowser(t.url), REDIRECT, { identifier: user.email, password: user.password });
    expect(fresh.page.status).toBe(429);
    expect(fresh.page.html).toContain("Too many wrong codes for this account");
    expect(fresh.page.headers.get("retry-after")).toMatch(/^\d+$/);
    await new Promise((r) => setTimeout(r, 200));
    expect(codeMailCount(sink, user.email)).toBe(mails);
    const locked = (await auditEvents(t, user.id, "device.code_locked")).map((e) => e.data as { reason: string; stage?: string });
    expect(locked).toEqual([
      expect.objectContaining({ reason: "attempts" }),
      expect.objectContaining({ reason: "account_failures", stage: "verify", failures: 10 }),
      expect.objectContaining({ reason: "account_failures", stage: "send" }),
    ]);
    expect(await auditEvents(t, user.id, "login.succeeded")).toHaveLength(0);
  });

  it("an expired code is refused; a new code then works", async () => {
    const { sink, clock } = env;
    const { user, browser, page, code } = await atCodePage(env);
    clock.advance(DEVICE_SETTINGS.codeTtl + 1);
    const late = await post(browser, page, "/device", { code });
    expect(late.status).toBe(400);
    expect(late.html).toContain("This code has expired");
    const resent = await browser.submit(page, "/device/resend", {});
    expect(resent.html).toContain("We sent you a new code");
    const { code: fresh } = await codeMail(sink, user.email, 2);
    expect(fresh).not.toBe(code);
    expect((await post(browser, page, "/device", { code })).status).toBe(401);
    expect((await enterDeviceCode(browser, page, REDIRECT, fresh)).url.startsWith(REDIRECT)).toBe(true);
  });

  it("resend: the cool-down is enforced, the new code works and the old one does not, attempts carry over", async () => {
    const { t, sink, clock } = env;
    const { user, browser, page, code } = await atCodePage(env);
    const wrong = code === "000000" ? "111111" : "000000";
    expect((await post(browser, page, "/device", { code: wrong })).status).toBe(401);
    expect((await post(browser, page, "/device", { code: wrong })).status).toBe(401);

    const tooSoon = await post(browser, page, "/device/resend", {});
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.html).toMatch(/Please wait \d+ seconds? before asking for a new code/);
    expect(tooSoon.html).toMatch(/<button[^>]*disabled[^>]*>Send a new code/);
    expect(codeMailCount(sink, user.email)).toBe(1);

    clock.advance(DEVICE_SETTINGS.cooldown);
    const resent = await post(browser, page, "/device/resend", {});
    expect(resent.status).toBe(303);
    const { code: fresh } = await codeMail(sink, user.email, 2);
    expect((await auditEvents(t, user.id, "device.code_sent")).map((e) => (e.data as { resend: boolean }).resend)).toEqual([false, true]);
    expect(fresh).not.toBe(code);
    const old = await post(browser, page, "/device", { code });
    expect(old.status).toBe(401);
    // 2 before the resend + this one: the resend gave no new tries
    expect(old.html).toContain("2 attempts left");
    const done = await enterDeviceCode(browser, page, REDIRECT, fresh);
    expect(done.url.startsWith(REDIRECT)).toBe(true);
  });

  it(`more than ${DEVICE_SETTINGS.perUser} code emails an hour for one user: 429, and no more mail`, async () => {
    const { sink, clock, rp } = env;
    const { user, browser, page } = await atCodePage(env);
    for (let n = 2; n <= DEVICE_SETTINGS.perUser; n++) {
      clock.advance(DEVICE_SETTINGS.cooldown);
      expect((await post(browser, page, "/device/resend", {})).status).toBe(303);
      await codeMail(sink, user.email, n);
    }
    clock.advance(DEVICE_SETTINGS.cooldown);
    const over = await post(browser, page, "/device/resend", {});
    expect(over.status).toBe(429);
    expect(over.html).toContain("Too many device approval emails for this account");
    // the refused resend shows the code page (the last code still works there) and did not restart the cool-down
    expect(over.html).toContain('name="code"');
    expect(over.html).not.toMatch(/<button[^>]*disabled[^>]*>Send a new code/);
    expect((await browser.go(page.url)).html).not.toMatch(/<button[^>]*disabled[^>]*>Send a new code/);
    // a new sign-in from another browser is refused the email too
    const other = await signInToDevicePage(rp, new TestBrowser(env.t.url), REDIRECT, { identifier: user.email, password: user.password });
    expect(other.page.status).toBe(429);
    await new Promise((r) => setTimeout(r, 200));
    expect(codeMailCount(sink, user.email)).toBe(DEVICE_SETTINGS.perUser);
  });
});

describe("the per-IP limit behind a trusted proxy", () => {
  let env: DeviceEnv;
  const PER_IP = 4;
  beforeAll(async () => {
    env = await startDeviceEnv("without-2fa", { TRUST_PROXY: "true", RATE_LIMIT_DEVICE_CODE_PER_IP: String(PER_IP) });
  });
  afterAll(async () => {
    await env?.t.close();
    await env?.sink.close();
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
    expect(await auditEvents(t, user.id, "device.code_failed")).toHaveLength(PER_IP - 1);
    browser.ip = "198.51.100.7";
    await exchangeCode(rp, await enterDeviceCode(browser, page, REDIRECT, code), req);
  });
});
