// Login failures say nothing about which part was wrong (checklist 12): unknown email, unknown username, wrong
// password and a disabled account get the same status, text, HTML and cookies. Unverified email is revealed
// only after the right password. Audit events record why (without the password); passwords are compared
// after NFC and in full (no 72-byte truncation), and absurdly long ones are refused before hashing.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { randomBytes } from "node:crypto";
import { pino } from "pino";
import * as client from "openid-client";
import { startTestApp, uniqueEmail, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, parseForms, type Page } from "../helpers/browser.ts";
import { discover } from "../helpers/oidc-flow.ts";

const REDIRECT = "https://rp.example.test/callback";
const INVALID = "Invalid email or password";

type Attempt = { page: Page; login: Page; userAgent: string };

describe("login errors", () => {
  let t: TestApp;
  let rp: client.Configuration;
  const logLines: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ LOG_LEVEL: "trace" });
    // Every log line (the request logger's children inherit the root's stream) is kept here, so the test can
    // check that no password ever reaches a log. pino.symbols is pino's documented integration point.
    for (const logger of [t.app.log, t.app.accessLog]) {
      const root = logger as unknown as Record<symbol, unknown>; // the stream lives under a symbol the Logger type does not list
      root[pino.symbols.streamSym] = {
        write: (line: string) => {
          logLines.push(line);
        },
      };
    }
    const { clientId, clientSecret } = await t.createClient({
      name: "Login RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      grantTypes: ["authorization_code", "refresh_token"],
      firstParty: true,
    });
    rp = await discover(t.url, clientId, clientSecret);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function openLogin(browser: TestBrowser): Promise<Page> {
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: "openid profile email",
      state: client.randomState(),
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
    });
    const page = await browser.go(url.toString(), { stopAt: REDIRECT });
    expect(page.status).toBe(200);
    expect(page.html).toContain('name="password"');
    return page;
  }

  /** one login attempt in a fresh browser whose user agent tags its audit events */
  async function attempt(identifier: string, password: string): Promise<Attempt> {
    const userAgent = `LoginErrorsTest/${randomBytes(6).toString("hex")}`;
    const browser = new TestBrowser(t.url, userAgent);
    const login = await openLogin(browser);
    const page = await browser.submit(login, "/login", { identifier, password }, { stopAt: REDIRECT });
    return { page, login, userAgent };
  }

  const auditFor = (userAgent: string) => t.app.db.prisma.auditEvent.findMany({ where: { userAgent }, orderBy: { id: "asc" } });
  const asJson = (value: unknown) => JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  const escapeHtml = (s: string) =>
    s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&#34;").replace(/'/g, "&#39;");
  const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

  /** the page with what legitimately differs between attempts (echoed identifier, CSRF token, interaction id) replaced */
  function normalise(a: Attempt, identifier: string): string {
    const uid = new URL(a.login.url).pathname.split("/")[2]!;
    const csrf = parseForms(a.page.html, a.page.url)[0]?.fields._csrf ?? "";
    expect(csrf).toBeTruthy();
    let html = a.page.html.split(uid).join("<UID>").split(csrf).join("<CSRF>");
    for (const variant of new Set([identifier.trim(), escapeHtml(identifier.trim())]))
      html = html.replace(new RegExp(`value="${escapeRe(variant)}"`, "g"), 'value="<ID>"');
    return html;
  }
  const cookieNames = (p: Page) =>
    p.headers
      .getSetCookie()
      .map((c) => c.split("=")[0]!)
      .sort();
  const visibleError = (html: string) => /role="alert"[^>]*>[\s\S]*?<p>([\s\S]*?)<\/p>/.exec(html)?.[1]?.trim();

  it("unknown email, unknown username, wrong password and disabled account look the same", async () => {
    const known = await t.createUser();
    const disabled = await t.createUser();
    await t.app.db.prisma.user.update({ where: { id: disabled.id }, data: { disabled: true } });

    const cases = [
      { reason: "unknown", identifier: uniqueEmail("nobody"), password: known.password, userId: null },
      { reason: "unknown", identifier: `nobody_${randomBytes(4).toString("hex")}`, password: known.password, userId: null },
      { reason: "wrong_password", identifier: known.email, password: `${known.password}x`, userId: known.id },
      { reason: "wrong_password", identifier: known.username, password: "not the password at all", userId: known.id },
      { reason: "disabled", identifier: disabled.email, password: disabled.password, userId: disabled.id },
    ] as const;

    const results: { html: string; cookies: string[] }[] = [];
    for (const c of cases) {
      const a = await attempt(c.identifier, c.password);
      expect(a.page.status, c.identifier).toBe(401);
      expect(a.page.url).toBe(`${a.login.url}/login`);
      expect(visibleError(a.page.html)).toBe(INVALID);
      expect(a.page.html).toContain(`value="${escapeHtml(c.identifier)}"`);
      results.push({ html: normalise(a, c.identifier), cookies: cookieNames(a.page) });

      const events = await auditFor(a.userAgent);
      expect(events).toHaveLength(1);
      const [event] = events;
      expect(event!.type).toBe("login.failed");
      expect(event!.outcome).toBe("failure");
      expect(event!.userId).toBe(c.userId);
      expect((event!.data as { reason?: string }).reason).toBe(c.reason);
      expect(event!.ip).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
      expect(asJson(event)).not.toContain(c.password);
    }
    for (const r of results.slice(1)) {
      expect(r.html).toBe(results[0]!.html);
      expect(r.cookies).toEqual(results[0]!.cookies);
    }
    // the disabled account's correct password did not sign it in
    expect(await t.app.db.prisma.auditEvent.count({ where: { userId: disabled.id, type: "login.succeeded" } })).toBe(0);
  });

  it("an unverified email is revealed only after the correct password", async () => {
    const user = await t.createUser({ verified: false });
    const wrong = await attempt(user.email, `${user.password}!`);
    expect(wrong.page.status).toBe(401);
    expect(visibleError(wrong.page.html)).toBe(INVALID);
    expect(wrong.page.html).not.toMatch(/please verify your email address/i);

    const right = await attempt(user.email, user.password);
    expect(right.page.status).toBe(403);
    expect(right.page.html).toMatch(/<h1[^>]*>Verify your email<\/h1>/);
    expect(right.page.html).toMatch(/please verify your email address/i);
    expect(right.page.url.startsWith(REDIRECT)).toBe(false);
    const [event] = await auditFor(right.userAgent);
    expect(event).toMatchObject({ type: "login.failed", userId: user.id, data: { reason: "email_unverified" } });
    expect(await t.app.db.prisma.auditEvent.count({ where: { userId: user.id, type: "login.succeeded" } })).toBe(0);
  });

  it("signs in by username and by email, case-insensitively and with surrounding spaces; success is audited", async () => {
    const tag = randomBytes(4).toString("hex");
    const user = await t.createUser({ email: `alice-${tag}@example.test`, username: `Alice_${tag}` });
    for (const identifier of [user.username, `  ALICE_${tag.toUpperCase()} `, user.email, `  ALICE-${tag.toUpperCase()}@Example.TEST `]) {
      const a = await attempt(identifier, user.password);
      expect(a.page.url.startsWith(REDIRECT), identifier).toBe(true);
      expect(new URL(a.page.url).searchParams.get("code")).toBeTruthy();
      const all = await auditFor(a.userAgent);
      // one login event; the sign-in also starts a session, which its records audit (session.created)
      const events = all.filter((e) => e.type.startsWith("login."));
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: "login.succeeded", outcome: "success", userId: user.id });
      expect(events[0]!.ip).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
      expect(all.map((e) => e.type).sort()).toEqual(["login.succeeded", "session.created"]);
      expect(asJson(all)).not.toContain(user.password);
    }
  });

  it("a 1025-character password: 400 with a clear message, not audited", async () => {
    const user = await t.createUser();
    const a = await attempt(user.email, "a".repeat(1025));
    expect(a.page.status).toBe(400);
    expect(await auditFor(a.userAgent)).toHaveLength(0);
    // 1024 is still a password (a wrong one here), not a validation error
    const max = await attempt(user.email, "a".repeat(1024));
    expect(max.page.status).toBe(401);
    // the message names the field and the limit, in words a user understands (not a validator's "Too big: ...")
    const message = visibleError(a.page.html) ?? "";
    expect(message).toMatch(/password/i);
    expect(message).toMatch(/1024|too long/i);
  });

  it("NFC and NFD forms of the same password both sign in", async () => {
    const nfc = "caf\u00e9 au lait, s'il vous pla\u00eet".normalize("NFC");
    const nfd = nfc.normalize("NFD");
    expect(nfd).not.toBe(nfc);
    expect(nfc.length).toBeGreaterThanOrEqual(12);
    const user = await t.createUser({ password: nfc });
    for (const password of [nfc, nfd]) {
      const a = await attempt(user.email, password);
      expect(a.page.url.startsWith(REDIRECT)).toBe(true);
    }
  });

  it("an 80-character password works in full and its first 72 characters alone do not", async () => {
    const password = `${randomBytes(36).toString("hex")}${"tail1234"}`;
    expect(password).toHaveLength(80);
    const user = await t.createUser({ password });
    expect((await attempt(user.email, password)).page.url.startsWith(REDIRECT)).toBe(true);
    const truncated = await attempt(user.email, password.slice(0, 72));
    expect(truncated.page.status).toBe(401);
    expect(visibleError(truncated.page.html)).toBe(INVALID);
  });

  it("no audit event and no log line contains a password (run last: checks everything above)", async () => {
    expect(logLines.length).toBeGreaterThan(0); // the request logger did write here
    const users = await t.app.db.prisma.user.findMany();
    expect(users.length).toBeGreaterThan(0);
    const audit = asJson(await t.app.db.prisma.auditEvent.findMany());
    const logs = logLines.join("\n");
    // every password used above starts with one of these (test-app's default, the NFC/NFD one) or is the hex one
    for (const marker of [
      "correct horse",
      "caf\u00e9 au lait",
      "cafe\u0301 au lait",
      "not the password at all",
      "tail1234",
      "aaaaaaaaaaaaaaaaaaaa",
    ]) {
      expect(audit).not.toContain(marker);
      expect(logs).not.toContain(marker);
    }
  });
});
