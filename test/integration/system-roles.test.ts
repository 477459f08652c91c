// System roles: Super Admin is built in and not editable, other roles hold core admin permissions only, a user
// has at most one, the last active Super Admin cannot lose theirs (not even to two parallel demotions), and
// canAdmin answers from the user's role. An acting admin hands out nothing beyond their own role: no wider role
// created or edited, not their own role, no wider role given or taken (Super Admin only by Super Admins); the
// CLI acts without that limit.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { PermissionError } from "../../src/authz/registry.ts";

describe("system roles", () => {
  let t: TestApp;
  const roles = () => t.app.services.systemRoles;
  const user = async (id: string) => (await t.app.queries.users.findById(id))!;
  const key = (tag: string) => `${tag}_${Date.now().toString(36)}`;

  beforeAll(async () => {
    t = await startTestApp({ PLUGINS: "plugins/acme-notes/index.ts" });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("Super Admin exists from the migration, holds everything, and cannot be edited", async () => {
    expect((await roles().list())[0]).toMatchObject({ key: "super_admin", name: "Super Admin", permissions: ["*"], builtIn: true });
    expect(await roles().update("super_admin", { name: "Lesser Admin" })).toEqual({ outcome: "built_in" });
    expect(await roles().update("super_admin", { permissions: ["gatehouse.admin.users.read"] })).toEqual({ outcome: "built_in" });
    expect((await roles().get("super_admin"))!.permissions).toEqual(["*"]);
    expect(
      roles()
        .assignable()
        .flatMap((tab) => tab.permissions.map((p) => p.code))
        .every((c) => c.startsWith("gatehouse.admin.")),
    ).toBe(true);
  });

  it("creates roles from core admin permissions only", async () => {
    const support = key("support");
    const created = await roles().create({
      key: support,
      name: " Support ",
      permissions: ["gatehouse.admin.users.read", "gatehouse.admin.users.manage", "gatehouse.admin.users.read"],
    });
    expect(created).toMatchObject({
      outcome: "created",
      role: { key: support, name: "Support", permissions: ["gatehouse.admin.users.manage", "gatehouse.admin.users.read"], builtIn: false },
    });
    expect(await roles().create({ key: key("auditor"), name: "Auditor", permissions: ["gatehouse.admin.audit.*"] })).toMatchObject({
      outcome: "created",
    });
    expect(await roles().create({ key: key("all_admin"), name: "All admin", permissions: ["gatehouse.admin.*"] })).toMatchObject({
      outcome: "created",
    });

    for (const permissions of [
      ["*"],
      ["gatehouse.*"],
      ["gatehouse.team.read"],
      ["acme.notes.note.read"],
      ["gatehouse.admin.nothing"],
      ["gatehouse.admin.nothing.*"],
      ["Gatehouse.admin.users.read"],
      [],
    ]) {
      expect(await roles().create({ key: key("bad"), name: "Bad", permissions }), JSON.stringify(permissions)).toMatchObject({
        outcome: "invalid",
        field: "permissions",
      });
    }
    expect(await roles().create({ key: support, name: "Again", permissions: ["gatehouse.admin.users.read"] })).toMatchObject({
      outcome: "invalid",
      field: "key",
    });
    expect(await roles().create({ key: "Not A Key", name: "x", permissions: ["gatehouse.admin.users.read"] })).toMatchObject({
      outcome: "invalid",
      field: "key",
    });
    expect(await roles().create({ key: key("noname"), name: "  ", permissions: ["gatehouse.admin.users.read"] })).toMatchObject({
      outcome: "invalid",
      field: "name",
    });
    expect((await roles().list()).filter((r) => r.key.startsWith("bad_"))).toEqual([]);
  });

  it("edits a custom role with the same rules", async () => {
    const k = key("ops");
    await roles().create({ key: k, name: "Ops", permissions: ["gatehouse.admin.keys.manage"] });
    expect(
      await roles().update(k, { name: "Operations", permissions: ["gatehouse.admin.keys.manage", "gatehouse.admin.clients.manage"] }),
    ).toMatchObject({
      outcome: "updated",
      role: { name: "Operations", permissions: ["gatehouse.admin.clients.manage", "gatehouse.admin.keys.manage"] },
    });
    expect(await roles().update(k, { permissions: ["gatehouse.team.update"] })).toMatchObject({ outcome: "invalid", field: "permissions" });
    expect((await roles().get(k))!.permissions).toEqual(["gatehouse.admin.clients.manage", "gatehouse.admin.keys.manage"]);
    expect(await roles().update("no_such_role", { name: "x" })).toEqual({ outcome: "not_found" });
    const audit = await t.app.queries.auditEvents.listByType("system_role.updated");
    expect(audit[0]!.data).toMatchObject({ key: k, after: { name: "Operations" } });
  });

  it("a user has at most one system role; unknown roles are refused", async () => {
    const u = await t.createUser();
    const k = key("reader");
    await roles().create({ key: k, name: "Reader", permissions: ["gatehouse.admin.users.read"] });
    expect(await roles().setUserRole(u.id, "no_such_role")).toEqual({ outcome: "unknown_role" });
    expect(await roles().setUserRole(u.id, k, { actorId: "cli" })).toEqual({ outcome: "set", previous: null });
    expect((await user(u.id)).systemRole).toBe(k);
    expect(await roles().setUserRole(u.id, null)).toEqual({ outcome: "set", previous: k });
    expect((await user(u.id)).systemRole).toBeNull();
    expect(await roles().setUserRole("00000000-0000-4000-8000-000000000000", k)).toEqual({ outcome: "not_found" });
    const events = (await t.app.queries.auditEvents.listForUser(u.id)).filter((e) => e.type === "user.system_role_changed");
    expect(events.map((e) => e.data)).toEqual(
      expect.arrayContaining([expect.objectContaining({ from: null, to: k }), expect.objectContaining({ from: k, to: null })]),
    );
  });

  it("never removes the last active Super Admin, also under parallel demotions", async () => {
    const a = await t.createUser();
    const b = await t.createUser();
    expect((await roles().setUserRole(a.id, "super_admin")).outcome).toBe("set");
    expect(await roles().setUserRole(a.id, null)).toEqual({ outcome: "last_super_admin" });
    expect(await roles().setUserRole(a.id, key("x"))).toEqual({ outcome: "unknown_role" });
    expect((await roles().setUserRole(b.id, "super_admin")).outcome).toBe("set");

    // everyone else with super_admin (earlier tests' admins included) is demoted at once, with a and b
    const others = await t.app.db.prisma.user.findMany({
      where: { systemRole: "super_admin", id: { notIn: [a.id, b.id] } },
      select: { id: true },
    });
    for (const o of others) await t.app.db.prisma.user.update({ where: { id: o.id }, data: { systemRole: null } });
    const more = await Promise.all([1, 2, 3].map(() => t.createUser()));
    for (const m of more) await roles().setUserRole(m.id, "super_admin");
    const admins = [a, b, ...more];
    const results = await Promise.all(admins.map((u) => roles().setUserRole(u.id, null)));
    expect(results.map((r) => r.outcome).sort()).toEqual(["last_super_admin", "set", "set", "set", "set"]);
    const remaining = (await Promise.all(admins.map((u) => user(u.id)))).filter((u) => u.systemRole === "super_admin");
    expect(remaining).toHaveLength(1);
    // a disabled Super Admin does not count as the other one
    const c = await t.createUser();
    await roles().setUserRole(c.id, "super_admin");
    await t.app.db.prisma.user.update({ where: { id: c.id }, data: { disabled: true } });
    expect(await roles().setUserRole(remaining[0]!.id, null)).toEqual({ outcome: "last_super_admin" });
    expect(
      (await t.app.queries.auditEvents.listForUser(remaining[0]!.id)).some(
        (e) => e.type === "user.system_role_changed" && e.outcome === "failure",
      ),
    ).toBe(true);
  });

  it("canAdmin resolves the user's role against the registry", async () => {
    const k = key("helpdesk");
    await roles().create({ key: k, name: "Helpdesk", permissions: ["gatehouse.admin.users.*"] });
    const helper = await t.createUser();
    await roles().setUserRole(helper.id, k);
    const h = await user(helper.id);
    expect(await roles().canAdmin(h, "gatehouse.admin.users.manage")).toBe(true);
    expect(await roles().canAdmin(h, "gatehouse.admin.keys.manage")).toBe(false);
    expect(await roles().canAdmin({ systemRole: "super_admin" }, "gatehouse.admin.keys.manage")).toBe(true);
    expect(await roles().canAdmin({ systemRole: null }, "gatehouse.admin.users.read")).toBe(false);
    expect(await roles().canAdmin({ ...h, disabled: true }, "gatehouse.admin.users.read")).toBe(false);
    // tests run strict: an unknown code is a bug, whoever asks
    await expect(roles().canAdmin(h, "gatehouse.admin.userz.read")).rejects.toBeInstanceOf(PermissionError);
    await expect(roles().canAdmin({ systemRole: null }, "gatehouse.admin.userz.read")).rejects.toBeInstanceOf(PermissionError);
  });

  describe("nobody hands out more than their own role holds", () => {
    const as = (u: { id: string }) => ({ actorId: u.id, ip: "203.0.113.5", userAgent: "system-roles-test" });
    async function adminWith(...permissions: string[]) {
      const k = key("lim");
      const made = await roles().create({ key: k, name: `Limited ${k}`, permissions });
      if (made.outcome !== "created") throw new Error(JSON.stringify(made));
      const u = await t.createUser();
      expect((await roles().setUserRole(u.id, k)).outcome).toBe("set");
      return { user: u, key: k };
    }

    it("a roles.manage-only admin cannot widen their own role, create a wider one or make themselves Super Admin", async () => {
      const { user: admin, key: own } = await adminWith("gatehouse.admin.roles.manage");
      expect(await roles().update(own, { permissions: ["gatehouse.admin.*"] }, as(admin))).toMatchObject({ outcome: "forbidden" });
      expect(await roles().update(own, { name: "Renamed" }, as(admin))).toMatchObject({
        outcome: "forbidden",
        message: expect.stringContaining("your own system role"),
      });
      expect(await roles().create({ key: key("wide"), name: "Wide", permissions: ["gatehouse.admin.*"] }, as(admin))).toMatchObject({
        outcome: "forbidden",
        message: expect.stringContaining("gatehouse.admin.*"),
      });
      expect(
        await roles().create({ key: key("users"), name: "Users", permissions: ["gatehouse.admin.users.manage"] }, as(admin)),
      ).toMatchObject({ outcome: "forbidden", message: expect.stringContaining("gatehouse.admin.users.manage") });
      expect(await roles().setUserRole(admin.id, "super_admin", as(admin))).toMatchObject({ outcome: "forbidden" });
      // within their own: allowed
      expect(
        await roles().create({ key: key("narrow"), name: "Narrow", permissions: ["gatehouse.admin.roles.manage"] }, as(admin)),
      ).toMatchObject({ outcome: "created" });
      expect((await user(admin.id)).systemRole).toBe(own);
      expect((await roles().get(own))!.permissions).toEqual(["gatehouse.admin.roles.manage"]);
    });

    it("cannot edit a role that holds more than theirs, nor give or take one", async () => {
      const { user: admin } = await adminWith("gatehouse.admin.roles.manage", "gatehouse.admin.users.manage");
      const { user: wider, key: widerKey } = await adminWith("gatehouse.admin.*");
      expect(await roles().update(widerKey, { permissions: ["gatehouse.admin.audit.read"] }, as(admin))).toMatchObject({
        outcome: "forbidden",
      });
      expect(await roles().setUserRole(wider.id, null, as(admin))).toMatchObject({ outcome: "forbidden" });
      const superAdmin = await t.createUser();
      await roles().setUserRole(superAdmin.id, "super_admin");
      expect(await roles().setUserRole(superAdmin.id, null, as(admin))).toMatchObject({ outcome: "forbidden" });
      const plain = await t.createUser();
      expect(await roles().setUserRole(plain.id, widerKey, as(admin))).toMatchObject({ outcome: "forbidden" });
      expect((await user(plain.id)).systemRole).toBeNull();
      expect((await user(superAdmin.id)).systemRole).toBe("super_admin");
      expect((await roles().get(widerKey))!.permissions).toEqual(["gatehouse.admin.*"]);
      // a Super Admin may; so may the CLI
      expect(await roles().setUserRole(plain.id, widerKey, as(superAdmin))).toMatchObject({ outcome: "set" });
      expect(await roles().setUserRole(plain.id, null, { actorId: "cli" })).toMatchObject({ outcome: "set" });
    });

    it("a user manager cannot disable, reset the two-factor of or sign out an admin whose role holds more", async () => {
      const { user: manager } = await adminWith("gatehouse.admin.users.*");
      const superAdmin = await t.createUser();
      await roles().setUserRole(superAdmin.id, "super_admin");
      const ua = t.app.services.userAdmin;
      expect(await ua.disable(superAdmin.id, { actorId: manager.id, via: "admin_page" })).toEqual({ outcome: "outranked" });
      expect(await ua.resetTwoFactor(superAdmin.id, { actorId: manager.id, via: "admin_page" })).toEqual({ outcome: "outranked" });
      expect(await ua.signOutEverywhere(superAdmin.id, { actorId: manager.id, via: "admin_page" })).toEqual({ outcome: "outranked" });
      expect(await ua.endSessions(superAdmin.id, { actorId: manager.id, via: "admin_page" })).toEqual({ outcome: "outranked" });
      expect(await ua.endSession(superAdmin.id, "any-session", { actorId: manager.id, via: "admin_page" })).toEqual({
        outcome: "outranked",
      });
      expect(await ua.unlock(superAdmin.id, { actorId: manager.id, via: "admin_page" })).toEqual({ outcome: "outranked" });
      expect(await ua.enable(superAdmin.id, { actorId: manager.id, via: "admin_page" })).toEqual({ outcome: "outranked" });
      expect((await user(superAdmin.id)).disabled).toBe(false);
      const refusals = (await t.app.queries.auditEvents.listForUser(superAdmin.id)).filter(
        (e) => e.outcome === "failure" && (e.data as { reason?: string }).reason === "outranked",
      );
      expect(refusals.map((e) => e.type).sort()).toEqual([
        "session.revoked",
        "session.revoked",
        "user.disabled",
        "user.enabled",
        "user.signed_out_everywhere",
        "user.two_factor_reset",
        "user.unlocked",
      ]);
      // an account with no system role, or one within the manager's own, is in reach
      const plain = await t.createUser();
      expect((await ua.disable(plain.id, { actorId: manager.id, via: "admin_page" })).outcome).toBe("disabled");
      const { user: peer } = await adminWith("gatehouse.admin.users.read");
      expect((await ua.signOutEverywhere(peer.id, { actorId: manager.id, via: "admin_page" })).outcome).toBe("signed_out");
    });

    it("writes nothing when the role or the account changed after the checks (a limited admin cannot undo a Super Admin's change)", async () => {
      const { user: holder, key: k } = await adminWith("gatehouse.admin.audit.read");
      const q = t.app.queries.permissions;
      // the role was widened since the caller read it: its edit is refused and the widening stays
      await roles().update(k, { permissions: ["gatehouse.admin.audit.read", "gatehouse.admin.users.read"] });
      expect(await q.updateSystemRole(k, { permissions: ["gatehouse.admin.audit.read"] }, ["gatehouse.admin.audit.read"])).toEqual({
        outcome: "changed",
      });
      expect((await roles().get(k))!.permissions).toEqual(["gatehouse.admin.audit.read", "gatehouse.admin.users.read"]);
      // the account's role, or the new role's grants, moved since the check: nothing is written
      expect(await q.setUserSystemRole(holder.id, null, "super_admin", { current: "super_admin", grants: null })).toEqual({
        outcome: "changed",
      });
      expect(await q.setUserSystemRole(holder.id, k, "super_admin", { current: k, grants: ["gatehouse.admin.audit.read"] })).toEqual({
        outcome: "changed",
      });
      expect((await user(holder.id)).systemRole).toBe(k);
      // as checked: written
      expect(await q.setUserSystemRole(holder.id, null, "super_admin", { current: k, grants: null })).toMatchObject({
        outcome: "updated",
        previous: k,
      });
    });

    it("a disabled admin's authority is none", async () => {
      const { user: admin } = await adminWith("gatehouse.admin.roles.manage");
      await t.app.db.prisma.user.update({ where: { id: admin.id }, data: { disabled: true } });
      expect(
        await roles().create({ key: key("late"), name: "Late", permissions: ["gatehouse.admin.roles.manage"] }, as(admin)),
      ).toMatchObject({ outcome: "forbidden" });
    });

    it("refuses control characters in a role's name", async () => {
      expect(await roles().create({ key: key("nul"), name: "a\u0000b", permissions: ["gatehouse.admin.users.read"] })).toMatchObject({
        outcome: "invalid",
        field: "name",
      });
    });
  });
});
