// Registration and email verification through the real pages and real mail: register, the link (GET shows a
// button, POST confirms), sign in; an existing address looks the same and its owner is told; links are single
// use, expire, and are replaced by a resend.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { startTestApp, uniqueEmail, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, type Page } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";

const REDIRECT = "https://rp.example.test/cb";
const PASSWORD = "quiet lantern over the marsh";

describe("registration and email verification", () => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let rp: client.Configuration;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({ SMTP_URL: sink.url });
    const { clientId, clientSecret } = await t.createClient({
      name: "RP",
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

  // Door A: every registration brings a team name (a unique one, so teams never clash between tests)
  const register = async (
    browser: TestBrowser,
    fields: { username: string; email: string; password: string; team_name?: string },
  ): Promise<Page> => {
    const form = await browser.go(`${t.url}/register`);
    return browser.submit(form, "/register", { team_name: `Team ${fields.username}`, ...fields });
  };
  const linkIn = (text: string) => /https?:\/\/\S+\/verify-email\?token=[\w-]+/.exec(text)![0];
  const username = () => `u${Math.random().toString(36).slice(2, 10)}`;

  it("registers, verifies by the emailed link, then signs in", async () => {
    const email = uniqueEmail("reg");
    const browser = new TestBrowser(t.url);
    const done = await register(browser, { username: username(), email, password: PASSWORD });
    expect(done.status).toBe(200);
    expect(done.html).toContain("Check your email");
    const mail = await sink.waitFor((m) => m.to.includes(email) && m.subject.startsWith("Confirm your email"));
    expect(mail.html).toContain("/verify-email?token=");

    // not verified yet: the right password gets the "verify your email" page
    await expect(loginWithCode(rp, new TestBrowser(t.url), REDIRECT, { identifier: email, password: PASSWORD })).rejects.toThrow(
      /Verify your email/,
    );

    const confirm = await browser.go(linkIn(mail.text));
    expect(confirm.html).toContain("Confirm my email address");
    expect((await t.app.db.prisma.user.findFirstOrThrow({ where: { email } })).emailVerified).toBe(false); // a GET changes nothing
    const verified = await browser.submit(confirm, "/verify-email", {});
    expect(verified.html).toContain("Email confirmed");
    const { tokens } = await loginWithCode(rp, new TestBrowser(t.url), REDIRECT, { identifier: email, password: PASSWORD });
    expect(tokens.access_token).toBeTruthy();

    // the link works once
    const again = await browser.submit(confirm, "/verify-email", {});
    expect(again.status).toBe(400);
    expect(again.html).toContain("expired or was already used");
  });

  it("an address that already has an account gets the same page; its owner is told, nothing is created", async () => {
    const owner = await t.createUser();
    const before = await t.app.db.prisma.user.count();
    const page = await register(new TestBrowser(t.url), { username: username(), email: owner.email, password: PASSWORD });
    const fresh = uniqueEmail("fresh");
    const control = await register(new TestBrowser(t.url), { username: username(), email: fresh, password: PASSWORD });
    expect(page.status).toBe(control.status);
    expect(page.html.replace(owner.email, "X")).toBe(control.html.replace(fresh, "X"));
    const cookieNames = (p: Page) =>
      p.headers
        .getSetCookie()
        .map((c) => c.split("=")[0]!)
        .sort();
    expect(cookieNames(page)).toEqual(cookieNames(control));
    const told = await sink.waitFor((m) => m.to.includes(owner.email));
    expect(told.subject).toBe("Someone tried to register with your email address");
    expect(await t.app.db.prisma.user.count()).toBe(before + 1); // only the fresh one
  });

  it("refuses weak passwords and taken usernames with a clear message, creating nothing", async () => {
    const taken = await t.createUser();
    const weak = await register(new TestBrowser(t.url), { username: username(), email: uniqueEmail(), password: "password1234" });
    expect(weak.status).toBe(400);
    expect(weak.html).toContain("too common");
    const short = await register(new TestBrowser(t.url), { username: username(), email: uniqueEmail(), password: "short" });
    expect(short.html).toContain("at least 12 characters");
    const clash = await register(new TestBrowser(t.url), { username: taken.username, email: uniqueEmail(), password: PASSWORD });
    expect(clash.status).toBe(400);
    expect(clash.html).toContain("That username is taken");
  });

  it("resend replaces the old link; an expired link is refused; parallel redemptions: one wins", async () => {
    const email = uniqueEmail("resend");
    const browser = new TestBrowser(t.url);
    await register(browser, { username: username(), email, password: PASSWORD });
    const first = linkIn((await sink.waitFor((m) => m.to.includes(email))).text);
    const resendForm = await browser.go(`${t.url}/verify-email`);
    await browser.submit(resendForm, "/verify-email/resend", { email });
    for (let i = 0; i < 100 && sink.messages.filter((m) => m.to.includes(email)).length < 2; i++)
      await new Promise((r) => setTimeout(r, 25));
    const second = linkIn(sink.messages.filter((m) => m.to.includes(email)).at(-1)!.text);
    expect(second).not.toBe(first);
    const registered = await t.app.db.prisma.user.findFirstOrThrow({ where: { email } });
    const types = (await t.app.queries.auditEvents.listForUser(registered.id)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["user.registered", "email.verification_resent"]));
    const old = await browser.submit(await browser.go(first), "/verify-email", {});
    expect(old.status).toBe(400);

    // expire the current link
    await t.app.db.prisma.emailVerificationToken.updateMany({
      where: { email, usedAt: null },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await browser.submit(await browser.go(second), "/verify-email", {})).status).toBe(400);

    // a fresh link, redeemed five times at once
    await browser.submit(await browser.go(`${t.url}/verify-email`), "/verify-email/resend", { email });
    for (let i = 0; i < 100 && sink.messages.filter((m) => m.to.includes(email)).length < 3; i++)
      await new Promise((r) => setTimeout(r, 25));
    const third = linkIn(sink.messages.filter((m) => m.to.includes(email)).at(-1)!.text);
    const confirm = await browser.go(third);
    const results = await Promise.all(Array.from({ length: 5 }, () => browser.submit(confirm, "/verify-email", {})));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);

    // resending for an unknown address answers the same and sends nothing
    const count = sink.messages.length;
    const unknown = await browser.submit(await browser.go(`${t.url}/verify-email`), "/verify-email/resend", {
      email: uniqueEmail("nobody"),
    });
    expect(unknown.html).toContain("Check your email");
    await new Promise((r) => setTimeout(r, 200));
    expect(sink.messages.length).toBe(count);
  });
});

