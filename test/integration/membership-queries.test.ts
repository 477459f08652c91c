// The two membership lookups of every sign-in and token are one joined SQL statement each (queries/teams.ts):
// they must return exactly what Prisma's include of team and role returns, for one team and for several.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";

describe("membership queries", () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp({}); });
  afterAll(async () => { await t.close(); });

  it("membership and membershipsOf equal Prisma's include, in join order", async () => {
    const u = await t.createUser();
    const other = await t.createUser();
    const roles = [{ key: "owner", name: "Owner", permissions: ["*"] }, { key: "developer", name: "Developer", permissions: ["gatehouse.team.read"] }];
    const first = await t.app.queries.teams.createWithOwner({ name: "First", slug: `first-${Date.now()}`, ownerId: u.id, roles });
    const second = await t.app.queries.teams.createWithOwner({ name: "Second", slug: `second-${Date.now()}`, ownerId: other.id, roles });
    await t.app.queries.teams.addMember(second.team.id, u.id, second.roles.find((r) => r.key === "developer")!.id);
    const viaPrisma = await t.app.db.prisma.membership.findMany({ where: { userId: u.id }, include: { team: true, role: true }, orderBy: { createdAt: "asc" } });
    expect(viaPrisma).toHaveLength(2);
    expect(await t.app.queries.teams.membershipsOf(u.id)).toEqual(viaPrisma);
    expect(await t.app.queries.teams.membership(second.team.id, u.id)).toEqual(viaPrisma[1]);
    expect(await t.app.queries.teams.membership(first.team.id, other.id)).toBeNull();
    expect(await t.app.queries.teams.membershipsOf((await t.createUser()).id)).toEqual([]);
  });
});
