// An administrator deletes a user (#21 item 2): one use case behind the admin user page (asks first), `DELETE
// /api/v1/users/:id` and `gatehouse delete-user` / `erase-due-accounts`. Refused with the catalogue's codes and
// nothing changed: a user whose system role is wider than the admin's, the admin themselves, the last active Super
// Admin, the Owner of a team with other members. Done: the user is gone, their sessions and tokens end, a team where
// they were alone goes, they are emailed, and user.deleted names the admin.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { openAccountPage } from "../helpers/sessions.ts";
import { startAdminApi, type AdminUsersApi } from "../helpers/api.ts";
import { addMember, createTeam } from "../helpers/team-flow.ts";
import { gatehouseCli } from "../helpers/cli.ts";

describe("deleting a user as an administrator", () => {
  let a: AdminUsersApi;
  let sink: SmtpSink;
  let superAdmin: Awaited<ReturnType<AdminUsersApi["roleUser"]>>;
  let manager: Awaited<ReturnType<AdminUsersApi["roleUser"]>>;

  beforeAll(async () => {
    sink = await startSmtpSink();
    a = await startAdminApi({ SMTP_URL: sink.url, OUTBOX_POLL_MS: "100" });
    superAdmin = await a.roleUser("super_admin");
    manager = await a.roleUser(["gatehouse.admin.users.read", "gatehouse.admin.users.manage"]);
  });
  afterAll(async () => {
    await a?.t.close();
    await sink?.close();
  });
  const row = (id: string) => a.t.app.db.prisma.user.findUnique({ where: { id } });

  it("API: refuses a wider role, oneself, the Owner of a shared team and an unknown id; nothing changes", async () => {
    const del = (id: string, token: string) => a.call("DELETE", `/api/v1/users/${id}`, token);
    const wider = await del(superAdmin.id, manager.token);
    expect([wider.status, wider.body.code]).toEqual([403, "user.outranked"]);
    const self = await del(manager.id, manager.token);
    expect([self.status, self.body.code]).toEqual([403, "user.cannot_delete_self"]);
    const owner = await a.t.createUser();
    const team = await createTeam(a.t, owner.id);
    await addMember(a.t, team, (await a.t.createUser()).id);
    const owns = await del(owner.id, manager.token);
    expect([owns.status, owns.body.code, owns.body.data]).toEqual([
      409,
      "user.owns_teams",
      { teams: [{ slug: team.slug, name: team.name }] },
    ]);
    expect((await del("00000000-0000-4000-8000-000000000000", manager.token)).status).toBe(404);
    expect((await del("not-a-uuid", manager.token)).status).toBe(400);
    const plain = await a.t.createUser();
    expect((await del(plain.id, await a.apiToken(plain))).status).toBe(403); // no system role
    for (const id of [superAdmin.id, manager.id, owner.id, plain.id]) expect(await row(id)).not.toBeNull();
    const failures = await a.t.app.db.prisma.auditEvent.findMany({ where: { type: "user.deleted", outcome: "failure" } });
    expect(failures.map((f) => (f.data as { reason: string }).reason).sort()).toEqual(["outranked", "owns_teams", "self"]);
  });

  it("API: deletes the user; their refresh token dies, a team where they were alone goes, they are emailed", async () => {
    const user = await a.t.createUser();
    const solo = await createTeam(a.t, user.id);
    const tokens = await a.appTokens(user);
    const res = await a.call("DELETE", `/api/v1/users/${user.id}`, manager.token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ deleted: true, teamsDeleted: 1 });
    expect(await row(user.id)).toBeNull();
    expect(await a.t.app.db.prisma.team.findUnique({ where: { id: solo.id } })).toBeNull();
    await expect(client.refreshTokenGrant(a.rp, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
    const mail = await sink.waitFor((m) => m.to.includes(user.email) && m.subject === "Your Gatehouse account was deleted");
    expect(mail.text).toContain("An administrator deleted your Gatehouse account");
    const event = await a.t.app.db.prisma.auditEvent.findFirst({
      where: { type: "user.deleted", outcome: "success", userPseudonym: a.t.app.services.accountDeletion.pseudonymOf(user.id) },
    });
    expect(event).toMatchObject({ actorId: manager.id, userId: null, data: { via: "api" } });
    expect((await a.call("DELETE", `/api/v1/users/${user.id}`, manager.token)).status).toBe(404);
    // the audit log shows the pseudonym where the user was
    const log = await a.call("GET", "/api/v1/audit-events?type=user.deleted&outcome=success", superAdmin.token);
    expect(log.status).toBe(200);
    expect((log.body as { events: { userId: string }[] }).events.map((e) => e.userId)).toContain(
      a.t.app.services.accountDeletion.pseudonymOf(user.id),
    );
  });

  it("the last active Super Admin is never deleted (the CLI acts without the rank limit, and is still refused)", async () => {
    const others = await a.t.app.db.prisma.user.findMany({ where: { systemRole: "super_admin", id: { not: superAdmin.id } } });
    for (const o of others) await a.t.app.db.prisma.user.update({ where: { id: o.id }, data: { systemRole: null } });
    const result = await a.t.app.services.accountDeletion.deleteUser(superAdmin.id, { actorId: "cli", via: "cli" });
    expect(result).toEqual({ outcome: "last_super_admin" });
    expect(await row(superAdmin.id)).toMatchObject({ systemRole: "super_admin", disabled: false });
    for (const o of others) await a.t.app.db.prisma.user.update({ where: { id: o.id }, data: { systemRole: "super_admin" } });
  });

  it("admin page: the user page's Delete asks first, then deletes and lands on the user list", async () => {
    const user = await a.t.createUser();
    const browser = new TestBrowser(a.t.url);
    const page = await openAccountPage(browser, a.t.url, `/admin/users/${user.id}`, {
      identifier: superAdmin.email,
      password: superAdmin.password,
    });
    expect(page.html).toContain(`/admin/users/${user.id}/delete`);
    const confirm = await browser.submit(page, `/admin/users/${user.id}/delete`, {});
    expect(confirm.html).toContain("This cannot be undone");
    expect(await row(user.id)).not.toBeNull();
    const done = await browser.submit(confirm, `/admin/users/${user.id}/delete`, {});
    expect(done.url).toContain("/admin/users?done=deleted");
    expect(done.html).toContain("User deleted");
    expect(await row(user.id)).toBeNull();
    // a wider role's page: refused with the catalogue's words
    const managerBrowser = new TestBrowser(a.t.url);
    const supPage = await openAccountPage(managerBrowser, a.t.url, `/admin/users/${superAdmin.id}`, {
      identifier: manager.email,
      password: manager.password,
    });
    const ask = await managerBrowser.submit(supPage, `/admin/users/${superAdmin.id}/delete`, {});
    const refused = await managerBrowser.submit(ask, `/admin/users/${superAdmin.id}/delete`, {});
    expect(refused.status).toBe(403);
    expect(refused.html).toContain("holds more than yours");
  });

  it("CLI: delete-user deletes (audited with the actor cli); erase-due-accounts reports", async () => {
    const user = await a.t.createUser();
    const run = gatehouseCli(a.t, { env: { SMTP_URL: sink.url }, check: true });
    const { stdout } = await run("delete-user", user.email);
    expect(stdout).toContain(`Deleted ${user.email}`);
    expect(await row(user.id)).toBeNull();
    const event = await a.t.app.db.prisma.auditEvent.findFirst({
      where: { type: "user.deleted", userPseudonym: a.t.app.services.accountDeletion.pseudonymOf(user.id) },
    });
    expect(event).toMatchObject({ actorId: "cli", data: { via: "cli" } });
    await expect(run("delete-user", user.email)).rejects.toMatchObject({
      stderr: expect.stringContaining(`${user.email}: There is no such user.`),
    });
    expect((await run("erase-due-accounts")).stdout).toContain("Erased 0 account(s)");
  }, 180_000); // three CLI processes (npm + tsx each): slow on a loaded machine
});
