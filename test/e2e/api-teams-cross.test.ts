// The team admin API with another team's ids in one's own team's URLs: team A's Manager (allowed everything on
// A's routes) sends team B's custom and built-in role ids, B's pending invitation id and B's member ids under
// /api/v1/teams/A/...: each is 404 (role.not_found, invitation.not_found, member.not_found), or 400
// request.invalid naming roleId when B's role is the new role of one of A's members or of an invitation to A.
// Team B is unchanged afterwards (its roles, members and invitations as in the database before), no email goes
// to B's invitee (checked after a later email to A's invitee arrived), and no audit event names B.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { teamWithMembers } from "../helpers/team-flow.ts";
import { startTeamApi, type TeamApiHarness } from "../helpers/api.ts";

const uniqueEmail = (tag: string) =>
  `${tag.toLowerCase()}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.test`;

describe("team admin API: another team's ids in one's own team's URLs", () => {
  let h: TeamApiHarness;
  beforeAll(async () => {
    h = await startTeamApi();
  });
  afterAll(async () => {
    await h?.close();
  });

  /** everything of a team the calls could change, from the database */
  const snapshot = async (teamId: string) => {
    const { prisma } = h.t.app.db;
    return {
      team: await prisma.team.findUniqueOrThrow({ where: { id: teamId } }),
      roles: await prisma.teamRole.findMany({ where: { teamId }, orderBy: { id: "asc" } }),
      members: await prisma.membership.findMany({ where: { teamId }, orderBy: { userId: "asc" } }),
      invitations: await prisma.invitation.findMany({ where: { teamId }, orderBy: { id: "asc" } }),
      transfers: await prisma.ownershipTransfer.findMany({ where: { teamId } }),
    };
  };

  it("team A's Manager gets 404 for B's role, invitation and member ids and 400 for B's role as a new role; B unchanged", async () => {
    const a = await teamWithMembers(h.t, "CrossA", "manager", "developer");
    const b = await teamWithMembers(h.t, "CrossB", "manager", "developer");
    const [managerA, developerA] = a.members;
    const [managerB, developerB] = b.members;
    const mgrB = await h.as(managerB!);
    const customB = await mgrB("POST", `/api/v1/teams/${b.teamId}/roles`, { name: "B support", permissions: ["gatehouse.team.read"] });
    expect(customB.status, JSON.stringify(customB.body)).toBe(201);
    const inviteeB = uniqueEmail("InviteeB");
    const mailsBefore = h.sink.messages.length;
    const invitationB = await mgrB("POST", `/api/v1/teams/${b.teamId}/invitations`, {
      email: inviteeB,
      roleId: await h.roleId(b.teamId, "developer"),
    });
    expect(invitationB.status, JSON.stringify(invitationB.body)).toBe(201);
    await h.sink.waitFor((m) => m.to.includes(inviteeB));
    const roleB = customB.body.id as string;
    const managerRoleB = await h.roleId(b.teamId, "manager");
    const invitationIdB = invitationB.body.id as string;
    const before = await snapshot(b.teamId);
    const beforeA = await snapshot(a.teamId);
    const lastEvent = (await h.t.app.db.prisma.auditEvent.findFirst({ orderBy: { id: "desc" } }))?.id ?? 0n;

    const mgrA = await h.as(managerA!);
    const base = `/api/v1/teams/${a.teamId}`;
    const developerRoleA = await h.roleId(a.teamId, "developer");
    const notFound: [string, string, unknown, string][] = [
      ["PATCH", `${base}/roles/${roleB}`, { name: "Taken over" }, "role.not_found"],
      ["PATCH", `${base}/roles/${roleB}`, { permissions: ["gatehouse.team.read", "gatehouse.team.members.manage"] }, "role.not_found"],
      ["DELETE", `${base}/roles/${roleB}`, undefined, "role.not_found"],
      ["PATCH", `${base}/roles/${managerRoleB}`, { name: "Taken over" }, "role.not_found"],
      ["DELETE", `${base}/roles/${managerRoleB}`, undefined, "role.not_found"],
      ["POST", `${base}/invitations/${invitationIdB}/resend`, undefined, "invitation.not_found"],
      ["DELETE", `${base}/invitations/${invitationIdB}`, undefined, "invitation.not_found"],
      ["PATCH", `${base}/members/${developerB!.id}`, { roleId: developerRoleA }, "member.not_found"],
      ["PATCH", `${base}/members/${managerB!.id}`, { roleId: developerRoleA }, "member.not_found"],
      ["DELETE", `${base}/members/${developerB!.id}`, undefined, "member.not_found"],
      ["DELETE", `${base}/members/${b.owner.id}`, undefined, "member.not_found"],
    ];
    for (const [method, path, body, code] of notFound) {
      const res = await mgrA(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.code, `${method} ${path}`).toBe(code);
    }
    const badRole: [string, string, unknown][] = [
      ["PATCH", `${base}/members/${developerA!.id}`, { roleId: roleB }],
      ["PATCH", `${base}/members/${developerA!.id}`, { roleId: managerRoleB }],
      ["POST", `${base}/invitations`, { email: uniqueEmail("Stray"), roleId: roleB }],
    ];
    for (const [method, path, body] of badRole) {
      const res = await mgrA(method, path, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(res.body).toMatchObject({ code: "request.invalid", data: { field: "roleId" } });
    }

    // a later email to A's invitee arrives; none went to B's invitee after B's own invitation
    const inviteeA = uniqueEmail("InviteeA");
    expect((await mgrA("POST", `${base}/invitations`, { email: inviteeA, roleId: developerRoleA })).status).toBe(201);
    const later = await h.sink.waitFor((m) => m.to.includes(inviteeA));
    const sinceB = h.sink.messages.slice(mailsBefore, h.sink.messages.indexOf(later) + 1);
    expect(sinceB.filter((m) => m.to.includes(inviteeB))).toHaveLength(1);

    expect(await snapshot(b.teamId)).toEqual(before);
    const afterA = await snapshot(a.teamId);
    expect(afterA.roles).toEqual(beforeA.roles);
    expect(afterA.members).toEqual(beforeA.members);
    const events = await h.t.app.db.prisma.auditEvent.findMany({ where: { id: { gt: lastEvent } }, orderBy: { id: "asc" } });
    const usersB = new Set([b.owner.id, managerB!.id, developerB!.id]);
    expect(events.filter((e) => JSON.stringify(e.data).includes(b.teamId) || usersB.has(e.userId ?? ""))).toEqual([]);
    expect(events.map((e) => e.type)).toContain("team.invitation.created");
  });
});
