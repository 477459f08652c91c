// Password reset through the real pages and real mail: request, the emailed link, the new password, the
// sign-in page with its notice, and what a reset ends (sessions, refresh tokens, the lock); the request page
// answers alike for known and unknown accounts; the email says where the request came from; TOTP users must
// give a code.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { generate } from "otplib";
import { startTestApp, uniqueEmail, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, parseForms, type Page } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";
import { startSmtpSink, type ReceivedMail } from "../helpers/smtp-sink.ts";

const REDIRECT = "https://rp.example.test/cb";
const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const NEW_PASSWORD = "amber kettle under the bridge";
type Sink = Awaited<ReturnType<typeof startSmtpSink>>;
type User = Awaited<ReturnType<TestApp["createUser"]>>;

const linkIn = (mail: ReceivedMail) => /https?:\/\/\S+\/reset-password\?token=[\w-]+/.exec(mail.text)![0];
/** "2026-12-01 07:59 UTC" for a time */
const minute = (d: Date) => `${d.toISOString().replace("T", " ").slice(0, 16)} UTC`;

/** asks for a reset in `browser` and returns the answer page */
async function requestReset(t: TestApp, browser: TestBrowser, identifier: string): Promise<Page> {
  const form = await browser.go(`${t.url}/forgot-password`);
  expect(form.status).toBe(200);
  return browser.submit(form, "/forgot-password", { identifier });
}

/** the next email to `to` with this subject after the first `seen` of them */
async function nextMail(sink: Sink, to: string, subject: string, seen: number): Promise<ReceivedMail> {
  const match = (m: ReceivedMail) => m.to.includes(to) && m.subject === subject;
  await sink.waitFor(() => sink.messages.filter(match).length > seen);
  return sink.messages.filter(match)[seen]!;
}
/** polls until `done` holds (the request's emailing and audit run after the answer) */
async function until(done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await done()); i++) await new Promise((r) => setTimeout(r, 25));
}
const count = (sink: Sink, to: string, subject: string) => sink.messages.filter((m) => m.to.includes(to) && m.subject === subject).length;

