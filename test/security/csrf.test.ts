// CSRF on the interaction forms (checklist 29): the login POST and both consent POSTs refuse a missing token, a
// token minted for another browser and a foreign Origin, and change nothing when they refuse; a POST with no
// Origin header (older browsers) and a valid token goes through; GET never changes state.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, parseForms, type Page } from "../helpers/browser.ts";
import { discover } from "../helpers/oidc-flow.ts";

const REDIRECT = "https://rp.example.test/callback";
const EVIL = "https://evil.example.test";

type User = Awaited<ReturnType<TestApp["createUser"]>>;
type PostOpts = { csrf?: string | null; origin?: string | null; stopAt?: string };

describe("CSRF on the login and consent forms", () => {
  let t: TestApp;
  let rp: client.Configuration;

  beforeAll(async () => {
    t = await startTestApp();
    const { clientId, clientSecret } = await t.createClient({
      name: "CSRF RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      grantTypes: ["authorization_code", "refresh_token"],
    });
    rp = await discover(t.url, clientId, clientSecret);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** a new authorization request in `browser`: the login page (or the consent page when already signed in) */
  async function openInteraction(browser: TestBrowser): Promise<Page> {
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: "openid profile email",
      prompt: "consent",
      state: client.randomState(),
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
    });
    const page = await browser.go(url.toString(), { stopAt: REDIRECT });
    expect(page.status).toBe(200);
    expect(page.url).toMatch(/\/interaction\/[^/]+$/);
    return page;
  }

  /** posts the form whose action contains `actionPart`; `csrf: null` leaves the token out, `origin: null` the header */
  async function post(
    browser: TestBrowser,
    page: Page,
    actionPart: string,
    fields: Record<string, string>,
    opts: PostOpts = {},
  ): Promise<Page> {
    const form = parseForms(page.html, page.url).find((f) => f.action.includes(actionPart));
    if (!form) throw new Error(`no form with ${actionPart} on ${page.url}`);
    const all: Record<string, string> = { ...form.fields, ...fields };
    if (opts.csrf === null) delete all._csrf;
    else if (opts.csrf !== undefined) all._csrf = opts.csrf;
    const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
    if (opts.origin !== null) headers.origin = opts.origin ?? t.url;
    return browser.go(form.action, {
      init: { method: "POST", headers, body: new URLSearchParams(all).toString() },
      stopAt: opts.stopAt ?? REDIRECT,
    });
  }

  const csrfOf = (page: Page) => parseForms(page.html, page.url)[0]?.fields._csrf ?? "";
  const uidOf = (page: Page) => new URL(page.url).pathname.split("/")[2]!;
  const events = (userId: string, type: string) => t.app.db.prisma.auditEvent.count({ where: { userId, type } });

  /** signs `user` in within `browser` and returns the consent page of that interaction */
  async function consentPage(browser: TestBrowser, user: User): Promise<Page> {
    const login = await openInteraction(browser);
    const page = await post(browser, login, "/login", { identifier: user.email, password: user.password });
    expect(page.status).toBe(200);
    expect(page.html).toContain("/confirm");
    return page;
  }

  /** a token for the same interaction, minted in another browser that shares the interaction cookie but not the CSRF cookie */
  async function tokenFromAnotherBrowser(victim: TestBrowser, page: Page): Promise<string> {
    const other = new TestBrowser(t.url);
    for (const c of await victim.jar.getCookies(page.url)) {
      if (!c.key.includes("csrf")) await other.jar.setCookie(c.clone()!, page.url);
    }
    const theirs = await other.go(page.url);
    expect(theirs.status).toBe(200);
    expect(uidOf(theirs)).toBe(uidOf(page));
    const token = csrfOf(theirs);
    expect(token).toBeTruthy();
    expect(token).not.toBe(csrfOf(page));
    return token;
  }

  describe("login POST", () => {
    it("without a _csrf field: 403, 'form expired', nothing happens, the page still works afterwards", async () => {
      const user = await t.createUser();
      const browser = new TestBrowser(t.url);
      const login = await openInteraction(browser);
      const refused = await post(browser, login, "/login", { identifier: user.email, password: user.password }, { csrf: null });
      expect(refused.status).toBe(403);
      expect(refused.html).toMatch(/form has expired/i);
      expect(await events(user.id, "login.succeeded")).toBe(0);
      expect(await events(user.id, "login.failed")).toBe(0);
      // the interaction is untouched: the genuine form still signs in
      const again = await browser.go(login.url);
      expect(again.html).toContain('name="password"');
      const ok = await post(browser, again, "/login", { identifier: user.email, password: user.password });
      expect(ok.status).toBe(200);
      expect(ok.html).toContain("/confirm");
      expect(await events(user.id, "login.succeeded")).toBe(1);
    });

    it("an empty _csrf field: 403", async () => {
      const user = await t.createUser();
      const browser = new TestBrowser(t.url);
      const login = await openInteraction(browser);
      const refused = await post(browser, login, "/login", { identifier: user.email, password: user.password }, { csrf: "" });
      expect(refused.status).toBe(403);
      expect(await events(user.id, "login.succeeded")).toBe(0);
    });

    it("a _csrf minted for another browser: 403", async () => {
      const user = await t.createUser();
      const browser = new TestBrowser(t.url);
      const login = await openInteraction(browser);
      const foreignToken = await tokenFromAnotherBrowser(browser, login);
      const refused = await post(browser, login, "/login", { identifier: user.email, password: user.password }, { csrf: foreignToken });
      expect(refused.status).toBe(403);
      expect(refused.html).toMatch(/form has expired/i);
      expect(await events(user.id, "login.succeeded")).toBe(0);
    });

    it("a _csrf of another interaction in the same browser: 403", async () => {
      const user = await t.createUser();
      const browser = new TestBrowser(t.url);
      const first = await openInteraction(browser);
      const second = await openInteraction(browser);
      expect(uidOf(first)).not.toBe(uidOf(second));
      const refused = await post(browser, second, "/login", { identifier: user.email, password: user.password }, { csrf: csrfOf(first) });
      expect(refused.status).toBe(403);
      expect(await events(user.id, "login.succeeded")).toBe(0);
    });

    it("a foreign Origin with a valid token: 403", async () => {
      const user = await t.createUser();
      const browser = new TestBrowser(t.url);
      const login = await openInteraction(browser);
      const refused = await post(browser, login, "/login", { identifier: user.email, password: user.password }, { origin: EVIL });
      expect(refused.status).toBe(403);
      expect(refused.html).toMatch(/another site/i);
      expect(await events(user.id, "login.succeeded")).toBe(0);
      // a look-alike of our own origin (other port) is foreign too
      const port = Number(new URL(t.url).port);
      const lookAlike = await post(
        browser,
        login,
        "/login",
        { identifier: user.email, password: user.password },
        { origin: `http://127.0.0.1:${port + 1}` },
      );
      expect(lookAlike.status).toBe(403);
      expect(await events(user.id, "login.succeeded")).toBe(0);
    });

    it("no Origin header with a valid token (older browsers): accepted", async () => {
      const user = await t.createUser();
      const browser = new TestBrowser(t.url);
      const login = await openInteraction(browser);
      const page = await post(browser, login, "/login", { identifier: user.email, password: user.password }, { origin: null });
      expect(page.status).toBe(200);
      expect(page.html).toContain("/confirm");
      expect(await events(user.id, "login.succeeded")).toBe(1);
    });

    it("Origin: null (sandboxed frames, privacy tools) is refused even with a valid token", async () => {
      const user = await t.createUser();
      const browser = new TestBrowser(t.url);
      const login = await openInteraction(browser);
      const refused = await post(browser, login, "/login", { identifier: user.email, password: user.password }, { origin: "null" });
      expect(refused.status).toBe(403);
      expect(await events(user.id, "login.succeeded")).toBe(0);
      const page = await post(browser, login, "/login", { identifier: user.email, password: user.password });
      expect(page.html).toContain("/confirm");
      expect(await events(user.id, "login.succeeded")).toBe(1);
    });
  });

  describe.each([
    ["/confirm", "consent.granted"],
    ["/abort", null],
  ] as const)("consent POST %s", (action, auditType) => {
    /** after a refused POST: no code or error went to the RP, no consent was recorded, the genuine form still works */
    async function expectNothingHappened(browser: TestBrowser, user: User, consent: Page, refused: Page) {
      expect(refused.status).toBe(403);
      expect(refused.url.startsWith(REDIRECT)).toBe(false);
      expect(await events(user.id, "consent.granted")).toBe(0);
      const again = await browser.go(consent.url);
      expect(again.status).toBe(200);
      expect(again.html).toContain("/confirm");
      await expectAccepted(user, await post(browser, again, action, {}));
    }

    async function expectAccepted(user: User, page: Page) {
      expect(page.url.startsWith(REDIRECT)).toBe(true);
      const params = new URL(page.url).searchParams;
      if (action === "/confirm") expect(params.get("code")).toBeTruthy();
      else expect(params.get("error")).toBe("access_denied");
      expect(await events(user.id, "consent.granted")).toBe(auditType ? 1 : 0);
    }

    it("without a _csrf field: 403, 'form expired', nothing happens", async () => {
      const user = await t.createUser();
      const browser = new TestBrowser(t.url);
      const consent = await consentPage(browser, user);
      const refused = await post(browser, consent, action, {}, { csrf: null });
      expect(refused.html).toMatch(/form has expired/i);
      await expectNothingHappened(browser, user, consent, refused);
    });

    it("a _csrf minted for another browser: 403", async () => {
      const user = await t.createUser();
      const browser = new TestBrowser(t.url);
      const consent = await consentPage(browser, user);
      const refused = await post(browser, consent, action, {}, { csrf: await tokenFromAnotherBrowser(browser, consent) });
      await expectNothingHappened(browser, user, consent, refused);
    });

    it("a foreign Origin with a valid token: 403", async () => {
      const user = await t.createUser();
      const browser = new TestBrowser(t.url);
      const consent = await consentPage(browser, user);
      const refused = await post(browser, consent, action, {}, { origin: EVIL });
      expect(refused.html).toMatch(/another site/i);
      await expectNothingHappened(browser, user, consent, refused);
    });

    it("no Origin header with a valid token: accepted", async () => {
      const user = await t.createUser();
      const browser = new TestBrowser(t.url);
      const consent = await consentPage(browser, user);
      await expectAccepted(user, await post(browser, consent, action, {}, { origin: null }));
    });
  });

  describe("GET changes no state", () => {
    it("GET /interaction/:uid twice renders the same login form and records nothing", async () => {
      const before = await t.app.db.prisma.auditEvent.count();
      const browser = new TestBrowser(t.url);
      const login = await openInteraction(browser);
      const first = await browser.go(login.url);
      const second = await browser.go(login.url);
      expect(first.status).toBe(200);
      expect(second.status).toBe(200);
      expect(second.html).toBe(first.html);
      expect(first.html).toBe(login.html);
      expect(first.headers.getSetCookie()).toEqual([]);
      expect(await t.app.db.prisma.auditEvent.count()).toBe(before);
    });

    it("GET /interaction/:uid twice renders the same consent page and grants nothing", async () => {
      const user = await t.createUser();
      const browser = new TestBrowser(t.url);
      const consent = await consentPage(browser, user);
      const first = await browser.go(consent.url);
      const second = await browser.go(consent.url);
      expect(second.html).toBe(first.html);
      expect(first.html).toContain("/confirm");
      expect(await events(user.id, "consent.granted")).toBe(0);
    });

    it("credentials in a GET to the login action do not sign in", async () => {
      const user = await t.createUser();
      const browser = new TestBrowser(t.url);
      const login = await openInteraction(browser);
      const url = new URL(`${login.url}/login`);
      url.searchParams.set("identifier", user.email);
      url.searchParams.set("password", user.password);
      url.searchParams.set("_csrf", csrfOf(login));
      const page = await browser.go(url.toString(), { stopAt: REDIRECT });
      expect(page.status).toBeGreaterThanOrEqual(400);
      expect(page.url.startsWith(REDIRECT)).toBe(false);
      expect(await t.app.db.prisma.auditEvent.count({ where: { userId: user.id } })).toBe(0);
      const again = await browser.go(login.url);
      expect(again.html).toContain('name="password"');
    });
  });
});
