// Trusted devices through the real pages, real mail and openid-client: the trusted browser skips the code, a
// revoked one (Devices page) is asked again, another user's trust of the same browser does not count (a row
// per user; each trust sets a fresh cookie value and the other users' trusts follow it); a planted cookie value
// is never kept; a TOTP sign-in trusts the browser under without-2fa (a backup code does not), not under
// always; off never asks; the Devices page (this device, revoke one / all, someone else's id, CSRF on every
// device form); the client address: ignored X-Forwarded-For without TRUST_PROXY, address and country behind a
// trusted proxy; a sign-in approved from the suspicious-login email still needs the device code.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { TestBrowser, type Page } from "../helpers/browser.ts";
import { enableTotp, post, totpCode } from "../helpers/totp-login.ts";
import {
  DEVICE_REDIRECT as REDIRECT,
  FIREFOX_LINUX,
  ProxiedBrowser,
  atCodePage,
  auditEvents,
  codeMail,
  codeMailCount,
  deviceCookie,
  deviceDecisions,
  enterDeviceCode,
  exchangeCode,
  isDevicePage,
  signInToDevicePage,
  startDeviceEnv,
  throughConsentPage,
  type DeviceEnv,
} from "../helpers/device-flow.ts";
import { sha256 } from "../../src/lib/crypto.ts";