describe("password reset", () => {
  let t: TestApp;
  let sink: Sink;
  let rp: client.Configuration;
  let offset = 0; // the app's clock runs with real time, moved by `offset` ms
  const clock = { now: () => new Date(Date.now() + offset), epoch: () => Math.floor((Date.now() + offset) / 1000) };

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({ SMTP_URL: sink.url }, { clock });
    const { clientId, clientSecret } = await t.createClient({
      name: "RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      grantTypes: ["authorization_code", "refresh_token"],
      firstParty: true,
    });
    rp = await discover(t.url, clientId, clientSecret);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  /** requests a reset for the user and returns the emailed link */
  async function emailedLink(user: User, browser = new TestBrowser(t.url)): Promise<string> {
    const seen = count(sink, user.email, "Reset your Gatehouse password");
    await requestReset(t, browser, user.email);
    return linkIn(await nextMail(sink, user.email, "Reset your Gatehouse password", seen));
  }
  const passwordIs = async (userId: string, password: string) =>
    t.app.services.passwords.verify((await t.app.db.prisma.user.findUniqueOrThrow({ where: { id: userId } })).passwordHash, password);
  /** a new authorization request in `browser`; where it ends without typing anything */
  async function authorize(browser: TestBrowser): Promise<Page> {
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: "openid",
      state: client.randomState(),
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: "S256",
    });
    return browser.go(url.toString(), { stopAt: REDIRECT });
  }
  /** a sign-in through the login page that is refused with the generic message */
  async function expectSignInRefused(identifier: string, password: string): Promise<void> {
    const browser = new TestBrowser(t.url);
    const page = await browser.submit(await authorize(browser), "/login", { identifier, password }, { stopAt: REDIRECT });
    expect(page.status).toBe(401);
    expect(page.html).toContain("Invalid email or password");
  }

  it("request, emailed link, new password, sign-in page with a notice; the new password works, the old one does not", async () => {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url, FIREFOX);
    const changedBefore = count(sink, user.email, "Your Gatehouse password was changed");
    const before = clock.now();
    const sent = await requestReset(t, browser, user.email);
    expect(sent.status).toBe(200);
    expect(sent.html).toContain("If an account exists for that address, we sent a link");
    const mail = await nextMail(sink, user.email, "Reset your Gatehouse password", 0);
    const after = clock.now();

    // where the request came from: IP, approximate location (loopback has none), browser, time
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain("127.0.0.1");
      expect(part).toContain("unknown location");
      expect(part).toContain("Firefox 128 on Linux");
      expect([minute(before), minute(after)].some((m) => part.includes(m))).toBe(true);
    }
    expect(mail.text).toContain("30 minutes");

    const link = linkIn(mail);
    const form = await browser.go(link);
    expect(form.status).toBe(200);
    expect(form.html).toContain("Choose a new password");
    expect(form.html).not.toContain('name="code"'); // no TOTP, no code field
    expect(await passwordIs(user.id, user.password)).toBe(true); // the GET changed nothing

    const done = await browser.submit(form, "/reset-password", { password: NEW_PASSWORD }, { stopAt: `${t.url}/login` });
    expect(done.status).toBe(303);
    expect(done.url).toBe(`${t.url}/login`);
    const signIn = await browser.go(done.url, { stopAt: REDIRECT });
    expect(signIn.url).toMatch(/\/interaction\/[^/]+$/); // the sign-in page: no automatic sign-in
    expect(signIn.html).toContain('name="password"');
    expect(signIn.html).toContain("Your password was changed and every session was signed out");

    await expectSignInRefused(user.email, user.password);
    const { tokens } = await loginWithCode(rp, new TestBrowser(t.url), REDIRECT, { identifier: user.email, password: NEW_PASSWORD });
    expect(tokens.claims()!.sub).toBe(user.id);

    const changed = await nextMail(sink, user.email, "Your Gatehouse password was changed", changedBefore);
    expect(changed.text).toContain("was reset");
    expect(changed.html).toContain("was reset");
    expect(changed.text).toContain("Every sign-in session of your account was ended");

    const resetEvents = { userId: user.id, type: { startsWith: "password_reset." } };
    await until(async () => (await t.app.db.prisma.auditEvent.count({ where: resetEvents })) >= 2);
    const events = await t.app.db.prisma.auditEvent.findMany({ where: resetEvents, orderBy: { id: "asc" } });
    expect(events.map((e) => e.type).sort()).toEqual(["password_reset.completed", "password_reset.requested"]);
    for (const event of events) expect(event).toMatchObject({ ip: "127.0.0.1", userAgent: FIREFOX, outcome: "success" });
  });

  it("answers a known and an unknown account identically (status, body, cookie names); only the known one gets mail", async () => {
    const user = await t.createUser();
    const unknown = uniqueEmail("nobody");
    const answer = async (identifier: string) => {
      const browser = new TestBrowser(t.url);
      const form = await browser.go(`${t.url}/forgot-password`);
      const fields = parseForms(form.html, form.url)[0]!.fields;
      const res = await browser.request(`${t.url}/forgot-password`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url },
        body: new URLSearchParams({ ...fields, identifier }).toString(),
      });
      const cookieNames = res.headers
        .getSetCookie()
        .map((c) => c.split("=")[0])
        .sort();
      return { status: res.status, body: await res.text(), cookieNames, type: res.headers.get("content-type") };
    };
    const requestedUnknown = () => t.app.db.prisma.auditEvent.count({ where: { type: "password_reset.requested", userId: null } });
    const unknownBefore = await requestedUnknown();

    const known = await answer(user.email);
    const missing = await answer(unknown);
    const knownByName = await answer(user.username);
    const missingByName = await answer(`nobody${Date.now()}`);
    expect(known.status).toBe(200);
    for (const other of [missing, knownByName, missingByName]) {
      expect(other.status).toBe(known.status);
      expect(other.body).toBe(known.body);
      expect(other.cookieNames).toEqual(known.cookieNames);
      expect(other.type).toBe(known.type);
    }
    expect(known.body).not.toContain(user.email);

    // the known account (by email and by username) got two links; the unknown ones were handled and got nothing
    await nextMail(sink, user.email, "Reset your Gatehouse password", 1);
    await until(async () => (await requestedUnknown()) >= unknownBefore + 2);
    expect(await requestedUnknown()).toBe(unknownBefore + 2);
    expect(sink.messages.filter((m) => m.to.includes(unknown))).toHaveLength(0);
  });

  it("ends every session and refresh token of the user, and lifts the lock set by failed sign-ins", async () => {
    const user = await t.createUser();
    const oldBrowser = new TestBrowser(t.url);
    const { tokens } = await loginWithCode(rp, oldBrowser, REDIRECT, { identifier: user.email, password: user.password });
    expect(tokens.refresh_token).toBeTruthy();
    const refreshed = await client.refreshTokenGrant(rp, tokens.refresh_token!); // it works before the reset
    const refreshToken = refreshed.refresh_token!;
    expect((await authorize(oldBrowser)).url.startsWith(REDIRECT)).toBe(true); // the session signs in silently

    // five wrong passwords lock the account
    const attacker = new TestBrowser(t.url);
    const login = await authorize(attacker);
    for (let i = 0; i < 5; i++) {
      const page = await attacker.submit(
        login,
        "/login",
        { identifier: user.email, password: `wrong password number ${i}` },
        { stopAt: REDIRECT },
      );
      expect(page.status).toBe(401);
    }
    expect(await t.app.services.lockout.lockedUntil({ userId: user.id })).not.toBeNull();
    await expectSignInRefused(user.email, user.password);

    const browser = new TestBrowser(t.url);
    const form = await browser.go(await emailedLink(user, browser));
    const done = await browser.submit(form, "/reset-password", { password: NEW_PASSWORD }, { stopAt: `${t.url}/login` });
    expect(done.status).toBe(303);

    await expect(client.refreshTokenGrant(rp, refreshToken)).rejects.toMatchObject({ error: "invalid_grant" });
    const again = await authorize(oldBrowser);
    expect(again.url).toMatch(/\/interaction\/[^/]+$/);
    expect(again.html).toContain('name="password"');

    expect(await t.app.services.lockout.lockedUntil({ userId: user.id })).toBeNull();
    expect(await t.app.services.lockout.failures({ userId: user.id })).toBe(0);
    const { tokens: fresh } = await loginWithCode(rp, new TestBrowser(t.url), REDIRECT, { identifier: user.email, password: NEW_PASSWORD });
    expect(fresh.claims()!.sub).toBe(user.id);
  });

  it("a user with TOTP must give a valid code; a wrong one changes nothing and counts toward the lockout", async () => {
    const user = await t.createUser();
    const enrollment = await t.app.services.totp.beginEnrollment(user);
    const confirmed = await t.app.services.totp.confirmEnrollment(
      user,
      await generate({ secret: enrollment.secret, epoch: clock.epoch() }),
    );
    expect(confirmed.outcome).toBe("enabled");
    offset += 30_000; // the confirmation used this time step; the reset's code comes from the next one

    const browser = new TestBrowser(t.url);
    const link = await emailedLink(user, browser);
    const form = await browser.go(link);
    expect(form.html).toContain('name="code"');

    const missing = await browser.submit(form, "/reset-password", { password: NEW_PASSWORD, code: "" });
    expect(missing.status).toBe(400);
    expect(missing.html).toContain("Enter the code from your authenticator app");

    const valid = await Promise.all([-30, 0, 30].map((d) => generate({ secret: enrollment.secret, epoch: clock.epoch() + d })));
    const wrong = ["000000", "111111", "222222", "333333"].find((c) => !valid.includes(c))!;
    const refused = await browser.submit(form, "/reset-password", { password: NEW_PASSWORD, code: wrong });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain("That code is not valid");
    expect(await passwordIs(user.id, user.password)).toBe(true);
    expect(await t.app.services.lockout.failures({ userId: user.id })).toBe(1);
    expect((await browser.go(link)).html).toContain("Choose a new password"); // the link still works
    const failed = await t.app.db.prisma.auditEvent.findFirstOrThrow({ where: { userId: user.id, type: "password_reset.failed" } });
    expect(failed.data).toMatchObject({ reason: "invalid_code" });

    const code = await generate({ secret: enrollment.secret, epoch: clock.epoch() });
    const done = await browser.submit(refused, "/reset-password", { password: NEW_PASSWORD, code }, { stopAt: `${t.url}/login` });
    expect(done.status).toBe(303);
    expect(await passwordIs(user.id, NEW_PASSWORD)).toBe(true);
    expect(await t.app.services.lockout.failures({ userId: user.id })).toBe(0);
  });

  it("a locked TOTP user cannot guess codes on the reset page, and the history says nothing before the code", async () => {
    const user = await t.createUser();
    const enrollment = await t.app.services.totp.beginEnrollment(user);
    expect(
      (await t.app.services.totp.confirmEnrollment(user, await generate({ secret: enrollment.secret, epoch: clock.epoch() }))).outcome,
    ).toBe("enabled");
    offset += 30_000;
    const browser = new TestBrowser(t.url);
    const link = await emailedLink(user, browser);
    const form = await browser.go(link);
    const valid = await Promise.all([-30, 0, 30].map((d) => generate({ secret: enrollment.secret, epoch: clock.epoch() + d })));
    const wrong = ["000000", "111111", "222222", "333333"].find((c) => !valid.includes(c))!;

    // the current password with a wrong code: "invalid code", not "used recently" (that would confirm a guess)
    const probe = await browser.submit(form, "/reset-password", { password: user.password, code: wrong });
    expect(probe.status).toBe(400);
    expect(probe.html).toContain("That code is not valid");
    expect(probe.html).not.toContain("not used recently");

    for (let i = 0; i < 4; i++) await browser.submit(form, "/reset-password", { password: NEW_PASSWORD, code: wrong });
    expect(await t.app.services.lockout.lockedUntil({ userId: user.id })).not.toBeNull();
    // locked: even the right code is refused, with the same message, and nothing changes
    const right = await generate({ secret: enrollment.secret, epoch: clock.epoch() });
    const refused = await browser.submit(form, "/reset-password", { password: NEW_PASSWORD, code: right });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain("That code is not valid");
    expect(await passwordIs(user.id, user.password)).toBe(true);
    const lockMail = await sink.waitFor((m) => m.to.includes(user.email) && m.subject.startsWith("Your Gatehouse account was locked"));
    expect(lockMail.text).toContain("right password");
    const reasons = (
      await t.app.db.prisma.auditEvent.findMany({ where: { userId: user.id, type: "password_reset.failed" }, orderBy: { id: "asc" } })
    ).map((e) => (e.data as { reason: string }).reason);
    expect(reasons.at(-1)).toBe("locked");
    expect(await t.app.db.prisma.auditEvent.count({ where: { userId: user.id, type: "login.locked" } })).toBe(1);
  });

  it("refuses a new password that breaks the policy, with a clear message, and keeps the link", async () => {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    const link = await emailedLink(user, browser);
    const form = await browser.go(link);
    const weak = await browser.submit(form, "/reset-password", { password: "password1234" });
    expect(weak.status).toBe(400);
    expect(weak.html).toContain("too common");
    const short = await browser.submit(form, "/reset-password", { password: "short" });
    expect(short.html).toContain("at least 12 characters");
    expect(await passwordIs(user.id, user.password)).toBe(true);
    const done = await browser.submit(short, "/reset-password", { password: NEW_PASSWORD }, { stopAt: `${t.url}/login` });
    expect(done.status).toBe(303);
  });
});

describe("password reset email behind a trusted proxy", () => {
  let t: TestApp;
  let sink: Sink;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({ SMTP_URL: sink.url, TRUST_PROXY: "true" });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  it("names the public client IP and its approximate location", async () => {
    const location = await t.app.services.geo.lookup("81.2.69.142");
    expect(location).toMatchObject({ city: "London", countryCode: "GB" }); // what the shipped DB-IP database says

    const user = await t.createUser();
    const browser = new TestBrowser(t.url, FIREFOX);
    const form = await browser.go(`${t.url}/forgot-password`);
    const res = await browser.request(`${t.url}/forgot-password`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url, "x-forwarded-for": "81.2.69.142" },
      body: new URLSearchParams({ ...parseForms(form.html, form.url)[0]!.fields, identifier: user.email }).toString(),
    });
    expect(res.status).toBe(200);
    const mail = await nextMail(sink, user.email, "Reset your Gatehouse password", 0);
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain("81.2.69.142");
      expect(part).toContain("London, United Kingdom");
      expect(part).toContain("Firefox 128 on Linux");
    }
  });
});
