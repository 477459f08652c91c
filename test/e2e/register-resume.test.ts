// #18 items 4 and 5, end to end with openid-client as the relying party and real mail: a person who registers from
// the app's sign-in (its Register tab) confirms the address from the email and is sent straight back to the app's
// own authorization request; after the password (and the emailed device code: a new browser) the app gets its
// code, and the tokens name the new account. Signing in before verifying offers a resend that resumes the same way.
// Only our own authorization endpoint is ever the target: a forged ?login= carries nothing.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { startTestApp, uniqueEmail, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, type Page } from "../helpers/browser.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { authorizationRequest } from "../helpers/totp-login.ts";
import { codeMail, enterDeviceCode, exchangeCode, isDevicePage } from "../helpers/device-flow.ts";

const REDIRECT = "https://notes.example.test/callback";
const PASSWORD = "quiet lantern over the marsh";

describe("registering from an app's sign-in resumes the app after email verification", () => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let rp: client.Configuration;

  beforeAll(async () => {
    sink = await startSmtpSink();
    // device approval as shipped: a new account's first sign-in from this browser asks for the emailed code
    t = await startTestApp({ SMTP_URL: sink.url, DEVICE_APPROVAL: "without-2fa" });
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
    await sink?.close();
  });

  const username = () => `u${Math.random().toString(36).slice(2, 10)}`;
  const verifyLink = async (email: string, n = 1) => {
    for (let i = 0; i < 200; i++) {
      const mails = sink.messages.filter((m) => m.to.includes(email) && m.subject.startsWith("Confirm your email"));
      if (mails[n - 1]) return /https?:\/\/\S+\/verify-email\?token=[\w-]+/.exec(mails[n - 1]!.text)![0];
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`no verification email ${n} for ${email}`);
  };
  /** the app's sign-in page and the Register tab's link on it */
  const appSignIn = async (browser: TestBrowser) => {
    const req = await authorizationRequest(rp, REDIRECT);
    const login = await browser.go(req.url, { stopAt: REDIRECT });
    expect(login.url).toMatch(/\/interaction\/[\w-]+$/);
    const registerHref = /id="tab-register" href="([^"]+)"/.exec(login.html)![1]!.replace(/&amp;/g, "&");
    return { req, login, registerHref };
  };
  /** the password (on the page the verification sent us to), then the emailed device code: the app's callback */
  const signInToApp = async (browser: TestBrowser, page: Page, email: string) => {
    expect(page.url).toMatch(/\/interaction\/[\w-]+$/);
    expect(page.html).toContain("Your email address is confirmed. Sign in to continue.");
    expect(page.html).toContain("Acme Notes");
    const device = await browser.submit(page, "/login", { identifier: email, password: PASSWORD }, { stopAt: REDIRECT });
    expect(isDevicePage(device), device.html.slice(0, 600)).toBe(true);
    const { code } = await codeMail(sink, email, 1);
    return enterDeviceCode(browser, device, REDIRECT, code);
  };

  it("Register tab -> email -> confirm -> the app's sign-in again -> the app, signed in", async () => {
    const browser = new TestBrowser(t.url);
    const { req, registerHref } = await appSignIn(browser);
    expect(registerHref).toMatch(/^\/register\?login=\/interaction\/[\w-]+$/);
    const form = await browser.go(`${t.url}${registerHref}`);
    // an app's sign-in never offers administrator registration (#18 item 7)
    expect(form.html).not.toContain("Register as Administrator");
    const email = uniqueEmail("resume");
    const name = username();
    const sent = await browser.submit(form, "/register", { username: name, email, password: PASSWORD, team_name: `Team ${name}` });
    expect(sent.html).toContain("Check your email");

    const confirm = await browser.go(await verifyLink(email));
    // the POST confirms and goes straight on to our own authorization endpoint with the app's request
    const res = await browser.request(`${t.url}/verify-email`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url },
      body: new URLSearchParams({
        _csrf: /name="_csrf" value="([^"]+)"/.exec(confirm.html)![1]!,
        token: /name="token" value="([^"]+)"/.exec(confirm.html)![1]!,
      }).toString(),
    });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get("location")!, t.url);
    expect(location.origin + location.pathname).toBe(`${t.url}/auth`);
    const original = new URL(req.url);
    for (const name of ["client_id", "redirect_uri", "state", "nonce", "code_challenge", "scope"]) {
      expect(location.searchParams.get(name), name).toBe(original.searchParams.get(name));
    }
    const signIn = await browser.go(location.toString(), { stopAt: REDIRECT });
    const callback = await signInToApp(browser, signIn, email);
    const tokens = await exchangeCode(rp, callback, req);
    const user = await t.app.db.prisma.user.findFirstOrThrow({ where: { email } });
    expect(tokens.claims()!.sub).toBe(user.id);
    expect(user.emailVerified).toBe(true);
  });

  it("signing in before verifying: the page offers a resend (which resumes the app too), not a dead end", async () => {
    const email = uniqueEmail("early");
    const name = username();
    const first = new TestBrowser(t.url);
    const form = await first.go(`${t.url}/register`);
    await first.submit(form, "/register", { username: name, email, password: PASSWORD, team_name: `Team ${name}` });
    await verifyLink(email, 1);

    const browser = new TestBrowser(t.url);
    const { req, login } = await appSignIn(browser);
    const early = await browser.submit(login, "/login", { identifier: email, password: PASSWORD }, { stopAt: REDIRECT });
    expect(early.status).toBe(403);
    expect(early.html).toContain("Please verify your email address before signing in.");
    expect(early.html).not.toContain("Start again");
    expect(early.html).toContain('<a href="/verify-email">/verify-email</a>');
    const uid = /\/interaction\/([\w-]+)$/.exec(login.url)![1]!;
    expect(early.html).toContain(`<a href="/interaction/${uid}">Confirmed it? Back to sign in</a>`);
    expect(early.html).toContain(`value="${email}"`); // the address is filled in
    expect(early.html).toContain("Resend the verification email");

    const resent = await browser.submit(early, "/verify-email/resend", { email });
    expect(resent.html).toContain("Check your email");
    const confirm = await browser.go(await verifyLink(email, 2));
    const after = await browser.submit(confirm, "/verify-email", {}, { stopAt: REDIRECT });
    const callback = await signInToApp(browser, after, email);
    const tokens = await exchangeCode(rp, callback, req);
    expect(tokens.claims()!.sub).toBe((await t.app.db.prisma.user.findFirstOrThrow({ where: { email } })).id);
  });

  it("a resend for someone else's address does not carry the sender's sign-in: the proof binds the interaction to the address the right password revealed", async () => {
    // the victim registered but has not verified yet
    const victim = uniqueEmail("victim");
    const reg = new TestBrowser(t.url);
    const form = await reg.go(`${t.url}/register`);
    await reg.submit(form, "/register", { username: username(), email: victim, password: PASSWORD, team_name: `Team ${username()}` });
    await verifyLink(victim, 1);
    // a stranger with an unverified account of their own reaches the resend form on their own app sign-in
    const strangerEmail = uniqueEmail("stranger");
    const sreg = new TestBrowser(t.url);
    const sform = await sreg.go(`${t.url}/register`);
    await sreg.submit(sform, "/register", {
      username: username(),
      email: strangerEmail,
      password: PASSWORD,
      team_name: `Team ${username()}`,
    });
    const stranger = new TestBrowser(t.url);
    const { login } = await appSignIn(stranger);
    const early = await stranger.submit(login, "/login", { identifier: strangerEmail, password: PASSWORD }, { stopAt: REDIRECT });
    expect(early.html).toContain('name="return_proof"');
    // ... and asks a new link for the victim's address with their own form (and proof)
    const resent = await stranger.submit(early, "/verify-email/resend", { email: victim });
    expect(resent.html).toContain("Check your email");
    // the victim's new link verifies and lands on Gatehouse's own confirmation, not in the stranger's request
    const victimBrowser = new TestBrowser(t.url);
    const confirm = await victimBrowser.go(await verifyLink(victim, 2));
    const done = await victimBrowser.submit(confirm, "/verify-email", {}, { stopAt: REDIRECT });
    expect(done.url).not.toContain("/auth?");
    expect(done.html).toContain("Email confirmed");
  });

  it("only the app's request kept on the server is resumed: a forged ?login= or a plain registration carries nothing", async () => {
    for (const login of ["/interaction/not-a-real-uid", "https://evil.example/auth", "//evil.example"]) {
      const email = uniqueEmail("forged");
      const name = username();
      const browser = new TestBrowser(t.url);
      const form = await browser.go(`${t.url}/register?login=${encodeURIComponent(login)}`);
      await browser.submit(form, "/register", { username: name, email, password: PASSWORD, team_name: `Team ${name}` });
      const confirm = await browser.go(await verifyLink(email));
      const done = await browser.submit(confirm, "/verify-email", {});
      expect(done.status, login).toBe(200);
      expect(done.url).toBe(`${t.url}/verify-email`);
      expect(done.html).toContain("Email confirmed");
      expect(done.html).toContain('<a class="btn btn-primary" href="/login">Sign in</a>');
    }
  });
});
