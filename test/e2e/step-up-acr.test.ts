// Step-up and the ID token's acr, amr and auth_time (lib/acr.ts, oidc/acr-policy.ts, flows/login/step-up.ts),
// checked by openid-client as the relying party: each sign-in method earns its level (password: pwd; password +
// TOTP: mfa; a passkey with user verification: phr); acr_values asks for a level, and a live password session
// asked for mfa does only its TOTP now (auth_time moves); a user who cannot reach the level sends the relying
// party unmet_authentication_requirements (never a weaker sign-in); unknown acr_values are ignored; max_age=0 and
// prompt=login sign in again; prompt=none with a weaker session is login_required.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { TestBrowser, parseForms, type Page } from "../helpers/browser.ts";
import { openAccountPage } from "../helpers/sessions.ts";
import { authorizationRequest, enableTotp, manualClock, totpCode, type ManualClock } from "../helpers/totp-login.ts";
import { SoftAuthenticator } from "../helpers/soft-authenticator.ts";
import { ACR_MFA, ACR_ONE_FACTOR, ACR_PHISHING_RESISTANT } from "../../src/lib/acr.ts";

const REDIRECT = "https://rp.example.test/cb";
type User = { id: string; email: string; username: string; password: string };
type Request = Awaited<ReturnType<typeof authorizationRequest>>;