describe("registration rate limits", () => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({ SMTP_URL: sink.url, RATE_LIMIT_ACCOUNT_PER_IDENTIFIER: "2" });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  it("limits the emails one address can be sent (registrations and resends together): 429 with Retry-After", async () => {
    const owner = await t.createUser();
    const attempt = async (path: string, fields: Record<string, string>) => {
      const browser = new TestBrowser(t.url);
      const form = await browser.go(`${t.url}${path === "/register" ? "/register" : "/verify-email"}`);
      return browser.submit(form, path, fields);
    };
    // a weak password sends nothing, so it spends nothing
    const weak = await attempt("/register", { username: `u${Date.now().toString(36)}w`, email: owner.email, password: "password1234" });
    expect(weak.status).toBe(400);
    const first = await attempt("/register", {
      username: `u${Date.now().toString(36)}a`,
      email: owner.email.toUpperCase(),
      password: PASSWORD,
      team_name: "Rate team A",
    });
    const second = await attempt("/verify-email/resend", { email: owner.email });
    const third = await attempt("/register", {
      username: `u${Date.now().toString(36)}b`,
      email: owner.email,
      password: PASSWORD,
      team_name: "Rate team B",
    });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(third.status).toBe(429);
    expect(third.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(third.html).toContain("Too many emails to this address");
    await t.app.services.mailer.idle();
    expect(sink.messages.filter((m) => m.to.includes(owner.email))).toHaveLength(1); // the registration attempt notice only
  });
});
