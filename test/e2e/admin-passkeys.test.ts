// Administrators see and remove a user's passkeys: on the user's admin page (with a confirmation) and through
// GET/DELETE /api/v1/users/:id/passkeys[/:passkeyId]. One use case behind both: audited as passkey.removed with
// the admin as actor (via admin_page / api / cli: `gatehouse list-passkeys` and `remove-passkey`), the owner emailed; an unknown passkey is 404, a reader cannot
// delete, and an admin cannot touch a user whose system role holds more than theirs.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startAdminApi, type AdminUsersApi } from "../helpers/api.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { openAccountPage } from "../helpers/sessions.ts";
import { randomBytes, randomUUID } from "node:crypto";
import { gatehouseCli } from "../helpers/cli.ts";

describe("admin: a user's passkeys", { timeout: 60_000 }, () => {
  let a: AdminUsersApi;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;

  beforeAll(async () => {
    sink = await startSmtpSink();
    a = await startAdminApi({ SMTP_URL: sink.url });
  });
  afterAll(async () => {
    await a?.t.close();
    await sink?.close();
  });

  /** a user with a stored passkey (the row as registration writes it; the protocol is tested in passkeys-protocol) */
  async function userWithPasskey(name = "Blue key") {
    const user = await a.t.createUser();
    const row = await a.t.app.queries.passkeys.create(
      {
        userId: user.id,
        credentialId: randomBytes(16).toString("base64url"),
        publicKey: randomBytes(77),
        counter: 0n,
        transports: ["usb"],
        deviceType: "singleDevice",
        backedUp: false,
        attachment: "cross-platform",
        aaguid: "00000000-0000-0000-0000-000000000000",
        name,
      },
      new Date(),
      (r) => ({ type: "passkey.added", outcome: "success", userId: user.id, data: { passkeyId: r.id } }),
    );
    return { user, row };
  }

  it("lists and removes through the API: audited with the admin, the owner emailed; 404 for an unknown passkey", async () => {
    const admin = await a.roleUser("super_admin");
    const { user, row } = await userWithPasskey();
    const list = await a.call("GET", `/api/v1/users/${user.id}/passkeys`, admin.token);
    expect(list.status).toBe(200);
    expect(list.body.passkeys).toEqual([
      expect.objectContaining({ id: row.id, name: "Blue key", kind: "hwk", transports: ["usb"], lastUsedAt: null }),
    ]);
    expect(JSON.stringify(list.body)).not.toContain("publicKey");

    expect((await a.call("DELETE", `/api/v1/users/${user.id}/passkeys/${randomUUID()}`, admin.token)).body.code).toBe("passkey.not_found");
    expect((await a.call("DELETE", `/api/v1/users/${user.id}/passkeys/not-a-uuid`, admin.token)).status).toBe(400);
    const removed = await a.call("DELETE", `/api/v1/users/${user.id}/passkeys/${row.id}`, admin.token);
    expect(removed.status).toBe(204);
    expect(await a.t.app.services.passkeys.list(user.id)).toEqual([]);
    const event = await a.t.app.db.prisma.auditEvent.findFirst({ where: { userId: user.id, type: "passkey.removed" } });
    expect(event).toMatchObject({
      actorId: admin.id,
      outcome: "success",
      data: { passkeyId: row.id, name: "Blue key", via: "api", apiClientId: a.clientId },
    });
    await sink.waitFor((m) => m.to.includes(user.email) && m.text.includes('"Blue key" was removed from (by an administrator)'));
    expect((await a.call("GET", `/api/v1/users/${randomUUID()}/passkeys`, admin.token)).body.code).toBe("user.not_found");
  });

  it("a reader lists but cannot remove; a wider role is out of reach", async () => {
    const reader = await a.roleUser(["gatehouse.admin.users.read"]);
    const manager = await a.roleUser(["gatehouse.admin.users.read", "gatehouse.admin.users.manage"]);
    const { user, row } = await userWithPasskey();
    expect((await a.call("GET", `/api/v1/users/${user.id}/passkeys`, reader.token)).status).toBe(200);
    expect((await a.call("DELETE", `/api/v1/users/${user.id}/passkeys/${row.id}`, reader.token)).body.code).toBe("permission.denied");
    const boss = await a.roleUser("super_admin");
    const bossKey = await userWithPasskey("Boss key");
    await a.t.app.services.systemRoles.setUserRole(bossKey.user.id, "super_admin");
    expect((await a.call("DELETE", `/api/v1/users/${bossKey.user.id}/passkeys/${bossKey.row.id}`, manager.token)).body.code).toBe(
      "user.outranked",
    );
    expect(await a.t.app.services.passkeys.list(user.id)).toHaveLength(1);
    expect(await a.t.app.services.passkeys.list(bossKey.user.id)).toHaveLength(1);
    expect(boss.id).toBeTruthy();
  });

  it("the user's admin page shows the passkeys and removes one after a confirmation", async () => {
    const admin = await a.roleUser("super_admin");
    const { user, row } = await userWithPasskey("Yubi");
    const browser = new TestBrowser(a.t.url);
    let page = await openAccountPage(browser, a.t.url, `/admin/users/${user.id}`, { identifier: admin.email, password: admin.password });
    expect(page.html).toContain("Passkeys");
    expect(page.html).toContain(`data-passkey="${row.id}"`);
    page = await browser.submit(page, `/admin/users/${user.id}/remove-passkey`, { passkeyId: row.id });
    expect(page.html).toMatch(/Remove the passkey (&#34;|&quot;|")Yubi/);
    expect(await a.t.app.services.passkeys.list(user.id)).toHaveLength(1);
    page = await browser.submit(page, `/admin/users/${user.id}/remove-passkey`, {});
    expect(page.url).toContain("done=passkey_removed");
    expect(page.html).toContain("Passkey removed");
    expect(await a.t.app.services.passkeys.list(user.id)).toEqual([]);
    const event = await a.t.app.db.prisma.auditEvent.findFirst({ where: { userId: user.id, type: "passkey.removed" } });
    expect(event).toMatchObject({ actorId: admin.id, data: { via: "admin_page" } });
  });
  it("the CLI lists and removes with the same use case (actor cli)", { timeout: 60_000 }, async () => {
    const { user, row } = await userWithPasskey("Desk key");
    const t = a.t;
    const cli = gatehouseCli(t, { env: { SMTP_URL: sink.url } });
    /** stderr appended to stdout on a non-zero exit */
    const gatehouse = async (...args: string[]) => {
      const run = await cli(...args);
      return run.code === 0 ? { code: 0, stdout: run.stdout } : { code: run.code, stdout: run.stdout + run.stderr };
    };
    const listed = await gatehouse("list-passkeys", user.email, "--json");
    expect(JSON.parse(listed.stdout).passkeys).toEqual([expect.objectContaining({ id: row.id, name: "Desk key" })]);
    const unknown = await gatehouse("remove-passkey", user.email, randomUUID());
    expect(unknown.code).not.toBe(0);
    expect(unknown.stdout).toContain("There is no such passkey.");
    const removed = await gatehouse("remove-passkey", user.username, row.id);
    expect(removed.stdout).toContain('Removed the passkey "Desk key"');
    expect(await t.app.services.passkeys.list(user.id)).toEqual([]);
    const event = await t.app.db.prisma.auditEvent.findFirst({ where: { userId: user.id, type: "passkey.removed" } });
    expect(event).toMatchObject({ actorId: "cli", data: { via: "cli" } });
  });
});