describe("step-up: acr, amr and auth_time in the ID token", { timeout: 120_000 }, () => {
  let t: TestApp;
  let rp: client.Configuration;
  let clock: ManualClock;

  beforeAll(async () => {
    clock = manualClock();
    t = await startTestApp({}, { hostname: "localhost", clock });
    const { clientId, clientSecret } = await t.createClient({
      name: "Acme Notes",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty: true,
    });
    rp = await discover(t.url, clientId, clientSecret);
  });
  afterAll(async () => {
    await t?.close();
  });

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const isPasswordPage = (page: Page) => page.url.includes("/interaction/") && page.html.includes('name="password"');
  const isCodePage = (page: Page) => page.url.endsWith("/totp") && page.html.includes('name="code"');

  async function claimsOf(req: Request, callback: string) {
    const tokens = await client.authorizationCodeGrant(rp, new URL(callback), {
      pkceCodeVerifier: req.verifier,
      expectedState: req.state,
      expectedNonce: req.nonce,
      idTokenExpected: true,
    });
    return tokens.claims()!;
  }
  const password = (browser: TestBrowser, page: Page, user: User) =>
    browser.submit(page, "/login", { identifier: user.email, password: user.password }, { stopAt: REDIRECT });
  const code = (browser: TestBrowser, page: Page, secret: string) => async () =>
    browser.submit(page, "/totp", { code: await totpCode(secret, clock.epoch()) }, { stopAt: REDIRECT });
  const errorOf = (page: Page) => new URL(page.url).searchParams.get("error");

  /** a fresh browser signed in with the password only (acr pwd); returns it with the ID token's claims */
  async function passwordSession(user: User) {
    const browser = new TestBrowser(t.url);
    const req = await authorizationRequest(rp, REDIRECT);
    const page = await password(browser, await browser.go(req.url, { stopAt: REDIRECT }), user);
    expect(page.url.startsWith(REDIRECT)).toBe(true);
    return { browser, claims: await claimsOf(req, page.url) };
  }

  it("magic links are off by default: no form on the sign-in page, their routes are 404", async () => {
    const browser = new TestBrowser(t.url);
    const login = await browser.go((await authorizationRequest(rp, REDIRECT)).url, { stopAt: REDIRECT });
    expect(isPasswordPage(login)).toBe(true);
    expect(login.html).not.toContain("Email me a sign-in link");
    const uid = /\/interaction\/([\w-]+)/.exec(login.url)![1]!;
    expect((await browser.request(`${t.url}/interaction/${uid}/magic/${"a".repeat(43)}`)).status).toBe(404);
  });

  it("publishes the three levels in discovery", async () => {
    const meta = (await (await fetch(`${t.url}/.well-known/openid-configuration`)).json()) as { acr_values_supported: string[] };
    expect(meta.acr_values_supported).toEqual(["urn:gatehouse:loa:pwd", "urn:gatehouse:loa:mfa", "urn:gatehouse:loa:phr"]);
  });

  it("password: acr pwd, amr pwd, auth_time now; unknown acr_values are ignored", async () => {
    const user = await t.createUser();
    const { claims } = await passwordSession(user);
    expect(claims).toMatchObject({ acr: ACR_ONE_FACTOR, amr: ["pwd"] });
    expect(Math.abs((claims.auth_time as number) - Date.now() / 1000)).toBeLessThan(10);

    const browser = new TestBrowser(t.url);
    const req = await authorizationRequest(rp, REDIRECT, { acr_values: "urn:example:unknown" });
    const page = await password(browser, await browser.go(req.url, { stopAt: REDIRECT }), user);
    expect((await claimsOf(req, page.url)).acr).toBe(ACR_ONE_FACTOR);
  });

  it("password + TOTP: acr mfa, amr pwd otp; asked for mfa up front, the code page comes as usual", async () => {
    const user = await t.createUser();
    const { secret } = await enableTotp(t, clock, user);
    const browser = new TestBrowser(t.url);
    const req = await authorizationRequest(rp, REDIRECT, { acr_values: ACR_MFA });
    const codePage = await password(browser, await browser.go(req.url, { stopAt: REDIRECT }), user);
    expect(isCodePage(codePage)).toBe(true);
    const done = await code(browser, codePage, secret)();
    expect(await claimsOf(req, done.url)).toMatchObject({ acr: ACR_MFA, amr: ["pwd", "otp"] });
  });

  it("step-up: a password session asked for mfa does only its TOTP now; acr mfa, auth_time moves; then mfa is met silently", async () => {
    const user = await t.createUser();
    // signed in with the password alone; the user turns TOTP on afterwards
    const { browser, claims: first } = await passwordSession(user);
    expect(first).toMatchObject({ acr: ACR_ONE_FACTOR, amr: ["pwd"] });
    const { secret } = await enableTotp(t, clock, user);

    await sleep(1100);
    clock.advance(30);
    const req = await authorizationRequest(rp, REDIRECT, { acr_values: `${ACR_MFA} urn:example:unknown` });
    const codePage = await browser.go(req.url, { stopAt: REDIRECT });
    expect(isPasswordPage(codePage)).toBe(false);
    expect(isCodePage(codePage)).toBe(true);
    const done = await code(browser, codePage, secret)();
    const stepped = await claimsOf(req, done.url);
    expect(stepped).toMatchObject({ sub: user.id, acr: ACR_MFA, amr: ["pwd", "otp"] });
    expect(stepped.auth_time as number).toBeGreaterThan(first.auth_time as number);
    expect(await t.app.db.prisma.auditEvent.count({ where: { userId: user.id, type: "login.step_up" } })).toBe(1);

    // the session now holds mfa: asking again needs nothing more, prompt=none too
    const again = await authorizationRequest(rp, REDIRECT, { acr_values: ACR_MFA, prompt: "none" });
    const page = await browser.go(again.url, { stopAt: REDIRECT });
    expect((await claimsOf(again, page.url)).acr).toBe(ACR_MFA);
  });

  it("a user without a second factor asked for mfa: unmet_authentication_requirements, at sign-in and at step-up; prompt=none says login_required", async () => {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    const req = await authorizationRequest(rp, REDIRECT, { acr_values: ACR_MFA });
    const refusedPage = await password(browser, await browser.go(req.url, { stopAt: REDIRECT }), user);
    expect(refusedPage.url.startsWith(REDIRECT)).toBe(true);
    expect(errorOf(refusedPage)).toBe("unmet_authentication_requirements");
    expect(await t.app.db.prisma.auditEvent.count({ where: { userId: user.id, type: "login.acr_unmet" } })).toBe(1);

    const session = await passwordSession(user);
    const none = await authorizationRequest(rp, REDIRECT, { acr_values: ACR_MFA, prompt: "none" });
    expect(errorOf(await session.browser.go(none.url, { stopAt: REDIRECT }))).toBe("login_required");
    const stepUp = await authorizationRequest(rp, REDIRECT, { acr_values: ACR_PHISHING_RESISTANT });
    const page = await session.browser.go(stepUp.url, { stopAt: REDIRECT });
    expect(errorOf(page)).toBe("unmet_authentication_requirements");
  });

  it("phishing-resistant asked of a TOTP-only user: unmet after the password, no code page", async () => {
    const user = await t.createUser();
    await enableTotp(t, clock, user);
    const browser = new TestBrowser(t.url);
    const req = await authorizationRequest(rp, REDIRECT, { acr_values: ACR_PHISHING_RESISTANT });
    const page = await password(browser, await browser.go(req.url, { stopAt: REDIRECT }), user);
    expect(errorOf(page)).toBe("unmet_authentication_requirements");
  });

  it("max_age=0 and prompt=login sign in again: the password page comes back and auth_time moves", async () => {
    const user = await t.createUser();
    const { browser, claims } = await passwordSession(user);
    let last = claims.auth_time as number;
    for (const extra of [{ max_age: "0" }, { prompt: "login" }] as Record<string, string>[]) {
      await sleep(1100);
      const req = await authorizationRequest(rp, REDIRECT, extra);
      const login = await browser.go(req.url, { stopAt: REDIRECT });
      expect(isPasswordPage(login)).toBe(true);
      const page = await password(browser, login, user);
      const again = await claimsOf(req, page.url);
      expect(again).toMatchObject({ sub: user.id, acr: ACR_ONE_FACTOR, amr: ["pwd"] });
      expect(again.auth_time as number).toBeGreaterThan(last);
      last = again.auth_time as number;
    }
    // without either, the live session answers at once with the same auth_time
    const req = await authorizationRequest(rp, REDIRECT);
    const page = await browser.go(req.url, { stopAt: REDIRECT });
    expect((await claimsOf(req, page.url)).auth_time).toBe(last);
  });

  describe("with a passkey (software authenticator)", () => {
    type Options = { challenge: string; user?: { id: string } };
    const csrfOf = (page: Page, actionPart: string) =>
      parseForms(page.html, page.url).find((f) => f.action.includes(actionPart))!.fields._csrf!;
    async function postJson(browser: TestBrowser, url: string, body: unknown) {
      const res = await browser.request(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", origin: browser.origin },
        body: JSON.stringify(body),
      });
      return (await res.json()) as Options;
    }
    async function withPasskey(): Promise<{ user: User; key: SoftAuthenticator }> {
      const user = await t.createUser();
      const key = new SoftAuthenticator({ origin: t.url, rpId: "localhost" }, { attachment: "platform", transports: ["internal"] });
      const browser = new TestBrowser(t.url);
      const page = await openAccountPage(browser, t.url, "/account/passkeys", { identifier: user.email, password: user.password });
      const options = await postJson(browser, `${t.url}/account/passkeys/options`, {
        _csrf: csrfOf(page, "/account/passkeys"),
        name: "Laptop",
        password: user.password,
      });
      const added = await browser.submit(page, "/account/passkeys", { response: JSON.stringify(key.create(options)) });
      expect(added.html).toContain("was added");
      return { user, key };
    }
    const loginOptions = (browser: TestBrowser, page: Page, uid: string, factor: "first" | "second") =>
      postJson(browser, `${t.url}/interaction/${uid}/passkey/options`, { _csrf: csrfOf(page, `/interaction/${uid}/`), factor });
    const uidOf = (page: Page) => /\/interaction\/([\w-]+)/.exec(page.url)![1]!;

    it("a passkey alone: acr phr, amr swk user, and phr asked up front is met", async () => {
      const { key } = await withPasskey();
      const browser = new TestBrowser(t.url);
      const req = await authorizationRequest(rp, REDIRECT, { acr_values: ACR_PHISHING_RESISTANT });
      const login = await browser.go(req.url, { stopAt: REDIRECT });
      const options = await loginOptions(browser, login, uidOf(login), "first");
      const page = await browser.submit(login, "/passkey", { response: JSON.stringify(key.get(options)) }, { stopAt: REDIRECT });
      expect(await claimsOf(req, page.url)).toMatchObject({ acr: ACR_PHISHING_RESISTANT, amr: ["swk", "user"] });
    });

    it("password + passkey as the second factor holds phr: asked again for phr with prompt=none, it is met silently", async () => {
      const { user, key } = await withPasskey();
      const browser = new TestBrowser(t.url);
      const first = await authorizationRequest(rp, REDIRECT);
      const second = await password(browser, await browser.go(first.url, { stopAt: REDIRECT }), user);
      expect(second.url).toMatch(/\/totp$/);
      const done = await browser.submit(
        second,
        "/totp",
        { method: "passkey", response: JSON.stringify(key.get(await loginOptions(browser, second, uidOf(second), "second"))) },
        { stopAt: REDIRECT },
      );
      expect(await claimsOf(first, done.url)).toMatchObject({ acr: ACR_PHISHING_RESISTANT, amr: ["pwd", "swk", "user"] });
      const again = await authorizationRequest(rp, REDIRECT, { acr_values: ACR_PHISHING_RESISTANT, prompt: "none" });
      const page = await browser.go(again.url, { stopAt: REDIRECT });
      expect((await claimsOf(again, page.url)).acr).toBe(ACR_PHISHING_RESISTANT);
    });

    it("step-up from mfa to phr: a password + TOTP session asked for phr is sent straight to the passkey", async () => {
      const user = await t.createUser();
      const { secret } = await enableTotp(t, clock, user);
      const browser = new TestBrowser(t.url);
      const first = await authorizationRequest(rp, REDIRECT);
      clock.advance(30);
      const codePage = await password(browser, await browser.go(first.url, { stopAt: REDIRECT }), user);
      const done = await code(browser, codePage, secret)();
      expect(await claimsOf(first, done.url)).toMatchObject({ acr: ACR_MFA, amr: ["pwd", "otp"] });
      // a key added afterwards (through the service's own registration, as the account page does)
      const key = new SoftAuthenticator({ origin: t.url, rpId: "localhost" }, { attachment: "cross-platform", transports: ["usb"] });
      const account = new TestBrowser(t.url);
      let page = await openAccountPage(account, t.url, "/account/passkeys", { identifier: user.email, password: user.password });
      if (isCodePage(page)) {
        clock.advance(30);
        page = await code(account, page, secret)();
      }
      const options = await postJson(account, `${t.url}/account/passkeys/options`, {
        _csrf: csrfOf(page, "/account/passkeys"),
        name: "Key",
        password: user.password,
      });
      expect((await account.submit(page, "/account/passkeys", { response: JSON.stringify(key.create(options)) })).html).toContain(
        "was added",
      );

      const req = await authorizationRequest(rp, REDIRECT, { acr_values: ACR_PHISHING_RESISTANT });
      const stepPage = await browser.go(req.url, { stopAt: REDIRECT });
      expect(stepPage.url).toMatch(/\/totp$/);
      expect(stepPage.html).not.toContain('name="code"');
      const stepped = await browser.submit(
        stepPage,
        "/totp",
        { method: "passkey", response: JSON.stringify(key.get(await loginOptions(browser, stepPage, uidOf(stepPage), "second"))) },
        { stopAt: REDIRECT },
      );
      expect(await claimsOf(req, stepped.url)).toMatchObject({
        sub: user.id,
        acr: ACR_PHISHING_RESISTANT,
        amr: ["pwd", "otp", "hwk", "user"],
      });
    });

    it("phr asked after the password: only the passkey will do (a TOTP code is refused), then acr phr", async () => {
      const { user, key } = await withPasskey();
      const { secret } = await enableTotp(t, clock, user);
      const browser = new TestBrowser(t.url);
      const req = await authorizationRequest(rp, REDIRECT, { acr_values: ACR_PHISHING_RESISTANT });
      const second = await password(browser, await browser.go(req.url, { stopAt: REDIRECT }), user);
      expect(second.url).toMatch(/\/totp$/);
      expect(second.html).not.toContain('name="code"');
      const byCode = await browser.submit(
        second,
        "/totp",
        { method: "totp", code: await totpCode(secret, clock.epoch()) },
        { stopAt: REDIRECT },
      );
      expect(byCode.url.startsWith(REDIRECT)).toBe(false);
      const options = await loginOptions(browser, second, uidOf(second), "second");
      const page = await browser.submit(
        second,
        "/totp",
        { method: "passkey", response: JSON.stringify(key.get(options)) },
        { stopAt: REDIRECT },
      );
      expect(await claimsOf(req, page.url)).toMatchObject({ acr: ACR_PHISHING_RESISTANT, amr: ["pwd", "swk", "user"] });
    });
  });
});
