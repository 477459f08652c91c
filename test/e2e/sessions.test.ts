// The Sessions page and revocation, end to end: sessions listed with device, browser, IP and location (the
// client address from X-Forwarded-For behind a trusted proxy, ignored without one), "this device" and the
// applications; revoking one or all others really ends those browsers' sessions and refresh tokens (an
// openid-client refresh fails afterwards) and sends the back-channel logout; another user's session cannot be
// revoked; a POST without its CSRF token changes nothing.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import * as client from "openid-client";
import { decodeJwt } from "jose";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, parseForms } from "../helpers/browser.ts";
import { discover, loginWithCode, signInThroughPages } from "../helpers/oidc-flow.ts";
import {
  CHROME_ANDROID,
  FIREFOX_LINUX,
  SAFARI_MAC,
  ProxiedBrowser,
  asksToSignIn,
  openAccountPage,
  tryRefresh,
  waitUntil,
} from "../helpers/sessions.ts";

const REDIRECT = "https://rp.example.test/callback";
const LONDON = "81.2.69.142";
const MOUNTAIN_VIEW = "8.8.8.8";
const AMSTERDAM = "193.0.6.139";

describe("sessions page and revocation", () => {
  let t: TestApp;
  let rp: client.Configuration;
  let receiver: http.Server;
  const logoutTokens: string[] = [];

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => {
        body += d.toString();
      });
      req.on("end", () => {
        logoutTokens.push(new URLSearchParams(body).get("logout_token") ?? "");
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    t = await startTestApp({ TRUST_PROXY: "true", OUTBOUND_ALLOW_PRIVATE: "true" });
    const { clientId, clientSecret } = await t.createClient({
      name: "Sessions RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty: true,
      backchannelLogoutUri: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/backchannel`,
    });
    rp = await discover(t.url, clientId, clientSecret);
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((r) => receiver.close(r));
  });

  /** a user signed in to the RP from each browser; returns each one's tokens */
  async function signInEverywhere(user: { email: string; password: string }, browsers: TestBrowser[]) {
    const out = [];
    for (const b of browsers) out.push((await loginWithCode(rp, b, REDIRECT, { identifier: user.email, password: user.password })).tokens);
    return out;
  }
  const sectionOf = (html: string, sessionId: string) => {
    const start = html.indexOf(`data-session="${sessionId}"`);
    return start < 0 ? "" : html.slice(start, html.indexOf("</div>", start));
  };

  it("lists each session with its device, browser, IP, location, applications and this device", async () => {
    const user = await t.createUser();
    const laptop = new ProxiedBrowser(t.url, FIREFOX_LINUX, LONDON);
    const phone = new ProxiedBrowser(t.url, CHROME_ANDROID, MOUNTAIN_VIEW);
    const [laptopTokens, phoneTokens] = await signInEverywhere(user, [laptop, phone]);
    const page = await openAccountPage(laptop, t.url, "/account/sessions");
    expect(page.status).toBe(200);

    const rows = await t.app.queries.userSessions.listActive(user.id, t.app.clock.now());
    expect(rows).toHaveLength(2);
    const laptopRow = rows.find((r) => r.ip === LONDON)!;
    const phoneRow = rows.find((r) => r.ip === MOUNTAIN_VIEW)!;
    expect(laptopRow).toMatchObject({
      browser: "Firefox 128",
      os: "Ubuntu",
      deviceType: "desktop",
      countryCode: "GB",
      city: "London",
      remember: false,
      clients: [rp.clientMetadata().client_id],
    });
    expect(phoneRow).toMatchObject({
      browser: "Chrome 126",
      os: "Android 14",
      deviceType: "mobile",
      countryCode: "US",
      city: "Mountain View",
    });
    // the refresh tokens belong to these sessions
    expect(decodeJwt(laptopTokens!.id_token!).sid).toBeTruthy();
    expect(phoneTokens!.refresh_token).toBeTruthy();

    const mine = sectionOf(page.html, laptopRow.id);
    expect(mine).toContain("Firefox 128 on Ubuntu");
    expect(mine).toContain("This device");
    expect(mine).toContain(LONDON);
    expect(mine).toContain("London, United Kingdom");
    expect(mine).toContain("Sessions RP");
    expect(mine).not.toContain(`/account/sessions/${laptopRow.id}/revoke`);
    const theirs = sectionOf(page.html, phoneRow.id);
    expect(theirs).toContain("Chrome 126 on Android 14");
    expect(theirs).toContain("Mobile");
    expect(theirs).toContain("Mountain View, United States");
    expect(theirs).not.toContain("This device");
    expect(theirs).toContain(`/account/sessions/${phoneRow.id}/revoke`);
    expect(page.html).toContain("/account/sessions/revoke-others");
  });

  it("signing in on the account page lists the session with Gatehouse account", async () => {
    const user = await t.createUser();
    const browser = new ProxiedBrowser(t.url, SAFARI_MAC, AMSTERDAM);
    const page = await openAccountPage(browser, t.url, "/account/sessions", {
      identifier: user.email,
      password: user.password,
      remember: true,
    });
    expect(page.url).toBe(`${t.url}/account/sessions`);
    const [row] = await t.app.services.sessions.listActive(user.id);
    expect(row).toMatchObject({ browser: "Safari 17", os: "Mac OS", countryCode: "NL", remember: true, clients: ["gatehouse-account"] });
    expect(row!.expiresAt.getTime() - row!.startedAt.getTime()).toBe(t.config.session.rememberTtl * 1000);
    expect(sectionOf(page.html, row!.id)).toContain("Gatehouse account");
    expect(sectionOf(page.html, row!.id)).toContain("Yes");
    const created = (await t.app.queries.auditEvents.listByType("session.created")).filter((e) => e.userId === user.id);
    expect(created).toHaveLength(1);
    expect(created[0]!.data).toMatchObject({
      sessionId: row!.id,
      remember: true,
      deviceType: "desktop",
      countryCode: "NL",
      lifetimeSeconds: t.config.session.rememberTtl,
    });
  });

  it("revoking one session ends its cookie, its refresh tokens, and tells the relying party", async () => {
    const user = await t.createUser();
    const laptop = new ProxiedBrowser(t.url, FIREFOX_LINUX, LONDON);
    const phone = new ProxiedBrowser(t.url, CHROME_ANDROID, MOUNTAIN_VIEW);
    const [laptopTokens, phoneTokens] = await signInEverywhere(user, [laptop, phone]);
    const phoneRow = (await t.app.services.sessions.listActive(user.id)).find((r) => r.ip === MOUNTAIN_VIEW)!;
    const page = await openAccountPage(laptop, t.url, "/account/sessions");
    const before = logoutTokens.length;

    const done = await laptop.submit(page, `/account/sessions/${phoneRow.id}/revoke`, {});
    expect(done.status).toBe(200);
    expect(done.html).toContain("The session was signed out");
    expect(sectionOf(done.html, phoneRow.id)).toBe("");

    expect(await asksToSignIn(phone, t.url)).toBe(true);
    expect(await tryRefresh(rp, phoneTokens!.refresh_token!)).toEqual({ ok: false, error: "invalid_grant" });
    // the revoking browser is untouched
    expect(await asksToSignIn(laptop, t.url)).toBe(false);
    expect((await tryRefresh(rp, laptopTokens!.refresh_token!)).ok).toBe(true);

    await waitUntil(() => logoutTokens.length > before);
    expect(logoutTokens.length).toBe(before + 1);
    const logout = decodeJwt(logoutTokens.at(-1)!);
    expect(logout.sub).toBe(user.id);
    expect(logout.sid).toBe(decodeJwt(phoneTokens!.id_token!).sid);

    expect(await t.app.queries.userSessions.find(phoneRow.id)).toMatchObject({ endReason: "revoked" });
    expect((await t.app.queries.userSessions.find(phoneRow.id))!.endedAt).toBeInstanceOf(Date);
    const audit = (await t.app.queries.auditEvents.listByType("session.revoked")).find((e) => e.userId === user.id)!;
    expect(audit.actorId).toBe(user.id);
    expect(audit.data).toMatchObject({ sessionId: phoneRow.id, reason: "revoked" });
  });

  it("a code not yet exchanged dies with its session: revoked before the exchange, the exchange is invalid_grant", async () => {
    const user = await t.createUser();
    const laptop = new ProxiedBrowser(t.url, FIREFOX_LINUX, LONDON);
    const phone = new ProxiedBrowser(t.url, CHROME_ANDROID, AMSTERDAM);
    await signInEverywhere(user, [laptop]);
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: "openid offline_access",
      prompt: "consent",
      state: "s1",
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
    });
    const { callback } = await signInThroughPages(phone, url.toString(), REDIRECT, { identifier: user.email, password: user.password });
    const phoneRow = (await t.app.services.sessions.listActive(user.id)).find((r) => r.ip === AMSTERDAM)!;
    const page = await openAccountPage(laptop, t.url, "/account/sessions");
    expect((await laptop.submit(page, `/account/sessions/${phoneRow.id}/revoke`, {})).status).toBe(200);

    const exchange = client.authorizationCodeGrant(rp, new URL(callback), { pkceCodeVerifier: verifier, expectedState: "s1" });
    await expect(exchange).rejects.toMatchObject({ error: "invalid_grant" });
  });

  it("signing out all other sessions keeps this one and kills the others' refresh tokens", async () => {
    const user = await t.createUser();
    const browsers = [
      new ProxiedBrowser(t.url, FIREFOX_LINUX, LONDON),
      new ProxiedBrowser(t.url, CHROME_ANDROID, MOUNTAIN_VIEW),
      new ProxiedBrowser(t.url, SAFARI_MAC, AMSTERDAM),
    ];
    const tokens = await signInEverywhere(user, browsers);
    const page = await openAccountPage(browsers[0]!, t.url, "/account/sessions");
    const done = await browsers[0]!.submit(page, "/account/sessions/revoke-others", {});
    expect(done.html).toContain("2 other sessions were signed out");
    expect(await t.app.services.sessions.listActive(user.id)).toHaveLength(1);
    expect(await asksToSignIn(browsers[0]!, t.url)).toBe(false);
    expect((await tryRefresh(rp, tokens[0]!.refresh_token!)).ok).toBe(true);
    for (const i of [1, 2]) {
      expect(await asksToSignIn(browsers[i]!, t.url)).toBe(true);
      expect(await tryRefresh(rp, tokens[i]!.refresh_token!)).toEqual({ ok: false, error: "invalid_grant" });
    }
  });

  it("another user's session id is a 404 and ends nothing", async () => {
    const alice = await t.createUser();
    const bob = await t.createUser();
    const aliceBrowser = new TestBrowser(t.url);
    const bobBrowser = new TestBrowser(t.url);
    const [bobTokens] = await signInEverywhere(bob, [bobBrowser]);
    const [bobRow] = await t.app.services.sessions.listActive(bob.id);
    await signInEverywhere(alice, [new TestBrowser(t.url)]); // a second session, so her page has forms
    const page = await openAccountPage(aliceBrowser, t.url, "/account/sessions", { identifier: alice.email, password: alice.password });
    // Alice's page has no button for Bob's session: she posts her own valid token to Bob's session id
    const csrfToken = parseForms(page.html, page.url).find((f) => f.action.includes("/account/sessions/revoke-others"))!.fields._csrf;
    const res = await aliceBrowser.request(`${t.url}/account/sessions/${bobRow!.id}/revoke`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url },
      body: new URLSearchParams({ _csrf: csrfToken ?? "" }).toString(),
    });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("There is no such session among yours");
    expect(await t.app.services.sessions.listActive(bob.id)).toHaveLength(1);
    expect(await asksToSignIn(bobBrowser, t.url)).toBe(false);
    expect((await tryRefresh(rp, bobTokens!.refresh_token!)).ok).toBe(true);
  });

  it("a revoke without its CSRF token is refused with 403 and changes nothing", async () => {
    const user = await t.createUser();
    const laptop = new TestBrowser(t.url, FIREFOX_LINUX);
    const phone = new TestBrowser(t.url, CHROME_ANDROID);
    const [, phoneTokens] = await signInEverywhere(user, [laptop, phone]);
    const phoneRow = (await t.app.services.sessions.listActive(user.id)).find((r) => r.browser?.startsWith("Chrome"))!;
    const page = await openAccountPage(laptop, t.url, "/account/sessions");
    for (const action of [`/account/sessions/${phoneRow.id}/revoke`, "/account/sessions/revoke-others"]) {
      const denied = await laptop.submit(page, action, { _csrf: "" });
      expect(denied.status).toBe(403);
    }
    expect(await t.app.services.sessions.listActive(user.id)).toHaveLength(2);
    expect(await asksToSignIn(phone, t.url)).toBe(false);
    expect((await tryRefresh(rp, phoneTokens!.refresh_token!)).ok).toBe(true);
  });
});

describe("sessions page without a trusted proxy", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("ignores X-Forwarded-For: the loopback address, an unknown location", async () => {
    const user = await t.createUser();
    const browser = new ProxiedBrowser(t.url, FIREFOX_LINUX, LONDON);
    const page = await openAccountPage(browser, t.url, "/account/sessions", { identifier: user.email, password: user.password });
    const [row] = await t.app.services.sessions.listActive(user.id);
    expect(row).toMatchObject({ ip: "127.0.0.1", countryCode: null, city: null });
    expect(page.html).toContain("127.0.0.1");
    expect(page.html).toContain("unknown location");
    expect(page.html).not.toContain("London");
  });
});
