// /account/two-factor through HTTP with a signed-in browser: enrollment with the QR code and the secret on the
// page (the code computed from the shown secret), a wrong confirmation refused, backup codes shown once,
// regeneration behind the password, turning off behind password + code, real emails, audit rows, CSRF.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, type Page } from "../helpers/browser.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { manualClock, totpCode } from "../helpers/totp-login.ts";

const PAGE = "/account/two-factor";
const SUBJECT = "Two-factor authentication changed on your Gatehouse account";

describe("the two-factor account page", () => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  const clock = manualClock();

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({ SMTP_URL: sink.url, LOCKOUT_THRESHOLD: "50" }, { clock });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  /** signs in through /login?return_to=… and lands on the two-factor page */
  async function signedIn(user: { email: string; password: string }): Promise<{ browser: TestBrowser; page: Page }> {
    const browser = new TestBrowser(t.url);
    const login = await browser.go(`${t.url}/login?return_to=${encodeURIComponent(PAGE)}`);
    expect(login.html).toContain('name="password"');
    const page = await browser.submit(login, "/login", { identifier: user.email, password: user.password });
    expect(page.url).toBe(`${t.url}${PAGE}`);
    expect(page.status).toBe(200);
    return { browser, page };
  }
  const dbUser = (id: string) => t.app.db.prisma.user.findUniqueOrThrow({ where: { id } });
  const codesOn = (html: string) => [...html.matchAll(/<li><code>([a-z0-9]{5}-[a-z0-9]{5})<\/code><\/li>/g)].map((m) => m[1]!);
  const secretOn = (html: string) => /id="totp-secret">([A-Z2-7 ]+)</.exec(html)?.[1]?.replace(/ /g, "");
  const audit = (userId: string, type: string) => t.app.db.prisma.auditEvent.findMany({ where: { userId, type }, orderBy: { id: "asc" } });
  const mailsTo = (email: string) => sink.messages.filter((m) => m.to.includes(email) && m.subject === SUBJECT);
  const otherThan = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");

  /** off -> set up -> confirmed with the code from the page's secret; returns the page with the backup codes */
  async function enroll(browser: TestBrowser, page: Page, password: string) {
    const setup = await browser.submit(page, "/account/two-factor/setup", { password });
    const secret = secretOn(setup.html)!;
    const done = await browser.submit(setup, "/account/two-factor/confirm", { code: await totpCode(secret, clock.epoch()) });
    return { setup, secret, done };
  }

  it("turns TOTP on: QR code and secret, a wrong code refused, backup codes shown once, the owner told", async () => {
    const user = await t.createUser();
    const { browser, page } = await signedIn(user);
    expect(page.html).toContain('class="card card-wide"');
    expect(page.html).toMatch(/<a href="\/account\/two-factor" aria-current="page">/);
    expect(page.html).toContain("Set up two-factor authentication");

    // setting up a second factor needs the password: a borrowed session must not lock the owner out
    const noPassword = await browser.submit(page, "/account/two-factor/setup", { password: "not my password at all" });
    expect(noPassword.status).toBe(400);
    expect(noPassword.html).toContain("That is not your current password.");
    expect(noPassword.html).not.toContain('id="totp-secret"');
    expect(await t.app.services.lockout.failures({ userId: user.id })).toBe(1);

    const setup = await browser.submit(page, "/account/two-factor/setup", { password: user.password });
    expect(setup.status).toBe(200);
    expect(setup.html).toMatch(/<div class="qr-code"[^>]*><svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(setup.html).toMatch(/id="totp-secret">([A-Z2-7]{4} ){7}[A-Z2-7]{4}</); // 32 characters in groups of 4
    const secret = secretOn(setup.html)!;
    expect(setup.html).toContain('autocomplete="one-time-code"');

    const right = await totpCode(secret, clock.epoch());
    const wrong = await browser.submit(setup, "/account/two-factor/confirm", { code: otherThan(right) });
    expect(wrong.status).toBe(400);
    expect(wrong.html).toContain("That code is not right");
    expect(wrong.html).toContain(`>${secret.match(/.{4}/g)!.join(" ")}<`); // the same enrollment, to try again
    expect((await dbUser(user.id)).totpSecretEncrypted).toBeNull();

    const done = await browser.submit(setup, "/account/two-factor/confirm", { code: right });
    expect(done.status).toBe(200);
    expect(done.headers.get("cache-control")).toBe("no-store");
    const codes = codesOn(done.html);
    expect(codes).toHaveLength(10);
    expect(done.html).toContain("they will not be shown again");
    expect((await dbUser(user.id)).totpEnabledAt).not.toBeNull();
    expect(await t.app.services.totp.remainingBackupCodes(user.id)).toBe(10);

    // a reload shows the status, never the codes
    const reload = await browser.go(`${t.url}${PAGE}`);
    expect(codesOn(reload.html)).toEqual([]);
    for (const code of codes) expect(reload.html).not.toContain(code);
    expect(reload.html).toContain("<strong>10</strong> unused backup codes left");

    const mail = await sink.waitFor((m) => m.to.includes(user.email) && m.subject === SUBJECT);
    expect(mail.text).toContain("Two-factor authentication was turned on");
    expect(mail.html).toContain("127.0.0.1");
    expect((await audit(user.id, "two_factor.enabled")).map((e) => [e.outcome, (e.data as { reason?: string }).reason])).toEqual([
      ["failure", "wrong_password"],
      ["failure", "wrong_code"],
      ["success", undefined],
    ]);
  });

  it("new backup codes need the password and a code; they replace the old ones and are shown once", async () => {
    const user = await t.createUser();
    const { browser, page } = await signedIn(user);
    const { done } = await enroll(browser, page, user.password);
    const oldCodes = codesOn(done.html);
    const on = await browser.go(`${t.url}${PAGE}`);
    const hashes = async () =>
      (await t.app.db.prisma.backupCode.findMany({ where: { userId: user.id }, orderBy: { codeHash: "asc" } })).map((c) => c.codeHash);
    const before = await hashes();

    const refused = await browser.submit(on, "/account/two-factor/backup-codes", {
      password: "not my password at all",
      code: oldCodes[1]!,
    });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain("That is not your current password.");
    expect(codesOn(refused.html)).toEqual([]);
    expect(await hashes()).toEqual(before);
    expect(await t.app.services.lockout.failures({ userId: user.id })).toBe(1);
    const noCode = await browser.submit(on, "/account/two-factor/backup-codes", { password: user.password, code: "aaaaa-bbbbb" });
    expect(noCode.status).toBe(400);
    expect(noCode.html).toContain("That code is not valid.");
    expect(await hashes()).toEqual(before);
    expect(await t.app.services.lockout.failures({ userId: user.id })).toBe(2);

    const fresh = await browser.submit(on, "/account/two-factor/backup-codes", { password: user.password, code: oldCodes[1]! });
    expect(fresh.status).toBe(200);
    const newCodes = codesOn(fresh.html);
    expect(newCodes).toHaveLength(10);
    expect(newCodes.filter((c) => oldCodes.includes(c))).toEqual([]);
    const fresher = await dbUser(user.id);
    expect((await t.app.services.totp.verifyCode(fresher, oldCodes[0]!)).outcome).toBe("invalid");
    expect((await t.app.services.totp.verifyCode(fresher, newCodes[0]!)).outcome).toBe("ok");
    expect(codesOn((await browser.go(`${t.url}${PAGE}`)).html)).toEqual([]);

    await sink.waitFor((m) => m.to.includes(user.email) && m.subject === SUBJECT && m.text.includes("New backup codes were created"));
    expect((await audit(user.id, "two_factor.backup_codes_regenerated")).map((e) => e.outcome)).toEqual(["failure", "failure", "success"]);
  });

  it("turning off needs the password and a code; a wrong one of either changes nothing", async () => {
    const user = await t.createUser();
    const { browser, page } = await signedIn(user);
    const { secret, done } = await enroll(browser, page, user.password);
    const backupCodes = codesOn(done.html);
    clock.advance(30); // the confirmation used this step
    const on = await browser.go(`${t.url}${PAGE}`);
    const right = await totpCode(secret, clock.epoch());

    const wrongPassword = await browser.submit(on, "/account/two-factor/disable", { password: "definitely not it", code: right });
    expect(wrongPassword.status).toBe(400);
    expect(wrongPassword.html).toContain("That is not your current password.");
    const wrongCode = await browser.submit(on, "/account/two-factor/disable", { password: user.password, code: otherThan(right) });
    expect(wrongCode.status).toBe(400);
    expect(wrongCode.html).toContain("That code is not valid.");
    const noCode = await browser.submit(on, "/account/two-factor/disable", { password: user.password, code: "" });
    expect(noCode.status).toBe(400);
    expect(noCode.html).toContain("Enter a code from your authenticator app or a backup code");
    expect((await dbUser(user.id)).totpSecretEncrypted).not.toBeNull();
    expect(await t.app.services.totp.remainingBackupCodes(user.id)).toBe(10);
    expect(await t.app.services.lockout.failures({ userId: user.id })).toBe(2);
    expect(mailsTo(user.email).filter((m) => m.text.includes("turned off"))).toEqual([]);

    const off = await browser.submit(on, "/account/two-factor/disable", { password: user.password, code: right });
    expect(off.status).toBe(200);
    expect(off.html).toContain("Two-factor authentication is off.");
    expect(off.html).toContain("Set up two-factor authentication");
    const after = await dbUser(user.id);
    expect(after.totpSecretEncrypted).toBeNull();
    expect(after.totpEnabledAt).toBeNull();
    expect(await t.app.db.prisma.backupCode.count({ where: { userId: user.id } })).toBe(0);
    expect((await t.app.services.totp.verifyCode(after, backupCodes[0]!)).outcome).toBe("invalid");

    await sink.waitFor(
      (m) => m.to.includes(user.email) && m.subject === SUBJECT && m.text.includes("Two-factor authentication was turned off"),
    );
    expect((await audit(user.id, "two_factor.disabled")).map((e) => [e.outcome, (e.data as { reason?: string }).reason])).toEqual([
      ["failure", "wrong_password"],
      ["failure", "wrong_code"],
      ["success", undefined],
    ]);
  });

  it("a backup code also turns it off", async () => {
    const user = await t.createUser();
    const { browser, page } = await signedIn(user);
    const { done } = await enroll(browser, page, user.password);
    const on = await browser.go(`${t.url}${PAGE}`);
    const off = await browser.submit(on, "/account/two-factor/disable", { password: user.password, code: codesOn(done.html)[5]! });
    expect(off.status).toBe(200);
    expect((await dbUser(user.id)).totpSecretEncrypted).toBeNull();
    expect((await audit(user.id, "two_factor.disabled")).at(-1)?.data).toMatchObject({ method: "backup" });
  });

  it("refuses every POST without the CSRF token (403) and sends signed-out browsers to sign in", async () => {
    const user = await t.createUser();
    const { browser } = await signedIn(user);
    for (const action of ["setup", "confirm", "backup-codes", "disable"]) {
      const res = await browser.request(`${t.url}${PAGE}/${action}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url },
        body: new URLSearchParams({ code: "123456", password: user.password }).toString(),
      });
      expect({ action, status: res.status }).toEqual({ action, status: 403 });
    }
    expect(await t.app.redis.exists(`totp:{user:${user.id}}:pending`)).toBe(0); // setup did not begin
    expect(mailsTo(user.email)).toEqual([]);

    const anonymous = await new TestBrowser(t.url).request(`${t.url}${PAGE}`);
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toBe(`/login?return_to=${encodeURIComponent(PAGE)}`);
  });
});
