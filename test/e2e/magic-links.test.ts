// Magic links (MAGIC_LINKS=true) through the real pages, Redis and the SMTP sink, with openid-client as the
// relying party: the link opened in the browser that asked signs in (amr email, acr pwd); an account with TOTP
// goes on to its code (amr email otp, acr mfa); the same answer for an address without an account (and no mail);
// the link's page changes nothing until its button; reused, expired, superseded and truncated links are refused
// with one page; opened in another browser it signs nothing in there but shows a code that works once in the
// browser that asked (a wrong code and the other browser's own try are refused); rate limited per address.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { startTestApp, uniqueEmail, type TestApp } from "../helpers/test-app.ts";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { TestBrowser, type Page } from "../helpers/browser.ts";
import { authorizationRequest, enableTotp, manualClock, totpCode, type ManualClock } from "../helpers/totp-login.ts";
import { ACR_MFA, ACR_ONE_FACTOR } from "../../src/lib/acr.ts";

const REDIRECT = "https://rp.example.test/cb";
type Request = Awaited<ReturnType<typeof authorizationRequest>>;

describe("magic links", { timeout: 120_000 }, () => {
  let t: TestApp;
  let sink: SmtpSink;
  let rp: client.Configuration;
  let clock: ManualClock;

  beforeAll(async () => {
    sink = await startSmtpSink();
    clock = manualClock();
    t = await startTestApp(
      { SMTP_URL: sink.url, MAGIC_LINKS: "true", RATE_LIMIT_MAGIC_LINK_PER_IDENTIFIER: "3", RATE_LIMIT_MAGIC_LINK_PER_IP: "1000" },
      { hostname: "localhost", clock },
    );
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

  /** a browser at the sign-in page of a fresh authorization request */
  async function start(): Promise<{ browser: TestBrowser; req: Request; login: Page }> {
    const browser = new TestBrowser(t.url);
    const req = await authorizationRequest(rp, REDIRECT);
    const login = await browser.go(req.url, { stopAt: REDIRECT });
    expect(login.html).toContain("Email me a sign-in link");
    return { browser, req, login };
  }
  const ask = (s: { browser: TestBrowser; login: Page }, email: string) =>
    s.browser.submit(s.login, "/magic-link", { email }, { stopAt: REDIRECT });
  const mailCount = (email: string) => sink.messages.filter((m) => m.to.includes(email)).length;
  /** the link of the newest mail to `email` (after `before` mails to it) */
  async function linkFor(email: string, before = 0): Promise<string> {
    await sink.waitFor((m) => m.to.includes(email) && mailCount(email) > before);
    const mail = sink.messages.filter((m) => m.to.includes(email)).at(-1)!;
    expect(mail.subject).toBe("Your Gatehouse sign-in link");
    return /(http:\/\/\S+\/interaction\/\S+\/magic\/[A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
  }
  /** opens the link in `browser`: its page (which changes nothing), then its button */
  async function open(browser: TestBrowser, link: string): Promise<Page> {
    const page = await browser.go(link, { stopAt: REDIRECT });
    expect(page.status).toBe(200);
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    return browser.submit(page, "/magic/", {}, { stopAt: REDIRECT });
  }
  async function claimsOf(req: Request, callback: string) {
    const tokens = await client.authorizationCodeGrant(rp, new URL(callback), {
      pkceCodeVerifier: req.verifier,
      expectedState: req.state,
      expectedNonce: req.nonce,
      idTokenExpected: true,
    });
    return tokens.claims()!;
  }
  const refusedPage = (page: Page) => {
    expect(page.status).toBe(400);
    expect(page.url.startsWith(REDIRECT)).toBe(false);
    expect(page.html).toContain("This sign-in link is no longer valid");
  };

  it("the same browser: the link signs in once (amr email, acr pwd), audited; used again it is refused", async () => {
    const user = await t.createUser();
    const s = await start();
    const sent = await ask(s, user.email);
    expect(sent.html).toContain("Check your email");
    const link = await linkFor(user.email);
    // the link's page alone changes nothing (mail scanners open links)
    await s.browser.go(link, { stopAt: REDIRECT });
    const done = await open(s.browser, link);
    expect(done.url.startsWith(REDIRECT)).toBe(true);
    const claims = await claimsOf(s.req, done.url);
    expect(claims).toMatchObject({ sub: user.id, amr: ["email"], acr: ACR_ONE_FACTOR });
    expect(Math.abs((claims.auth_time as number) - Date.now() / 1000)).toBeLessThan(10);
    const succeeded = await t.app.db.prisma.auditEvent.findFirst({
      where: { userId: user.id, type: "login.succeeded" },
      orderBy: { id: "desc" },
    });
    expect(succeeded?.data).toMatchObject({ amr: ["email"], method: "magic_link" });
    expect(await t.app.db.prisma.auditEvent.count({ where: { userId: user.id, type: "magic_link.requested" } })).toBe(1);

    refusedPage(await open(new TestBrowser(t.url), link));
    refusedPage(await open(s.browser, link));
  });

  it("an address without an account gets the same page and no mail", async () => {
    const user = await t.createUser();
    const known = await ask(await start(), user.email);
    const nobody = uniqueEmail("nobody");
    const unknown = await ask(await start(), nobody);
    expect(unknown.status).toBe(known.status);
    const strip = (page: Page, email: string) =>
      page.html
        .replaceAll(email, "EMAIL")
        .replace(/value="[^"]*"/g, 'value=""')
        .replace(/\/interaction\/[\w-]+/g, "/interaction/UID");
    expect(strip(unknown, nobody)).toBe(strip(known, user.email));
    await linkFor(user.email);
    await new Promise((r) => setTimeout(r, 500));
    expect(mailCount(nobody)).toBe(0);
  });

  it("expired, superseded and truncated links are refused", async () => {
    const user = await t.createUser();
    const s = await start();
    await ask(s, user.email);
    const first = await linkFor(user.email);
    await ask(s, user.email);
    const second = await linkFor(user.email, 1);
    expect(second).not.toBe(first);
    refusedPage(await open(s.browser, first));
    refusedPage(await open(s.browser, second.slice(0, -5)));
    clock.advance(601);
    refusedPage(await open(s.browser, second));
    const reasons = (await t.app.db.prisma.auditEvent.findMany({ where: { type: "magic_link.refused", userId: user.id } })).map(
      (e) => (e.data as { reason: string }).reason,
    );
    expect(reasons).toContain("expired");
  });

  it("opened in another browser: that one is not signed in but shown a code, which works once in the browser that asked", async () => {
    const user = await t.createUser();
    const s = await start();
    const sent = await ask(s, user.email);
    const link = await linkFor(user.email);
    const phone = new TestBrowser(t.url);
    const shown = await open(phone, link);
    expect(shown.url.startsWith(REDIRECT)).toBe(false);
    const code = /data-magic-code>(\d{6})</.exec(shown.html)![1]!;
    // the link is spent there: the asking browser cannot use it any more either
    refusedPage(await open(s.browser, link));

    const wrong = await s.browser.submit(sent, "/magic-link/code", { code: code === "000000" ? "111111" : "000000" }, { stopAt: REDIRECT });
    expect(wrong.status).toBe(401);
    expect(wrong.html).toContain("That code is not right");
    const done = await s.browser.submit(sent, "/magic-link/code", { code }, { stopAt: REDIRECT });
    expect(done.url.startsWith(REDIRECT)).toBe(true);
    expect(await claimsOf(s.req, done.url)).toMatchObject({ sub: user.id, amr: ["email"] });
    const again = await s.browser.submit(sent, "/magic-link/code", { code }, { stopAt: REDIRECT });
    expect(again.url.startsWith(REDIRECT)).toBe(false);
    expect(await t.app.db.prisma.auditEvent.count({ where: { userId: user.id, type: "magic_link.handed_off" } })).toBe(1);
  });

  it("an account with TOTP goes on to its code after the link: amr email otp, acr mfa", async () => {
    const user = await t.createUser();
    const { secret } = await enableTotp(t, clock, user);
    const s = await start();
    await ask(s, user.email);
    const codePage = await open(s.browser, await linkFor(user.email));
    expect(codePage.url).toMatch(/\/totp$/);
    const done = await s.browser.submit(codePage, "/totp", { code: await totpCode(secret, clock.epoch()) }, { stopAt: REDIRECT });
    expect(await claimsOf(s.req, done.url)).toMatchObject({ sub: user.id, amr: ["email", "otp"], acr: ACR_MFA });
  });

  it("bad input changes nothing; requests are rate limited per address", async () => {
    const s = await start();
    const bad = await s.browser.submit(s.login, "/magic-link", { email: "not-an-address" }, { stopAt: REDIRECT });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("Enter a valid email address");
    const email = uniqueEmail("limited");
    for (let i = 0; i < 3; i++) expect((await ask(s, email)).status).toBe(200);
    const limited = await ask(s, email);
    expect(limited.status).toBe(429);
  });
});
