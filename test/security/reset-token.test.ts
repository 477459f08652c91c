// Reset links as an attacker sees them: 32 random bytes with only the SHA-256 at rest, single use, expiring
// (controllable clock), superseded by a newer request, one winner among parallel redemptions; the reset page
// sends no Referer; its form takes the browser's "Origin: null" but refuses foreign origins and a missing or
// foreign CSRF token, and changes nothing when it refuses.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, parseForms, type Page } from "../helpers/browser.ts";
import { startSmtpSink, type ReceivedMail } from "../helpers/smtp-sink.ts";
import { sha256 } from "../../src/lib/crypto.ts";

const SUBJECT = "Reset your Gatehouse password";
const EVIL = "https://evil.example.test";
type Sink = Awaited<ReturnType<typeof startSmtpSink>>;
type User = Awaited<ReturnType<TestApp["createUser"]>>;

const linkIn = (mail: ReceivedMail) => /https?:\/\/\S+\/reset-password\?token=[\w-]+/.exec(mail.text)![0];
const tokenOf = (link: string) => new URL(link).searchParams.get("token")!;

describe("reset tokens", () => {
  let t: TestApp;
  let sink: Sink;
  let offset = 0;
  const clock = { now: () => new Date(Date.now() + offset), epoch: () => Math.floor((Date.now() + offset) / 1000) };

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({ SMTP_URL: sink.url }, { clock });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  const mails = (user: User) => sink.messages.filter((m) => m.to.includes(user.email) && m.subject === SUBJECT);
  async function emailedLink(user: User, browser = new TestBrowser(t.url)): Promise<string> {
    const seen = mails(user).length;
    const form = await browser.go(`${t.url}/forgot-password`);
    await browser.submit(form, "/forgot-password", { identifier: user.email });
    await sink.waitFor(() => mails(user).length > seen);
    return linkIn(mails(user)[seen]!);
  }
  const passwordIs = async (userId: string, password: string) =>
    t.app.services.passwords.verify((await t.app.db.prisma.user.findUniqueOrThrow({ where: { id: userId } })).passwordHash, password);

  /** posts a reset form with full control over the token, Origin and Sec-Fetch-Site */
  async function post(
    browser: TestBrowser,
    page: Page,
    fields: Record<string, string>,
    opts: { csrf?: string | null; origin?: string | null; fetchSite?: string } = {},
  ) {
    const form = parseForms(page.html, page.url).find((f) => f.action.includes("/reset-password"))!;
    const all: Record<string, string> = { ...form.fields, ...fields };
    if (opts.csrf === null) delete all._csrf;
    else if (opts.csrf !== undefined) all._csrf = opts.csrf;
    const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
    if (opts.origin !== null) headers.origin = opts.origin ?? t.url;
    if (opts.fetchSite) headers["sec-fetch-site"] = opts.fetchSite;
    const res = await browser.request(form.action, { method: "POST", headers, body: new URLSearchParams(all).toString() });
    return { status: res.status, location: res.headers.get("location"), html: await res.text() };
  }

  it("is 32 random bytes, and only its SHA-256 is stored", async () => {
    const user = await t.createUser();
    const token = tokenOf(await emailedLink(user));
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    expect(Buffer.from(token, "base64url").toString("base64url")).toBe(token);
    const rows = await t.app.db.prisma.passwordResetToken.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).toBe(sha256(token));
    expect(JSON.stringify(rows)).not.toContain(token);
    const raw = await t.app.db.prisma.$queryRaw<unknown[]>`SELECT * FROM password_reset_tokens WHERE user_id = ${user.id}::uuid`;
    expect(JSON.stringify(raw)).not.toContain(token);
  });

  it("works once: reuse after a reset is refused and changes nothing", async () => {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    const link = await emailedLink(user, browser);
    const form = await browser.go(link);
    const done = await post(browser, form, { password: "first new password of many" });
    expect(done.status).toBe(303);
    expect(done.location).toBe("/login");

    const reopened = await browser.go(link);
    expect(reopened.status).toBe(400);
    expect(reopened.html).toContain("This link has expired or was already used");
    expect(reopened.html).toContain('href="/forgot-password"');
    const reused = await post(browser, form, { password: "second new password of many" });
    expect(reused.status).toBe(400);
    expect(reused.html).toContain("expired or was already used");
    expect(await passwordIs(user.id, "first new password of many")).toBe(true);
  });

  it("expires after PASSWORD_RESET_TTL (30 minutes)", async () => {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    const link = await emailedLink(user, browser);
    const form = await browser.go(link);
    const { expiresAt, createdAt } = await t.app.db.prisma.passwordResetToken.findFirstOrThrow({ where: { userId: user.id } });
    expect(expiresAt.getTime() - createdAt.getTime()).toBeGreaterThan(29 * 60_000);
    try {
      offset = expiresAt.getTime() - Date.now() - 60_000; // a minute before the end: still good
      expect((await browser.go(link)).status).toBe(200);
      offset = expiresAt.getTime() - Date.now() + 1000; // just past it
      expect((await browser.go(link)).status).toBe(400);
      const late = await post(browser, form, { password: "too late for this password" });
      expect(late.status).toBe(400);
      expect(late.html).toContain("expired or was already used");
    } finally {
      offset = 0;
    }
    expect(await passwordIs(user.id, user.password)).toBe(true);
  });

  it("a newer request supersedes the older link", async () => {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    const older = await emailedLink(user, browser);
    const newer = await emailedLink(user, browser);
    expect(newer).not.toBe(older);
    expect((await browser.go(older)).status).toBe(400);
    const form = await browser.go(newer);
    expect(form.status).toBe(200);
    expect((await post(browser, form, { password: "the newest link wins here" })).status).toBe(303);
  });

  it("parallel requests leave exactly one live link", async () => {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    const form = await browser.go(`${t.url}/forgot-password`);
    await Promise.all(Array.from({ length: 5 }, () => browser.submit(form, "/forgot-password", { identifier: user.email })));
    await sink.waitFor(() => mails(user).length >= 5);
    const live = await t.app.db.prisma.passwordResetToken.findMany({ where: { userId: user.id, usedAt: null } });
    expect(live).toHaveLength(1);
    const links = mails(user).map(linkIn);
    const working = links.filter((l) => sha256(tokenOf(l)) === live[0]!.tokenHash);
    expect(working).toHaveLength(1);
  });

  it("five parallel redemptions of one link: exactly one succeeds, and the password is the winner's", async () => {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    const form = await browser.go(await emailedLink(user, browser));
    const historyBefore = await t.app.db.prisma.passwordHistory.count({ where: { userId: user.id } });
    const passwords = Array.from({ length: 5 }, (_, i) => `parallel attempt number ${["one", "two", "three", "four", "five"][i]} here`);
    const results = await Promise.all(passwords.map((password) => post(browser, form, { password })));
    const winners = results.flatMap((r, i) => (r.status === 303 ? [i] : []));
    expect(winners).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 303)) {
      expect(r.status).toBe(400);
      expect(r.html).toContain("expired or was already used");
    }
    expect(await passwordIs(user.id, passwords[winners[0]!]!)).toBe(true);
    for (const [i, password] of passwords.entries()) if (i !== winners[0]) expect(await passwordIs(user.id, password)).toBe(false);
    expect(await t.app.db.prisma.auditEvent.count({ where: { userId: user.id, type: "password_reset.completed" } })).toBe(1);
    expect(await t.app.db.prisma.passwordHistory.count({ where: { userId: user.id } })).toBe(historyBefore + 1);
  });

  it("the reset pages send Referrer-Policy: no-referrer; the others keep same-origin", async () => {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    const link = await emailedLink(user, browser);
    const form = await browser.go(link);
    expect(form.headers.get("referrer-policy")).toBe("no-referrer");
    const bad = await post(browser, form, { password: "short" });
    expect(bad.status).toBe(400);
    const invalid = await browser.go(`${t.url}/reset-password?token=${"x".repeat(43)}`);
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get("referrer-policy")).toBe("no-referrer");
    expect((await browser.go(`${t.url}/forgot-password`)).headers.get("referrer-policy")).toBe("same-origin");
  });

  it("CSRF: a foreign Origin, a missing token or another browser's token is refused and changes nothing; Origin null from the page itself works", async () => {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    const link = await emailedLink(user, browser);
    const form = await browser.go(link);
    const password = "a brand new password today";

    const foreign = await post(browser, form, { password }, { origin: EVIL });
    expect(foreign.status).toBe(403);
    expect(foreign.html).toContain("submitted from another site");
    const missing = await post(browser, form, { password }, { csrf: null, origin: "null" });
    expect(missing.status).toBe(403);
    const otherBrowser = new TestBrowser(t.url);
    const theirs = await otherBrowser.go(link);
    const stolen = parseForms(theirs.html, theirs.url)[0]!.fields._csrf!;
    expect((await post(browser, form, { password }, { csrf: stolen })).status).toBe(403);
    // "null" from another site (a sandboxed frame, say) is still refused when the browser says so
    expect((await post(browser, form, { password }, { origin: "null", fetchSite: "cross-site" })).status).toBe(403);
    expect(await passwordIs(user.id, user.password)).toBe(true);
    expect((await browser.go(link)).status).toBe(200); // the link is still live

    // what a browser sends from a no-referrer page: Origin null, Sec-Fetch-Site same-origin
    const done = await post(browser, form, { password }, { origin: "null", fetchSite: "same-origin" });
    expect(done.status).toBe(303);
    expect(await passwordIs(user.id, password)).toBe(true);
  });

  it("only the reset form accepts Origin null: the request form refuses it, and a missing CSRF token", async () => {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    const form = await browser.go(`${t.url}/forgot-password`);
    const fields = parseForms(form.html, form.url)[0]!.fields;
    const send = (headers: Record<string, string>, body: Record<string, string>) =>
      browser.request(`${t.url}/forgot-password`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
        body: new URLSearchParams(body).toString(),
      });
    expect((await send({ origin: "null" }, { ...fields, identifier: user.email })).status).toBe(403);
    expect((await send({ origin: EVIL }, { ...fields, identifier: user.email })).status).toBe(403);
    expect((await send({ origin: t.url }, { identifier: user.email })).status).toBe(403);
    // a valid request afterwards sends exactly one email: the refused ones sent none
    expect((await send({ origin: t.url }, { ...fields, identifier: user.email })).status).toBe(200);
    await sink.waitFor(() => mails(user).length > 0);
    expect(await t.app.db.prisma.passwordResetToken.count({ where: { userId: user.id } })).toBe(1);
  });
});