describe("trusted devices (without-2fa)", () => {
  let env: DeviceEnv;
  beforeAll(async () => {
    env = await startDeviceEnv("without-2fa");
  });
  afterAll(async () => {
    await env?.t.close();
    await env?.sink.close();
  });

  it("without TRUST_PROXY, X-Forwarded-For is ignored: the device is at the loopback address", async () => {
    const { t, sink, rp } = env;
    const user = await t.createUser();
    const browser = new ProxiedBrowser(t.url, "81.2.69.142");
    const { req, page } = await signInToDevicePage(rp, browser, REDIRECT, { identifier: user.email, password: user.password });
    const { code, mail } = await codeMail(sink, user.email, 1);
    expect(mail.text).not.toContain("81.2.69.142");
    await exchangeCode(rp, await enterDeviceCode(browser, page, REDIRECT, code), req);
    expect(await t.app.db.prisma.trustedDevice.findFirstOrThrow({ where: { userId: user.id } })).toMatchObject({
      ip: "127.0.0.1",
      countryCode: null,
    });
  });

  it("the trusted browser skips the code next time; a revoked one is asked again", async () => {
    const { t, sink, rp } = env;
    const { user, browser, page, code } = await atCodePage(env);
    await enterDeviceCode(browser, page, REDIRECT, code);

    const again = await signInToDevicePage(rp, browser, REDIRECT, { identifier: user.email, password: user.password }, { prompt: "login" });
    expect(again.page.url.startsWith(REDIRECT)).toBe(true);
    await exchangeCode(rp, again.page, again.req);
    expect(codeMailCount(sink, user.email)).toBe(1);
    expect(await deviceDecisions(t, user.id)).toEqual(["code", "trusted"]);

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
    expect((await auditEvents(t, user.id, "device.revoked"))[0]!.data).toMatchObject({ all: false, count: 1 });

    const third = await signInToDevicePage(rp, browser, REDIRECT, { identifier: user.email, password: user.password }, { prompt: "login" });
    expect(isDevicePage(third.page)).toBe(true);
    const { code: second } = await codeMail(sink, user.email, 2);
    await exchangeCode(rp, await enterDeviceCode(browser, third.page, REDIRECT, second), third.req);
    // trusted again: the row revived (under a fresh cookie value)
    expect(await t.app.db.prisma.trustedDevice.count({ where: { userId: user.id, revokedAt: null } })).toBe(1);
  });

  it("another user's trust of this browser does not make it trusted for this user; each trust sets a fresh cookie the other users' trusts follow", async () => {
    const { t, sink, rp } = env;
    const first = await atCodePage(env);
    await enterDeviceCode(first.browser, first.page, REDIRECT, first.code);
    const cookieBefore = (await deviceCookie(first.browser, t.url))!.value;

    // the same browser, now as someone else (oidc-provider first ends the other session)
    const other = await t.createUser();
    const req = await signInToDevicePage(
      rp,
      first.browser,
      REDIRECT,
      { identifier: other.email, password: other.password },
      { prompt: "login" },
    );
    expect(isDevicePage(req.page), req.page.html.slice(0, 800)).toBe(true);
    const { code } = await codeMail(sink, other.email, 1);
    let done: Page = await enterDeviceCode(first.browser, req.page, REDIRECT, code);
    // signing in as someone else ends the old session first: oidc-provider's self-submitting form
    if (done.html.includes("/session/end/confirm"))
      done = await throughConsentPage(
        first.browser,
        await first.browser.submit(done, "/session/end/confirm", {}, { stopAt: REDIRECT }),
        REDIRECT,
      );
    await exchangeCode(rp, done, req.req);
    // a fresh cookie value, trusted by both (the first user's row moved to it); the old value matches nothing
    const cookieAfter = (await deviceCookie(first.browser, t.url))!.value;
    expect(cookieAfter).not.toBe(cookieBefore);
    expect(await t.app.db.prisma.trustedDevice.count({ where: { tokenHash: sha256(cookieBefore) } })).toBe(0);
    const rows = await t.app.db.prisma.trustedDevice.findMany({ where: { tokenHash: sha256(cookieAfter) } });
    expect(rows.map((r) => r.userId).sort()).toEqual([first.user.id, other.id].sort());

    // the first user's device is revoked (from another device), then trusted again here by code: the other
    // user's earlier trust of this browser still works with the newest cookie
    await t.app.db.prisma.trustedDevice.updateMany({ where: { userId: first.user.id }, data: { revokedAt: new Date() } });
    const back = await signInToDevicePage(
      rp,
      first.browser,
      REDIRECT,
      { identifier: first.user.email, password: first.user.password },
      { prompt: "login" },
    );
    expect(isDevicePage(back.page), back.page.html.slice(0, 800)).toBe(true);
    let backDone: Page = await enterDeviceCode(first.browser, back.page, REDIRECT, (await codeMail(sink, first.user.email, 2)).code);
    if (backDone.html.includes("/session/end/confirm"))
      backDone = await throughConsentPage(
        first.browser,
        await first.browser.submit(backDone, "/session/end/confirm", {}, { stopAt: REDIRECT }),
        REDIRECT,
      );
    await exchangeCode(rp, backDone, back.req);
    const newest = (await deviceCookie(first.browser, t.url))!.value;
    expect(newest).not.toBe(cookieAfter);
    const mailsBefore = codeMailCount(sink, other.email);
    const otherAgain = await signInToDevicePage(
      rp,
      first.browser,
      REDIRECT,
      { identifier: other.email, password: other.password },
      { prompt: "login" },
    );
    let otherDone: Page = otherAgain.page;
    if (otherDone.html.includes("/session/end/confirm"))
      otherDone = await throughConsentPage(
        first.browser,
        await first.browser.submit(otherDone, "/session/end/confirm", {}, { stopAt: REDIRECT }),
        REDIRECT,
      );
    await exchangeCode(rp, otherDone, otherAgain.req);
    expect(codeMailCount(sink, other.email)).toBe(mailsBefore);
    expect((await deviceDecisions(t, other.id)).at(-1)).toBe("trusted");
  });

  it("a planted device cookie is never kept: the trust sets a fresh value and the planted one matches no row", async () => {
    const { t, sink, rp } = env;
    const user = await t.createUser();
    const browser = new TestBrowser(t.url, FIREFOX_LINUX);
    const planted = "A".repeat(43);
    await browser.jar.setCookie(`gh.device=${planted}; Path=/; HttpOnly`, t.url);
    const { req, page } = await signInToDevicePage(rp, browser, REDIRECT, { identifier: user.email, password: user.password });
    expect(isDevicePage(page)).toBe(true);
    await exchangeCode(rp, await enterDeviceCode(browser, page, REDIRECT, (await codeMail(sink, user.email, 1)).code), req);
    const cookie = (await deviceCookie(browser, t.url))!.value;
    expect(cookie).not.toBe(planted);
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await t.app.db.prisma.trustedDevice.findFirstOrThrow({ where: { userId: user.id } });
    expect(row.tokenHash).toBe(sha256(cookie));
    expect(await t.app.db.prisma.trustedDevice.count({ where: { tokenHash: sha256(planted) } })).toBe(0);
  });

  it("a TOTP sign-in trusts the browser without a code", async () => {
    const { t, sink, rp, clock } = env;
    const user = await t.createUser();
    const { secret } = await enableTotp(t, clock, user);
    const browser = new TestBrowser(t.url, FIREFOX_LINUX);
    const { req, page } = await signInToDevicePage(rp, browser, REDIRECT, { identifier: user.email, password: user.password });
    expect(page.html).toContain('name="code"');
    expect(page.url).toMatch(/\/totp$/);
    const after = await throughConsentPage(
      browser,
      await browser.submit(page, "/totp", { code: await totpCode(secret, clock.epoch()) }, { stopAt: REDIRECT }),
      REDIRECT,
    );
    await exchangeCode(rp, after, req);
    expect(codeMailCount(sink, user.email)).toBe(0);
    expect(await deviceCookie(browser, t.url)).toBeDefined();
    expect(await t.app.db.prisma.trustedDevice.count({ where: { userId: user.id } })).toBe(1);
    expect((await auditEvents(t, user.id, "device.trusted"))[0]!.data).toMatchObject({ how: "totp" });
    expect(await deviceDecisions(t, user.id)).toEqual(["totp"]);
  });

  it("a backup code sign-in does not trust the browser: the emailed device code is asked", async () => {
    const { t, sink, rp, clock } = env;
    const user = await t.createUser();
    const { backupCodes } = await enableTotp(t, clock, user);
    const browser = new TestBrowser(t.url, FIREFOX_LINUX);
    const { req, page } = await signInToDevicePage(rp, browser, REDIRECT, { identifier: user.email, password: user.password });
    expect(page.url).toMatch(/\/totp$/);
    const devicePage = await throughConsentPage(
      browser,
      await browser.submit(page, "/totp", { method: "backup", code: backupCodes[0]! }, { stopAt: REDIRECT }),
      REDIRECT,
    );
    expect(isDevicePage(devicePage), devicePage.html.slice(0, 800)).toBe(true);
    expect(await auditEvents(t, user.id, "two_factor.backup_code_used")).toHaveLength(1);
    const { code } = await codeMail(sink, user.email, 1);
    await exchangeCode(rp, await enterDeviceCode(browser, devicePage, REDIRECT, code), req);
    expect((await auditEvents(t, user.id, "device.trusted"))[0]!.data).toMatchObject({ how: "code" });
    expect(await deviceDecisions(t, user.id)).toEqual(["code"]);
  });

  it("revoke all on the Devices page; CSRF missing -> 403 on every device form, nothing changes", async () => {
    const { t } = env;
    const { user, browser, page, code } = await atCodePage(env);
    const noCsrf = await post(browser, page, "/device", { code, _csrf: "" });
    expect(noCsrf.status).toBe(403);
    expect((await post(browser, page, "/device/resend", { _csrf: "" })).status).toBe(403);
    await enterDeviceCode(browser, page, REDIRECT, code);

    const devices = await browser.go(`${t.url}/account/devices`);
    const id = /action="\/account\/devices\/([\w-]+)\/revoke"/.exec(devices.html)![1]!;
    expect((await post(browser, devices, `/account/devices/${id}/revoke`, { _csrf: "" })).status).toBe(403);
    expect(
      (
        await browser.request(`${t.url}/account/devices/revoke-all`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url },
          body: "",
        })
      ).status,
    ).toBe(403);
    expect(await t.app.db.prisma.trustedDevice.count({ where: { userId: user.id, revokedAt: null } })).toBe(1);
    // someone else's device id: a 404, nothing revoked
    const stranger = await atCodePage(env);
    await enterDeviceCode(stranger.browser, stranger.page, REDIRECT, stranger.code);
    const strangerId = /action="\/account\/devices\/([\w-]+)\/revoke"/.exec(
      (await stranger.browser.go(`${t.url}/account/devices`)).html,
    )![1]!;
    // no form for it on this user's page: posted by hand with this page's token
    expect(devices.html).not.toContain(strangerId);
    const token = /name="_csrf" value="([^"]+)"/.exec(devices.html)![1]!;
    const byHand = await browser.request(`${t.url}/account/devices/${strangerId}/revoke`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url },
      body: new URLSearchParams({ _csrf: token }).toString(),
    });
    expect(byHand.status).toBe(404);
    expect(await t.app.db.prisma.trustedDevice.count({ where: { userId: stranger.user.id, revokedAt: null } })).toBe(1);

    const all = await browser.request(`${t.url}/account/devices/revoke-all`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url },
      body: new URLSearchParams({ _csrf: token }).toString(),
    });
    expect(all.status).toBe(200);
    expect(await all.text()).toContain("1 device is no longer trusted");
    expect(await t.app.db.prisma.trustedDevice.count({ where: { userId: user.id, revokedAt: null } })).toBe(0);
    expect(await t.app.db.prisma.trustedDevice.count({ where: { userId: stranger.user.id, revokedAt: null } })).toBe(1);
    expect((await auditEvents(t, user.id, "device.revoked"))[0]!.data).toMatchObject({ all: true, count: 1 });
  });
});

