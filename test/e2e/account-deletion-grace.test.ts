// Account deletion with a grace period (ACCOUNT_DELETION_GRACE_DAYS=2) on an injected clock: the deletion disables
// the account and emails a single-use restore link; the link's page changes nothing, its button restores the account
// once (a used link is refused); a later deletion's link is refused once the period ended (expired), and then
// accountDeletion.eraseDue(now) erases exactly the accounts that are due.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink.ts";
import { TestBrowser, type Page } from "../helpers/browser.ts";
import { manualClock } from "../helpers/totp-login.ts";
import { apiClient } from "../helpers/api.ts";

const DAY = 86400;

describe("account deletion with a grace period", () => {
  let t: TestApp;
  let sink: SmtpSink;
  const clock = manualClock();
  let api: Awaited<ReturnType<typeof apiClient>>;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({ SMTP_URL: sink.url, ACCOUNT_DELETION_GRACE_DAYS: "2", OUTBOX_POLL_MS: "100" }, { clock });
    api = await apiClient(t);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  const deleteOnPage = async (user: { email: string; password: string }): Promise<Page> => {
    const browser = new TestBrowser(t.url);
    const login = await browser.go(`${t.url}/login?return_to=/account/data`);
    const page = await browser.submit(login, "/login", { identifier: user.email, password: user.password });
    expect(page.html).toContain("erased for good after 2 days");
    return browser.submit(page, "/account/delete", { password: user.password });
  };
  const restoreLink = async (email: string) => {
    const mail = await sink.waitFor((m) => m.to.includes(email) && m.subject === "Your Gatehouse account will be deleted");
    return /(http\S+\/account\/restore\?token=[\w-]{43})/.exec(mail.text)![1]!;
  };
  const row = (id: string) => t.app.db.prisma.user.findUnique({ where: { id } });

  it("disables the account, emails a restore link that works once, and sign-in and tokens stop meanwhile", async () => {
    const user = await t.createUser();
    const token = await api.apiToken(user);
    const done = await deleteOnPage(user);
    expect(done.html).toContain("Your account will be deleted");
    expect(await row(user.id)).toMatchObject({ disabled: true, deletionDueAt: new Date(clock.now().getTime() + 2 * DAY * 1000) });
    expect((await api.call("GET", "/api/v1/me", token)).status).toBe(401);
    const link = await restoreLink(user.email);
    // only the hash is stored
    const stored = await t.app.db.prisma.accountRestoreToken.findMany({ where: { userId: user.id } });
    expect(stored).toHaveLength(1);
    expect(link).not.toContain(stored[0]!.tokenHash);

    const browser = new TestBrowser(t.url);
    const page = await browser.go(link);
    expect(page.html).toContain("Restore my account");
    expect((await row(user.id))!.disabled).toBe(true); // the GET changed nothing
    const restored = await browser.submit(page, "/account/restore", {}, { origin: null });
    expect(restored.html).toContain("Your account is restored");
    expect(await row(user.id)).toMatchObject({ disabled: false, deletionDueAt: null });
    // the used link: nothing changes
    const reused = await browser.submit(page, "/account/restore", {}, { origin: null });
    expect(reused.status).toBe(400);
    expect(reused.html).toContain("already used");
    expect((await api.call("GET", "/api/v1/me", await api.apiToken(user))).status).toBe(200);
    const types = (await t.app.db.prisma.auditEvent.findMany({ where: { userId: user.id }, select: { type: true } })).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["account.deletion_scheduled", "account.restored"]));
  });

  it("an expired link restores nothing; eraseDue erases exactly the accounts whose period ended", async () => {
    const early = await t.createUser();
    await deleteOnPage(early);
    const link = await restoreLink(early.email);
    clock.advance(DAY);
    const late = await t.createUser();
    const lateToken = await api.apiToken(late);
    const scheduled = await api.call("DELETE", "/api/v1/me", lateToken, { password: late.password });
    expect(scheduled.body).toMatchObject({ status: "scheduled" });
    const again = await api.call("DELETE", "/api/v1/me", lateToken, { password: late.password });
    expect(again.status).toBe(401); // the disabled account's token no longer works
    clock.advance(DAY + 60); // early's period is over, late's is not

    const browser = new TestBrowser(t.url);
    const expired = await browser.go(link);
    expect(expired.status).toBe(410);
    expect(expired.html).toContain("expired");
    expect((await row(early.id))!.disabled).toBe(true);

    const result = await t.app.services.accountDeletion.eraseDue(clock.now());
    expect(result).toEqual({ erased: 1, failed: [] });
    expect(await row(early.id)).toBeNull();
    expect(await row(late.id)).toMatchObject({ disabled: true });
    const erasedMail = await sink.waitFor((m) => m.to.includes(early.email) && m.subject === "Your Gatehouse account was deleted");
    expect(erasedMail.text).toContain("The waiting period after you asked to delete your Gatehouse account has ended");
    const pseudonym = t.app.services.accountDeletion.pseudonymOf(early.id);
    const erased = await t.app.db.prisma.auditEvent.findFirst({ where: { userPseudonym: pseudonym, type: "account.deleted" } });
    expect(erased?.data).toEqual({ via: "grace_period_ended" });
    expect(await t.app.db.prisma.auditEvent.count({ where: { userPseudonym: pseudonym, type: "account.deletion_scheduled" } })).toBe(1);

    clock.advance(DAY);
    expect(await t.app.services.accountDeletion.eraseDue(clock.now())).toEqual({ erased: 1, failed: [] });
    expect(await row(late.id)).toBeNull();
  });

  it("an administrator disabling an account pending deletion takes the restore link away (the owner cannot undo it); the deletion stays due", async () => {
    const user = await t.createUser();
    await deleteOnPage(user);
    const link = await restoreLink(user.email);
    expect((await t.app.services.userAdmin.disable(user.id, { actorId: "cli", via: "cli" })).outcome).toBe("disabled");
    expect(await t.app.db.prisma.accountRestoreToken.count({ where: { userId: user.id } })).toBe(0);
    const browser = new TestBrowser(t.url);
    const page = await browser.go(link);
    expect(page.html).not.toContain("Restore my account");
    expect(await row(user.id)).toMatchObject({ disabled: true, deletionDueAt: expect.any(Date) });
  });

  it("an administrator enabling an account pending deletion calls the deletion off", async () => {
    const user = await t.createUser();
    await deleteOnPage(user);
    expect((await t.app.services.userAdmin.enable(user.id, { actorId: "cli", via: "cli" })).outcome).toBe("enabled");
    clock.advance(3 * DAY);
    await t.app.services.accountDeletion.eraseDue(clock.now());
    expect(await row(user.id)).toMatchObject({ disabled: false, deletionDueAt: null });
  });
});
