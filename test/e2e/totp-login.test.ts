// Sign-in with password + TOTP through the real pages, openid-client as the relying party: amr in the ID token
// and the JWT access token, backup codes, wrong codes counting toward lockout (with the owner's email), the
// lockout count surviving a right password until the code is right, and accounts without TOTP unchanged.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import {
  authorizationRequest,
  codeStep,
  enableTotp,
  loginWithTotp,
  manualClock,
  passwordStep,
  post,
  totpCode,
} from "../helpers/totp-login.ts";

const REDIRECT = "https://rp.example.test/callback";
const API = "https://api.example.test";
const THRESHOLD = 5;

describe("sign-in with a TOTP second factor", () => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let rp: client.Configuration;
  const clock = manualClock();

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({ SMTP_URL: sink.url, LOCKOUT_THRESHOLD: String(THRESHOLD), LOCKOUT_BASE_SECONDS: "600" }, { clock });
    const { clientId, clientSecret } = await t.createClient({
      name: "TOTP RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      resources: [API],
    });
    rp = await discover(t.url, clientId, clientSecret);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  const events = (userId: string) => t.app.db.prisma.auditEvent.findMany({ where: { userId }, orderBy: { id: "asc" } });
  /** the code page for a fresh authorization request, after the right password */
  const codePageFor = async (user: { email: string; password: string }) => {
    const browser = new TestBrowser(t.url);
    const req = await authorizationRequest(rp, REDIRECT);
    return { browser, page: await passwordStep(browser, req.url, REDIRECT, { identifier: user.email, password: user.password }) };
  };

  it("password + code: the ID token and the JWT access token say amr pwd, otp", async () => {
    const user = await t.createUser();
    const { secret } = await enableTotp(t, clock, user);
    const jwks = createRemoteJWKSet(new URL(rp.serverMetadata().jwks_uri!));
    const { tokens, codePage } = await loginWithTotp(
      rp,
      new TestBrowser(t.url),
      REDIRECT,
      { identifier: user.email, password: user.password },
      () => totpCode(secret, clock.epoch()),
      { resource: API, scope: "openid offline_access", prompt: "consent" },
    );

    // the code page: a labelled numeric one-time-code field, and a backup-code link that is a plain link
    expect(codePage.url).toMatch(/\/interaction\/[\w-]+\/totp$/);
    expect(codePage.html).toMatch(/<label for="code">Authentication code<\/label>/);
    expect(codePage.html).toMatch(/<input id="code" name="code"[^>]*inputmode="numeric"/);
    expect(codePage.html).toContain('autocomplete="one-time-code"');
    expect(codePage.html).toMatch(/<a href="\/interaction\/[\w-]+\/totp\?method=backup">Use a backup code<\/a>/);
    expect(codePage.html).toContain('name="_csrf"');

    expect(tokens.claims()!.amr).toEqual(["pwd", "otp"]);
    expect(tokens.claims()!.sub).toBe(user.id);
    const { payload } = await jwtVerify(tokens.access_token, jwks, { issuer: t.url, audience: API, typ: "at+jwt" });
    expect(payload.amr).toEqual(["pwd", "otp"]);
    expect(payload.sub).toBe(user.id);
    // a refresh keeps the amr of the sign-in
    const refreshed = await client.refreshTokenGrant(rp, tokens.refresh_token!);
    expect((await jwtVerify(refreshed.access_token, jwks, { issuer: t.url, audience: API })).payload.amr).toEqual(["pwd", "otp"]);

    const succeeded = (await events(user.id)).filter((e) => e.type === "login.succeeded");
    expect(succeeded).toHaveLength(1);
    expect(succeeded[0]!.data).toMatchObject({ amr: ["pwd", "otp"], method: "totp" });
    expect((await t.app.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).lastLoginAt).not.toBeNull();
  });

  it("a backup code signs in once, through the no-JavaScript link", async () => {
    const user = await t.createUser();
    const { backupCodes } = await enableTotp(t, clock, user);
    const { browser, page } = await codePageFor(user);
    const href = /href="(\/interaction\/[\w-]+\/totp\?method=backup)"/.exec(page.html)![1]!;
    const backupPage = await browser.go(`${t.url}${href}`);
    expect(backupPage.status).toBe(200);
    expect(backupPage.html).toMatch(/<label for="code">Backup code<\/label>/);
    expect(backupPage.html).toContain('name="method" value="backup"');
    const callback = await codeStep(browser, backupPage, REDIRECT, backupCodes[3]!.toUpperCase());
    expect(new URL(callback).searchParams.get("code")).toBeTruthy();

    const log = await events(user.id);
    expect(log.find((e) => e.type === "two_factor.backup_code_used")?.data).toMatchObject({ remaining: 9 });
    expect(log.find((e) => e.type === "login.succeeded")?.data).toMatchObject({ amr: ["pwd", "otp"], method: "backup" });

    // the same backup code a second time: refused
    const again = await codePageFor(user);
    const refused = await post(again.browser, again.page, "/totp", { code: backupCodes[3]!, method: "backup" });
    expect(refused.status).toBe(401);
    expect(refused.html).toContain("Invalid code");
    // and the amr of a backup-code sign-in, through openid-client
    const { tokens } = await loginWithTotp(
      rp,
      new TestBrowser(t.url),
      REDIRECT,
      { identifier: user.username, password: user.password },
      () => backupCodes[0]!,
    );
    expect(tokens.claims()!.amr).toEqual(["pwd", "otp"]);
  });

  it("wrong codes count toward lockout: then even the right code gets the same answer, and the owner is told", async () => {
    const user = await t.createUser();
    const { secret } = await enableTotp(t, clock, user);
    const { browser, page } = await codePageFor(user);
    const right = await totpCode(secret, clock.epoch());
    const wrong = (i: number) => String((Number(right) + 1 + i) % 1_000_000).padStart(6, "0");
    const answers = [];
    for (let i = 0; i < THRESHOLD; i++) answers.push(await post(browser, page, "/totp", { code: wrong(i) }));
    expect(answers.every((a) => a.status === 401 && a.html.includes("Invalid code"))).toBe(true);
    expect(await t.app.services.lockout.lockedUntil({ userId: user.id })).not.toBeNull();

    const locked = await post(browser, page, "/totp", { code: right });
    const strip = (html: string) => html.replace(/value="[^"]*"/g, "");
    expect(locked.status).toBe(401);
    expect(strip(locked.html)).toBe(strip(answers.at(-1)!.html));

    const mail = await sink.waitFor((m) => m.to.includes(user.email));
    expect(mail.subject).toBe("Your Gatehouse account was locked after failed sign-ins");
    expect(mail.text).toContain(`${THRESHOLD} times`);
    const log = await events(user.id);
    expect(log.filter((e) => e.type === "login.second_factor_failed").map((e) => (e.data as { reason: string }).reason)).toEqual([
      ...Array(THRESHOLD).fill("wrong_code"),
      "locked",
    ]);
    expect(log.filter((e) => e.type === "login.locked")).toHaveLength(1);
    expect(log.some((e) => e.type === "login.succeeded")).toBe(false);
    // the password step is locked too
    const fresh = await codePageFor(user);
    expect(fresh.page.status).toBe(401);
    expect(fresh.page.html).toContain("Invalid email or password");
  });

  it("a right password does not reset the lockout count of a TOTP account; the right code does", async () => {
    const user = await t.createUser();
    const { secret } = await enableTotp(t, clock, user);
    const browser = new TestBrowser(t.url);
    const req = await authorizationRequest(rp, REDIRECT);
    const login = await browser.go(req.url, { stopAt: REDIRECT });
    for (let i = 0; i < 2; i++)
      expect((await post(browser, login, "/login", { identifier: user.email, password: `wrong password ${i}` })).status).toBe(401);
    const codePage = await browser.submit(login, "/login", { identifier: user.email, password: user.password }, { stopAt: REDIRECT });
    expect(codePage.html).toContain('name="code"');
    expect(await t.app.services.lockout.failures({ userId: user.id })).toBe(2);
    expect((await post(browser, codePage, "/totp", { code: "12345" })).status).toBe(401); // not even the format
    expect(await t.app.services.lockout.failures({ userId: user.id })).toBe(3);
    expect((await t.app.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).lastLoginAt).toBeNull();
    await codeStep(browser, codePage, REDIRECT, await totpCode(secret, clock.epoch()));
    expect(await t.app.services.lockout.failures({ userId: user.id })).toBe(0);
  });

  it("accounts without TOTP sign in as before, with amr pwd and no code page", async () => {
    const user = await t.createUser();
    const { tokens, pages } = await loginWithCode(
      rp,
      new TestBrowser(t.url),
      REDIRECT,
      { identifier: user.email, password: user.password },
      { resource: API },
    );
    expect(pages.some((p) => p.html.includes('name="code"'))).toBe(false);
    expect(tokens.claims()!.amr).toEqual(["pwd"]);
    const jwks = createRemoteJWKSet(new URL(rp.serverMetadata().jwks_uri!));
    expect((await jwtVerify(tokens.access_token, jwks, { issuer: t.url, audience: API })).payload.amr).toEqual(["pwd"]);
    expect((await events(user.id)).find((e) => e.type === "login.succeeded")?.data).toMatchObject({ amr: ["pwd"] });
  });

  it("remember me from the password step is kept through the code step", async () => {
    const user = await t.createUser();
    const { secret } = await enableTotp(t, clock, user);
    const sessionCookie = async (remember: boolean) => {
      const browser = new TestBrowser(t.url);
      await loginWithTotp(rp, browser, REDIRECT, { identifier: user.email, password: user.password, remember }, () =>
        totpCode(secret, clock.epoch()),
      );
      clock.advance(30); // the next sign-in needs a new step
      return (await browser.jar.getCookies(t.url)).find((c) => c.key === "gh.session")!;
    };
    const remembered = await sessionCookie(true);
    expect(remembered.expires instanceof Date && remembered.expires.getTime() - Date.now()).toBeGreaterThan(29 * 86400 * 1000);
    expect((await sessionCookie(false)).expires).toBe("Infinity"); // a browser-session cookie
  });

  it("the pre-auth state lives at most 5 minutes; after that the code page says to start again", async () => {
    const user = await t.createUser();
    const { secret } = await enableTotp(t, clock, user);
    const { browser, page } = await codePageFor(user);
    const uid = /\/interaction\/([\w-]+)\/totp/.exec(page.url)![1]!;
    const ttl = await t.app.redis.ttl(`flow:login:{${uid}}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300);

    clock.advance(301);
    try {
      const expired = await post(browser, page, "/totp", { code: await totpCode(secret, clock.epoch()) });
      expect(expired.status).toBe(400);
      expect(expired.html).toContain("This sign-in step has expired");
      expect(expired.html).toContain(`href="/interaction/${uid}"`);
      expect(expired.html).toContain("Start again");
      expect((await browser.go(page.url)).status).toBe(400);
      // starting again from the link: the password page of the same interaction, then a code page that works
      const restart = await browser.go(`${t.url}/interaction/${uid}`);
      expect(restart.html).toContain('name="password"');
      const codePage = await browser.submit(restart, "/login", { identifier: user.email, password: user.password }, { stopAt: REDIRECT });
      const callback = await codeStep(browser, codePage, REDIRECT, await totpCode(secret, clock.epoch()));
      expect(callback.startsWith(REDIRECT)).toBe(true);
    } finally {
      clock.advance(-301);
    }
  });
});
