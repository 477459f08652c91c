// The lookups every sign-in and token makes run as plain prepared SQL (db/sql.ts): the user by email, username
// and id, and the memberships (one joined statement each, queries/teams.ts). They must return exactly what
// Prisma returns (every column, timestamps in UTC), for one team and for several.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";

describe("sign-in lookups as plain SQL", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({});
  });
  afterAll(async () => {
    await t.close();
  });

  it("the user by email, username and id equals Prisma's row; a non-UUID id is none", async () => {
    const u = await t.createUser();
    await t.app.db.prisma.user.update({
      where: { id: u.id },
      data: { name: "Zoë", passwordChangedAt: new Date("2026-03-29T01:30:00.123Z"), lastLoginAt: new Date() },
    });
    const viaPrisma = await t.app.db.prisma.user.findUnique({ where: { id: u.id } });
    const users = t.app.queries.users;
    expect(await users.findById(u.id)).toEqual(viaPrisma);
    expect(await users.findByEmailNormalized(viaPrisma!.emailNormalized)).toEqual(viaPrisma);
    expect(await users.findByUsernameNormalized(viaPrisma!.usernameNormalized)).toEqual(viaPrisma);
    expect(await users.findById("not-a-uuid")).toBeNull();
    expect(await users.findByEmailNormalized("nobody@example.test")).toBeNull();
  });

  it("the sign-in's lookup is the same row with its sign-in facts: a passkey or not, and why MFA is required", async () => {
    const u = await t.createUser();
    const viaPrisma = await t.app.db.prisma.user.findUnique({ where: { id: u.id } });
    const users = t.app.queries.users;
    expect(await users.findForSignIn("email", viaPrisma!.emailNormalized)).toEqual({ ...viaPrisma, hasPasskey: false, mfaRequiredBy: [] });
    expect(await users.findForSignIn("id", "not-a-uuid")).toBeNull();
    expect(await users.findForSignIn("username", "nobody-here")).toBeNull();
    // a passkey, a system role and two teams that require a second factor (and one that does not)
    await t.app.db.prisma.passkey.create({
      data: {
        userId: u.id,
        credentialId: `cred-${u.id}`,
        publicKey: Buffer.from([1]),
        deviceType: "singleDevice",
        aaguid: "00000000-0000-0000-0000-000000000000",
        name: "Key",
      },
    });
    await t.app.db.prisma.user.update({ where: { id: u.id }, data: { systemRole: "super_admin" } });
    await t.app.db.prisma.systemRole.update({ where: { key: "super_admin" }, data: { requireMfa: true } });
    const roles = [{ key: "owner", name: "Owner", permissions: ["*"] }];
    const stamp = Date.now();
    for (const [slug, requireMfa] of [
      [`zeta-${stamp}`, true],
      [`alpha-${stamp}`, true],
      [`mid-${stamp}`, false],
    ] as const) {
      const { team } = await t.app.queries.teams.createWithOwner({ name: slug, slug, ownerId: u.id, roles });
      await t.app.db.prisma.team.update({ where: { id: team.id }, data: { requireMfa } });
    }
    const expected = ["role:super_admin", `team:alpha-${stamp}`, `team:zeta-${stamp}`];
    expect(await users.findForSignIn("username", viaPrisma!.usernameNormalized)).toMatchObject({
      id: u.id,
      hasPasskey: true,
      mfaRequiredBy: expected,
    });
    expect(await users.findForSignIn("id", u.id)).toMatchObject({ hasPasskey: true, mfaRequiredBy: expected });
    expect(await t.app.queries.mfaRequirements.requiredBy(u.id)).toEqual(expected);
    await t.app.db.prisma.systemRole.update({ where: { key: "super_admin" }, data: { requireMfa: false } });
  });

  it("membership and membershipsOf equal Prisma's include, in join order", async () => {
    const u = await t.createUser();
    const other = await t.createUser();
    const roles = [
      { key: "owner", name: "Owner", permissions: ["*"] },
      { key: "developer", name: "Developer", permissions: ["gatehouse.team.read"] },
    ];
    const first = await t.app.queries.teams.createWithOwner({ name: "First", slug: `first-${Date.now()}`, ownerId: u.id, roles });
    const second = await t.app.queries.teams.createWithOwner({ name: "Second", slug: `second-${Date.now()}`, ownerId: other.id, roles });
    await t.app.queries.teams.addMember(second.team.id, u.id, second.roles.find((r) => r.key === "developer")!.id);
    const viaPrisma = await t.app.db.prisma.membership.findMany({
      where: { userId: u.id },
      include: { team: true, role: true },
      orderBy: { createdAt: "asc" },
    });
    expect(viaPrisma).toHaveLength(2);
    expect(await t.app.queries.teams.membershipsOf(u.id)).toEqual(viaPrisma);
    expect(await t.app.queries.teams.membership(second.team.id, u.id)).toEqual(viaPrisma[1]);
    expect(await t.app.queries.teams.membership(first.team.id, other.id)).toBeNull();
    expect(await t.app.queries.teams.membershipsOf((await t.createUser()).id)).toEqual([]);
  });
});
