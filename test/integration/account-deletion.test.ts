// services.accountDeletion against real Postgres and Redis: an account without a password re-authenticates with a
// current second factor (a wrong code counts toward the lockout and deletes nothing; one without any factor is
// refused), and the audit pseudonymisation (#21 item 3): the events about the user and by the user (as an actor)
// get the same stable pseudonym, lose IP, user agent and personal keys (the email change's addresses too), other
// users' events naming the address lose it, and other users' own events keep everything.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { manualClock, totpCode } from "../helpers/totp-login.ts";

describe("account deletion (service)", () => {
  let t: TestApp;
  const clock = manualClock();
  const request = { ip: "198.51.100.7", userAgent: "Test/1.0", via: "test" };

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
  });
  afterAll(async () => {
    await t?.close();
  });
  const fresh = async (id: string) => (await t.app.queries.users.findById(id))!;

  it("without a password: a TOTP code re-authenticates; a wrong code is refused and counted; no factor at all is refused", async () => {
    const user = await t.createUser();
    const enrollment = await t.app.services.totp.beginEnrollment(await fresh(user.id));
    const secret = /secret=([A-Z2-7]+)/.exec(enrollment.uri)![1]!;
    expect((await t.app.services.totp.confirmEnrollment({ id: user.id }, await totpCode(secret, clock.epoch()))).outcome).toBe("enabled");
    await t.app.db.prisma.user.update({ where: { id: user.id }, data: { passwordHash: null } });
    const del = t.app.services.accountDeletion;

    expect(await del.deleteOwn(await fresh(user.id), { password: user.password }, request)).toEqual({ outcome: "reauth_required" });
    expect(await del.deleteOwn(await fresh(user.id), { code: "000000" }, request)).toEqual({ outcome: "wrong_code" });
    expect(await t.app.services.lockout.failures({ userId: user.id })).toBe(1);
    expect(await fresh(user.id)).not.toBeNull();
    clock.advance(30);
    expect(await del.deleteOwn(await fresh(user.id), { code: await totpCode(secret, clock.epoch()) }, request)).toEqual({
      outcome: "deleted",
    });
    expect(await t.app.queries.users.findById(user.id)).toBeNull();
    expect(await t.app.db.prisma.backupCode.count({ where: { userId: user.id } })).toBe(0);

    const bare = await t.createUser();
    await t.app.db.prisma.user.update({ where: { id: bare.id }, data: { passwordHash: null } });
    expect(await del.deleteOwn(await fresh(bare.id), {}, request)).toEqual({ outcome: "no_factor" });
    expect(await fresh(bare.id)).not.toBeNull();
  });

  it("pseudonymises the events about and by the user, and only theirs", async () => {
    const user = await t.createUser();
    const other = await t.createUser();
    const audit = t.app.services.audit;
    await audit.record({
      type: "email.changed",
      outcome: "success",
      userId: user.id,
      ip: "198.51.100.1",
      userAgent: "UA",
      data: { from: user.email, to: "new@example.test" },
    });
    await audit.record({
      type: "profile.updated",
      outcome: "success",
      userId: user.id,
      ip: "198.51.100.1",
      data: { fields: ["name"], name: "Alice Example" },
    });
    // the user acted on someone else (as an admin would), naming themselves in the data
    await audit.record({
      type: "user.disabled",
      outcome: "success",
      userId: other.id,
      actorId: user.id,
      ip: "198.51.100.2",
      userAgent: "UA",
      data: { by: user.id, changed: true },
    });
    // someone else invited the user's address
    await audit.record({
      type: "team.invitation.created",
      outcome: "success",
      userId: other.id,
      ip: "198.51.100.3",
      data: { email: user.email, role: "developer" },
    });
    await audit.record({
      type: "login.succeeded",
      outcome: "success",
      userId: other.id,
      ip: "198.51.100.4",
      userAgent: "Other UA",
      data: { device: "trusted" },
    });

    expect((await t.app.services.accountDeletion.deleteUser(user.id, { actorId: "cli", via: "cli" })).outcome).toBe("deleted");
    const p = t.app.services.accountDeletion.pseudonymOf(user.id);
    expect(t.app.services.accountDeletion.pseudonymOf(user.id)).toBe(p); // stable
    expect(t.app.services.accountDeletion.pseudonymOf(other.id)).not.toBe(p);

    const about = await t.app.db.prisma.auditEvent.findMany({ where: { userPseudonym: p }, orderBy: { id: "asc" } });
    const byType = Object.fromEntries(about.map((e) => [e.type, e]));
    expect(byType["email.changed"]).toMatchObject({ userId: null, ip: null, userAgent: null, data: {} });
    expect(byType["profile.updated"]!.data).toEqual({ fields: ["name"] });
    expect(byType["user.deleted"]).toMatchObject({ actorId: "cli", userId: null, data: { via: "cli" } });
    const acted = await t.app.db.prisma.auditEvent.findFirst({ where: { type: "user.disabled", userId: other.id } });
    expect(acted).toMatchObject({ actorId: p, ip: null, userAgent: null, data: { by: p, changed: true } });
    const invited = await t.app.db.prisma.auditEvent.findFirst({ where: { type: "team.invitation.created", userId: other.id } });
    expect(invited!.data).toEqual({ role: "developer" });
    const untouched = await t.app.db.prisma.auditEvent.findFirst({ where: { type: "login.succeeded", userId: other.id } });
    expect(untouched).toMatchObject({ ip: "198.51.100.4", userAgent: "Other UA", data: { device: "trusted" } });
    expect(await t.app.db.prisma.auditEvent.count({ where: { OR: [{ userId: user.id }, { actorId: user.id }] } })).toBe(0);
  });
});