describe("device approval: always", () => {
  let env: DeviceEnv;
  beforeAll(async () => {
    env = await startDeviceEnv("always");
  });
  afterAll(async () => {
    await env?.t.close();
    await env?.sink.close();
  });

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
    expect((await auditEvents(t, user.id, "device.trusted"))[0]!.data).toMatchObject({ how: "code" });
  });
});

describe("device approval: off", () => {
  let env: DeviceEnv;
  beforeAll(async () => {
    env = await startDeviceEnv("off");
  });
  afterAll(async () => {
    await env?.t.close();
    await env?.sink.close();
  });

  it("never asks for a code and trusts nothing", async () => {
    const { t, sink, rp } = env;
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    const { req, page } = await signInToDevicePage(rp, browser, REDIRECT, { identifier: user.email, password: user.password });
    await exchangeCode(rp, page, req);
    expect(sink.messages).toHaveLength(0);
    expect(await deviceCookie(browser, t.url)).toBeUndefined();
    expect(await t.app.db.prisma.trustedDevice.count()).toBe(0);
    expect(await deviceDecisions(t, user.id)).toEqual(["off"]);
  });
});

describe("trusted devices behind a trusted proxy", () => {
  let env: DeviceEnv;
  beforeAll(async () => {
    env = await startDeviceEnv("without-2fa", { TRUST_PROXY: "true" });
  });
  afterAll(async () => {
    await env?.t.close();
    await env?.sink.close();
  });

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
});

