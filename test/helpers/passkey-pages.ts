// The passkey tests' walk through the real pages over HTTP with a software authenticator
// (soft-authenticator.ts): the account page's registration, the relying party's sign-in page, the options and
// the answer, and what the database then says. Built per test app by passkeyPages(t, rp).
import { expect } from "vitest";
import * as client from "openid-client";
import type { TestApp } from "./test-app.ts";
import { TestBrowser, parseForms, type Page } from "./browser.ts";
import { openAccountPage } from "./sessions.ts";
import { SoftAuthenticator } from "./soft-authenticator.ts";

export const PASSKEY_REDIRECT = "https://rp.example.test/cb";
const REDIRECT = PASSKEY_REDIRECT;
export type PasskeyUser = { id: string; email: string; username: string; password: string };
type User = PasskeyUser;
export type PasskeyOptions = { challenge: string; user?: { id: string }; allowCredentials?: { id: string }[] };
type Options = PasskeyOptions;

export function passkeyPages(t: TestApp, rp: client.Configuration) {
  const origin = t.url;
  const rpId = new URL(t.url).hostname;
  const csrfOf = (page: Page, actionPart: string) =>
    parseForms(page.html, page.url).find((f) => f.action.includes(actionPart))!.fields._csrf!;
  async function postJson(browser: TestBrowser, url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await browser.request(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", origin: browser.origin },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }
  const authenticator = (opts: ConstructorParameters<typeof SoftAuthenticator>[1] = {}) => new SoftAuthenticator({ origin, rpId }, opts);

  /** a signed-in browser on /account/passkeys (a user with a passkey passes the second factor with `key`) */
  async function accountPage(user: User, key?: SoftAuthenticator): Promise<{ browser: TestBrowser; page: Page }> {
    const browser = new TestBrowser(t.url);
    let page = await openAccountPage(browser, t.url, "/account/passkeys", { identifier: user.email, password: user.password });
    if (key && page.url.endsWith("/totp")) {
      const uid = /\/interaction\/([\w-]+)/.exec(page.url)![1]!;
      const options = await loginOptions({ browser, page, uid }, "second");
      page = await browser.submit(page, "/totp", { method: "passkey", response: JSON.stringify(key.get(options)) });
    }
    expect(page.url).toMatch(/\/account\/passkeys$/);
    return { browser, page };
  }

  /** adds `auth` to the user's account through the page; the page after */
  async function register(
    user: User,
    auth: SoftAuthenticator,
    name = "My key",
    over: Parameters<SoftAuthenticator["create"]>[1] = {},
  ): Promise<Page> {
    const { browser, page } = await accountPage(user);
    const csrf = csrfOf(page, "/account/passkeys");
    const options = await postJson(browser, `${t.url}/account/passkeys/options`, { _csrf: csrf, name, password: user.password });
    expect(options.status).toBe(200);
    const answer = auth.create(options.json as Options, over);
    return browser.submit(page, "/account/passkeys", { response: JSON.stringify(answer) });
  }

  /** the relying party's authorization request in a fresh browser: the sign-in page */
  async function signInPage(): Promise<{ browser: TestBrowser; page: Page; uid: string }> {
    const browser = new TestBrowser(t.url);
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: "openid",
      state: client.randomState(),
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: "S256",
    });
    const page = await browser.go(url.toString());
    const uid = /\/interaction\/([\w-]+)/.exec(page.url)![1]!;
    return { browser, page, uid };
  }

  async function loginOptions(
    s: { browser: TestBrowser; page: Page; uid: string },
    factor: "first" | "second" = "first",
  ): Promise<Options> {
    const answer = await postJson(s.browser, `${t.url}/interaction/${s.uid}/passkey/options`, {
      _csrf: csrfOf(s.page, `/interaction/${s.uid}/`),
      factor,
    });
    expect(answer.status).toBe(200);
    return answer.json as Options;
  }

  const submitPasskey = (s: { browser: TestBrowser; page: Page }, response: unknown) =>
    s.browser.submit(
      s.page,
      "/passkey",
      { response: typeof response === "string" ? response : JSON.stringify(response) },
      { stopAt: REDIRECT },
    );

  async function withPasskey(opts: ConstructorParameters<typeof SoftAuthenticator>[1] = {}) {
    const user = await t.createUser();
    const auth = authenticator(opts);
    const page = await register(user, auth);
    expect(page.html).toContain("was added");
    return { user, auth };
  }

  const stored = async (userId: string) => (await t.app.services.passkeys.list(userId))[0]!;
  const counterOf = async (userId: string) => (await t.app.db.prisma.passkey.findFirst({ where: { userId } }))!.counter;
  const failures = (userId: string, type = "login.failed") =>
    t.app.db.prisma.auditEvent.findMany({ where: { userId, type, outcome: "failure" } });

  /** a refused first-factor passkey: the sign-in page again, 401, and the stored key untouched */
  async function expectRefused(_userId: string, page: Page) {
    expect(page.status).toBe(401);
    expect(page.url).not.toContain(REDIRECT);
    expect(page.html).toContain("That passkey was not accepted");
  }

  return {
    csrfOf,
    postJson,
    authenticator,
    accountPage,
    register,
    signInPage,
    loginOptions,
    submitPasskey,
    withPasskey,
    stored,
    counterOf,
    failures,
    expectRefused,
  };
}
