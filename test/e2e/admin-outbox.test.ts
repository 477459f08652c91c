// Dead letters on the admin Outbox page and in the `gatehouse outbox` commands, against a real Gatehouse whose SMTP
// sink refuses mail until told otherwise: the page lists a dead letter (never its content) and the waiting count;
// "Retry" (CSRF) sends it once and says so; "Discard" asks first, then deletes it; both audited with the admin; a
// user without gatehouse.admin.outbox.manage gets a 403 page. The CLI lists dead letters and retries one (the
// running server sends it); a wrong call exits 2 with a clear message.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { gatehouseCli } from "../helpers/cli.ts";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { openAccountPage } from "../helpers/sessions.ts";

describe("outbox for administrators: the admin page and the CLI", () => {
  let t: TestApp;
  let sink: SmtpSink;
  let admin: TestBrowser;
  let adminId: string;

  beforeAll(async () => {
    sink = await startSmtpSink();
    sink.refuse(true);
    t = await startTestApp({ SMTP_URL: sink.url, OUTBOX_MAX_ATTEMPTS: "2", OUTBOX_RETRY_BASE_MS: "100", OUTBOX_POLL_MS: "50" });
    const user = await t.createUser();
    adminId = user.id;
    await t.app.services.systemRoles.setUserRole(user.id, "super_admin");
    admin = new TestBrowser(t.url);
    await openAccountPage(admin, t.url, "/admin/outbox", { identifier: user.email, password: user.password });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  /** a password reset email for a new user, refused until it is a dead letter; its outbox id */
  async function deadLetter(): Promise<{ id: string; email: string }> {
    sink.refuse(true);
    const user = await t.createUser();
    await t.app.services.passwordReset.request(user.email, { ip: null, userAgent: null });
    for (let i = 0; i < 200; i++) {
      const [row] = await t.app.db.prisma.outboxMessage.findMany({ where: { recipient: user.email, status: "dead" } });
      if (row) return { id: row.id, email: user.email };
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error("no dead letter");
  }
  const audited = async (type: string, outboxId: string) =>
    (await t.app.queries.auditEvents.listByType(type, 100))
      .filter((e) => (e.data as { outboxId?: string }).outboxId === outboxId)
      .map((e) => [e.actorId, (e.data as { via: string }).via]);

  it("lists a dead letter, retries it (sent once) and discards another after a confirmation", async () => {
    const first = await deadLetter();
    const second = await deadLetter();
    const page = await admin.go(`${t.url}/admin/outbox`);
    expect(page.status).toBe(200);
    expect(page.html).toContain(`<tr data-outbox-id="${first.id}">`);
    expect(page.html).toContain(first.email);
    expect(page.html).toContain("<code>password-reset</code>");
    expect(page.html).toMatch(/<strong data-count="dead">2<\/strong> dead letters/);
    expect(page.html).not.toContain("reset-password?token=");

    sink.refuse(false);
    const retried = await admin.submit(page, `/admin/outbox/${first.id}/retry`, {});
    expect(retried.url).toBe(`${t.url}/admin/outbox?notice=retried`);
    expect(retried.html).toContain("The message is back in the queue and is being sent.");
    await sink.waitFor((m) => m.to.includes(first.email));
    await t.app.services.mailer.idle();
    expect(sink.messages.filter((m) => m.to.includes(first.email))).toHaveLength(1);
    expect(await audited("outbox.retried", first.id)).toEqual([[adminId, "admin"]]);

    const confirm = await admin.submit(retried, `/admin/outbox/${second.id}/discard`, {});
    expect(confirm.html).toContain(`The email &quot;password-reset&quot; to ${second.email} will never be sent. Discard it?`);
    expect(await t.app.queries.outbox.find(second.id)).not.toBeNull(); // asked, not done
    const discarded = await admin.submit(confirm, `/admin/outbox/${second.id}/discard`, {});
    expect(discarded.html).toContain("The message was discarded; it will not be sent.");
    expect(await t.app.queries.outbox.find(second.id)).toBeNull();
    expect(await audited("outbox.discarded", second.id)).toEqual([[adminId, "admin"]]);
    expect(sink.messages.filter((m) => m.to.includes(second.email))).toHaveLength(0);
  });

  it("refuses a user without the permission, and a POST without its CSRF token", async () => {
    const plain = await t.createUser();
    const browser = new TestBrowser(t.url);
    const denied = await openAccountPage(browser, t.url, "/admin/outbox", { identifier: plain.email, password: plain.password });
    expect(denied.status).toBe(403);
    const { id } = await deadLetter();
    const forged = await admin.request(`${t.url}/admin/outbox/${id}/retry`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url },
      body: "",
    });
    expect(forged.status).toBe(403);
    expect(await t.app.queries.outbox.find(id)).toMatchObject({ status: "dead" });
  });

  it("gatehouse outbox list / retry / discard", async () => {
    const cli = gatehouseCli(t, { env: { SMTP_URL: sink.url } });
    const gatehouse = (...args: string[]) => cli("outbox", ...args);
    const dead = await deadLetter();
    const listed = await gatehouse("list", "--status", "dead");
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(
      new RegExp(`^${dead.id}\\s+dead\\s+email\\s+password-reset\\s+${dead.email.replace(/[.]/g, "\\.")}\\s+2\\s`, "m"),
    );
    expect(listed.stdout).not.toContain("token=");

    sink.refuse(false);
    const retried = await gatehouse("retry", dead.id);
    expect(retried.stdout).toContain(`Queued again: email password-reset to ${dead.email} (${dead.id}).`);
    await sink.waitFor((m) => m.to.includes(dead.email));
    expect(await audited("outbox.retried", dead.id)).toEqual([["cli", "cli"]]);

    expect(await gatehouse("retry")).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("give either a dead letter's id or --all-dead"),
    });
    expect(await gatehouse("discard", "7d1f3a52-0000-4000-8000-000000000000")).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("7d1f3a52-0000-4000-8000-000000000000: There is no such message in the outbox."),
    });
  }, 60_000);
});