describe("device approval after a suspicious-login hold", () => {
  let env: DeviceEnv;
  const LONDON = "81.2.69.142";
  const TOKYO = "133.242.0.1";
  beforeAll(async () => {
    env = await startDeviceEnv("without-2fa", { TRUST_PROXY: "true", RISK_RULES: "new_country" });
  });
  afterAll(async () => {
    await env?.t.close();
    await env?.sink.close();
  });

  it("a sign-in approved from the emailed link still needs the device code in a browser not yet trusted", async () => {
    const { t, sink, rp } = env;
    const user = await t.createUser();
    // first sign-in (London): nothing known yet, so no hold, but a new device: the code
    const london = new ProxiedBrowser(t.url, LONDON);
    const first = await signInToDevicePage(rp, london, REDIRECT, { identifier: user.email, password: user.password });
    expect(isDevicePage(first.page)).toBe(true);
    await exchangeCode(rp, await enterDeviceCode(london, first.page, REDIRECT, (await codeMail(sink, user.email, 1)).code), first.req);

    // Tokyo, a new browser: held; approved from the email (the link proves the mailbox owner clicked, not that
    // the person at this browser reads the mailbox): the waiting page goes on to the device code
    const tokyo = new ProxiedBrowser(t.url, TOKYO);
    const held = await signInToDevicePage(rp, tokyo, REDIRECT, { identifier: user.email, password: user.password });
    expect(held.page.url).toMatch(/\/hold$/);
    const mail = await sink.waitFor((m) => m.to.includes(user.email) && m.subject === "Was this you signing in to Gatehouse?");
    const approve = /https?:\/\/\S+\/login-holds\/[\w-]+/.exec(mail.text)![0];
    const phone = new TestBrowser(t.url);
    await phone.submit(await phone.go(approve), "/login-holds/", {}, { origin: "null" });
    const codePage = await throughConsentPage(tokyo, await tokyo.go(held.page.url, { stopAt: REDIRECT }), REDIRECT);
    expect(isDevicePage(codePage), codePage.html.slice(0, 600)).toBe(true);
    expect(await deviceCookie(tokyo, t.url)).toBeUndefined();
    const { code } = await codeMail(sink, user.email, 2);
    await exchangeCode(rp, await enterDeviceCode(tokyo, codePage, REDIRECT, code), held.req);
    expect((await auditEvents(t, user.id, "login.succeeded")).at(-1)!.data).toMatchObject({ risk: "approved", device: "code" });
    // the code (not the email approval) trusted this browser
    expect(await deviceCookie(tokyo, t.url)).toBeDefined();
    expect(await t.app.db.prisma.trustedDevice.count({ where: { userId: user.id } })).toBe(2);
  });
});
