// The team admin API (/api/v1/teams...) against a real Gatehouse with real access tokens for ISSUER/api from
// the authorization code flow: no token is 401 and a client_credentials token 403 on every route; the team
// directory is for provider admins with gatehouse.admin.teams.manage only (paged); a team, its members and its
// roles for members by their team role (a Developer is refused changes, 403, nothing changes); a Manager changes
// roles, removes members and edits roles of their own team (the effect in the database, audited with them as
// actor, IP and user agent); the Owner is never demoted or removed, not even by an admin; bad bodies are 400
// with the zod issues and change nothing; another team's Owner and Manager get 404 on every route of a team
// they are not in, and nothing changes; an admin with teams.manage acts on any team (audited as actor), one
// whose system role lacks it only as a member. (Invitations, their emails and rate limits, and ownership
// transfers: api-teams-mail.test.ts.)
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { teamWithMembers } from "../helpers/team-flow.ts";
import { startTeamApi, teamRouteCalls, UA, type ApiUser, type TeamApiHarness } from "../helpers/api.ts";

const ADMIN_TEAMS = "gatehouse.admin.teams.manage";
const NO_SUCH_ID = "00000000-0000-4000-8000-000000000000";
type Issue = { path: (string | number)[]; message: string };
const issuesOf = (body: { data?: Record<string, unknown> }) => (body.data?.issues ?? []) as Issue[];

describe("team admin API", () => {
  let h: TeamApiHarness;
  beforeAll(async () => {
    h = await startTeamApi();
  });
  afterAll(async () => {
    await h?.close();
  });

  const team = (...roles: string[]) => teamWithMembers(h.t, "Api", ...roles);
  const as = (user: ApiUser) => h.as(user);

  it("the OpenAPI document says which team permission each route needs, and lists only fields a caller may see", async () => {
    type Op = {
      "x-gatehouse-access"?: string;
      "x-gatehouse-permission"?: string;
      "x-gatehouse-team-permission"?: string;
      responses: Record<string, { description: string }>;
    };
    const doc = (await (await fetch(`${h.t.url}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, Op>>;
      components: { schemas: Record<string, { properties?: object }> };
    };
    const ops = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith("/api/v1/teams"))
      .flatMap(([path, byMethod]) => Object.entries(byMethod).map(([m, op]) => [`${m} ${path}`, op] as const));
    // 24: the team routes, the Virtuozzo link and the domains & SSO routes (api/teams-sso.ts, #17)
    expect(ops).toHaveLength(24);
    // the team list and the MFA requirement are the provider admins' (gatehouse.admin.teams.manage), not a team's
    const adminOnly = ["get /api/v1/teams", "get /api/v1/teams/{teamId}/mfa-required", "put /api/v1/teams/{teamId}/mfa-required"];
    for (const name of adminOnly) {
      const [method, path] = name.split(" ") as [string, string];
      expect(doc.paths[path]![method]!["x-gatehouse-permission"], name).toBe(ADMIN_TEAMS);
      expect(doc.paths[path]![method]!["x-gatehouse-team-permission"], name).toBeUndefined();
    }
    for (const [name, op] of ops.filter(([name]) => !adminOnly.includes(name))) {
      expect(op["x-gatehouse-access"], name).toBe("user");
      expect(op["x-gatehouse-team-permission"], name).toMatch(/^(gatehouse\.team\.[a-z.]+|\*)$/);
      expect(op.responses["403"]!.description, name).toContain("permission.denied");
      expect(op.responses["404"]!.description, name).toContain("team.not_found");
    }
    expect(doc.paths["/api/v1/teams/{teamId}/members/{userId}"]!.patch!["x-gatehouse-team-permission"]).toBe(
      "gatehouse.team.members.manage",
    );
    expect(doc.paths["/api/v1/teams/{teamId}/ownership-transfer"]!.post!.responses["403"]!.description).toContain("not the team's Owner");
    expect(Object.keys(doc.components.schemas.TeamInvitation!.properties!).sort()).toEqual([
      "createdAt",
      "email",
      "expiresAt",
      "id",
      "invitedBy",
      "role",
    ]);
    expect(Object.keys(doc.components.schemas.TeamOwnershipTransfer!.properties!).sort()).toEqual([
      "createdAt",
      "expiresAt",
      "fromUserId",
      "id",
      "to",
    ]);
  });

  it("no token: 401 with WWW-Authenticate; a client_credentials token: 403 token.user_required, on every route", async () => {
    const {
      teamId,
      members: [developer],
    } = await team("developer");
    const before = await h.rolesInDb(teamId);
    const calls = [
      ["GET", "/api/v1/teams"] as [string, string],
      ...teamRouteCalls(teamId, {
        userId: developer!.id,
        roleId: await h.roleId(teamId, "manager"),
        invitationId: NO_SUCH_ID,
        email: "x@example.test",
      }),
    ];
    const clientToken = await h.clientToken();
    for (const [method, path, body] of calls) {
      const none = await h.call(method, path, null, body);
      expect(none.status, `${method} ${path}`).toBe(401);
      expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(none.body).toMatchObject({ code: "invalid_token", data: {} });
      const asClient = await h.call(method, path, clientToken, body);
      expect(asClient.status, `${method} ${path}`).toBe(403);
      expect(asClient.body).toMatchObject({ code: "token.user_required", data: {} });
    }
    expect(await h.rolesInDb(teamId)).toEqual(before);
  });

  it("GET /teams: provider admins with teams.manage search every team in cursor pages; others 403", async () => {
    const tag = `dir${Date.now().toString(36)}`;
    const made = [await teamWithMembers(h.t, tag), await teamWithMembers(h.t, tag, "developer"), await teamWithMembers(h.t, tag)];
    const admin = await as(await h.admin([ADMIN_TEAMS]));
    const first = await admin("GET", `/api/v1/teams?query=${tag.toUpperCase()}&limit=2`);
    expect(first.status).toBe(200);
    const page1 = first.body.teams as { id: string; memberCount: number; owner: unknown }[];
    expect(page1).toHaveLength(2);
    expect(Object.keys(page1[0]!).sort()).toEqual(["createdAt", "id", "memberCount", "name", "owner", "slug"]);
    const second = await admin("GET", `/api/v1/teams?query=${tag}&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.nextCursor).toBeNull();
    const all = [...page1, ...(second.body.teams as typeof page1)];
    expect(all.map((t) => t.id)).toEqual([made[2]!.teamId, made[1]!.teamId, made[0]!.teamId]);
    const owner = made[1]!.owner;
    expect(all[1]).toMatchObject({ memberCount: 2, owner: { id: owner.id, username: owner.username, email: owner.email, name: null } });

    for (const query of ["limit=0", "limit=101", "cursor=not-ours", "sort=name"]) {
      const bad = await admin("GET", `/api/v1/teams?${query}`);
      expect(bad.status, query).toBe(400);
      expect(bad.body.code).toBe("request.invalid");
      expect(issuesOf(bad.body)[0]!.path[0]).toBe("query");
    }
    const badCursor = await admin("GET", "/api/v1/teams?cursor=not-ours");
    expect(badCursor.body).toMatchObject({
      message: "The request's query is not valid: cursor: This page link is not valid; start from the first page.",
      data: { field: "cursor" },
    });
    expect(issuesOf(badCursor.body)).toEqual([
      { code: "custom", path: ["query", "cursor"], message: "This page link is not valid; start from the first page." },
    ]);
    for (const user of [owner, await h.admin(["gatehouse.admin.users.read"])]) {
      const refused = await (await as(user))("GET", "/api/v1/teams");
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: "permission.denied", data: { permission: ADMIN_TEAMS } });
    }
  });

  it("GET /teams/:id: a member sees the team; a stranger, or an admin without teams.manage, 404; an admin with it any team", async () => {
    const {
      teamId,
      slug,
      name,
      owner,
      members: [developer],
    } = await team("manager", "developer");
    const row = (await h.t.app.queries.teams.findById(teamId))!;
    const expected = { id: teamId, slug, name, createdAt: row.createdAt.toISOString(), memberCount: 3 };
    for (const user of [owner, developer!, await h.admin([ADMIN_TEAMS])]) {
      const res = await (await as(user))("GET", `/api/v1/teams/${teamId}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(expected);
    }
    const upper = await (await as(owner))("GET", `/api/v1/teams/${teamId.toUpperCase()}`);
    expect(upper.body).toEqual(expected);
    for (const user of [await h.t.createUser(), await h.admin(["gatehouse.admin.users.read"])]) {
      const res = await (await as(user))("GET", `/api/v1/teams/${teamId}`);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: "team.not_found", data: {} });
    }
    const admin = await as(await h.admin([ADMIN_TEAMS]));
    expect((await admin("GET", `/api/v1/teams/${NO_SUCH_ID}`)).body.code).toBe("team.not_found");
    const malformed = await admin("GET", "/api/v1/teams/not-a-uuid");
    expect(malformed.status).toBe(400);
    expect(issuesOf(malformed.body)[0]!.path).toEqual(["params", "teamId"]);
  });

  it("members: listed and paged; a Manager changes a role and removes a member (audited); a Developer 403; unknown 404", async () => {
    const {
      teamId,
      owner,
      members: [manager, developer, other],
    } = await team("manager", "developer", "developer");
    const dev = await as(developer!);
    const listed = await dev("GET", `/api/v1/teams/${teamId}/members`);
    expect(listed.status).toBe(200);
    const members = listed.body.members as { userId: string; isOwner: boolean; role: { key: string } }[];
    expect(members.map((m) => m.userId).sort()).toEqual([owner.id, manager!.id, developer!.id, other!.id].sort());
    expect(Object.keys(members[0]!).sort()).toEqual(["email", "isOwner", "joinedAt", "name", "role", "userId", "username"]);
    expect(members.find((m) => m.userId === owner.id)).toMatchObject({ isOwner: true, role: { key: "owner" } });
    const paged = await dev("GET", `/api/v1/teams/${teamId}/members?limit=3`);
    expect((paged.body.members as unknown[]).length).toBe(3);
    const rest = await dev("GET", `/api/v1/teams/${teamId}/members?limit=3&cursor=${paged.body.nextCursor}`);
    expect([...(paged.body.members as typeof members), ...(rest.body.members as typeof members)].map((m) => m.userId)).toEqual(
      members.map((m) => m.userId),
    );

    const before = await h.rolesInDb(teamId);
    const managerRole = await h.roleId(teamId, "manager");
    for (const [method, body] of [
      ["PATCH", { roleId: managerRole }],
      ["DELETE", undefined],
    ] as const) {
      const refused = await dev(method, `/api/v1/teams/${teamId}/members/${other!.id}`, body);
      expect(refused.status, method).toBe(403);
      expect(refused.body).toMatchObject({ code: "permission.denied", message: "Your role does not let you manage this team's members." });
    }
    expect(await h.rolesInDb(teamId)).toEqual(before);

    const mgr = await as(manager!);
    const changed = await mgr("PATCH", `/api/v1/teams/${teamId}/members/${developer!.id}`, { roleId: managerRole });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ userId: developer!.id, role: { id: managerRole, key: "manager", name: "Manager" }, changed: true });
    expect((await h.rolesInDb(teamId))[developer!.id]).toBe("manager");
    expect((await h.audited("team.member.role_changed", teamId))[0]).toMatchObject({
      actorId: manager!.id,
      userId: developer!.id,
      ip: expect.any(String),
      userAgent: UA,
      data: expect.objectContaining({ from: "developer", to: "manager" }),
    });
    expect((await mgr("PATCH", `/api/v1/teams/${teamId}/members/${developer!.id}`, { roleId: managerRole })).body.changed).toBe(false);

    const removed = await mgr("DELETE", `/api/v1/teams/${teamId}/members/${other!.id}`);
    expect(removed.status).toBe(204);
    expect((await h.rolesInDb(teamId))[other!.id]).toBeUndefined();
    expect((await h.audited("team.member.removed", teamId))[0]).toMatchObject({ actorId: manager!.id, userId: other!.id, userAgent: UA });
    for (const [method, body] of [
      ["PATCH", { roleId: managerRole }],
      ["DELETE", undefined],
    ] as const) {
      for (const id of [other!.id, NO_SUCH_ID]) {
        const missing = await mgr(method, `/api/v1/teams/${teamId}/members/${id}`, body);
        expect(missing.status, `${method} ${id}`).toBe(404);
        expect(missing.body.code).toBe("member.not_found");
      }
    }
  });

  it("the Owner is never demoted or removed, by a Manager or an admin (403, unchanged); bad bodies: 400 with issues, unchanged", async () => {
    const {
      teamId,
      owner,
      members: [manager, developer],
    } = await team("manager", "developer");
    const before = await h.rolesInDb(teamId);
    const developerRole = await h.roleId(teamId, "developer");
    for (const user of [manager!, await h.admin([ADMIN_TEAMS])]) {
      const call = await as(user);
      const demoted = await call("PATCH", `/api/v1/teams/${teamId}/members/${owner.id}`, { roleId: developerRole });
      expect(demoted.status).toBe(403);
      expect(demoted.body).toMatchObject({
        code: "permission.denied",
        message: "The Owner's role changes only through an ownership transfer.",
      });
      const removed = await call("DELETE", `/api/v1/teams/${teamId}/members/${owner.id}`);
      expect(removed.status).toBe(403);
      expect(removed.body.message).toBe("The Owner cannot be removed. The Owner can hand the team to someone else first.");
      const toOwner = await call("PATCH", `/api/v1/teams/${teamId}/members/${developer!.id}`, { roleId: await h.roleId(teamId, "owner") });
      expect(toOwner.status).toBe(403);
    }
    const mgr = await as(manager!);
    const otherTeam = await team();
    const cases: [unknown, (string | number)[] | null][] = [
      [{ roleId: "manager" }, ["body", "roleId"]],
      [{}, ["body", "roleId"]],
      [{ roleId: developerRole, extra: 1 }, ["body"]],
      [[], ["body"]],
      [{ roleId: await h.roleId(otherTeam.teamId, "developer") }, ["body", "roleId"]],
    ];
    for (const [body, path] of cases) {
      const res = await mgr("PATCH", `/api/v1/teams/${teamId}/members/${developer!.id}`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe("request.invalid");
      expect(issuesOf(res.body)[0]!.path.slice(0, path!.length)).toEqual(path);
    }
    const other = await mgr("PATCH", `/api/v1/teams/${teamId}/members/${developer!.id}`, {
      roleId: await h.roleId(otherTeam.teamId, "developer"),
    });
    expect(other.body.data).toMatchObject({ field: "roleId" });
    const notJson = await fetch(`${h.t.url}/api/v1/teams/${teamId}/members/${developer!.id}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${await h.tokenFor(manager!)}`, "content-type": "text/plain" },
      body: "roleId",
    });
    expect(notJson.status).toBe(415);
    expect(await h.rolesInDb(teamId)).toEqual(before);
    expect(await h.audited("team.member.role_changed", teamId)).toEqual([]);
  });

  it("roles: listed; a Manager creates, renames, re-grants and deletes a custom role (audited); refusals 403/400/404 change nothing", async () => {
    const {
      teamId,
      members: [manager, developer],
    } = await team("manager", "developer");
    const list = await (await as(developer!))("GET", `/api/v1/teams/${teamId}/roles`);
    expect(list.status).toBe(200);
    const roles = list.body.roles as { key: string; editable: boolean; deletable: boolean; memberCount: number }[];
    expect(roles.map((r) => r.key).sort()).toEqual(["developer", "manager", "owner"]);
    expect(Object.keys(roles[0]!).sort()).toEqual([
      "builtIn",
      "createdAt",
      "deletable",
      "editable",
      "id",
      "key",
      "memberCount",
      "name",
      "permissions",
      "resolved",
    ]);
    expect(roles.find((r) => r.key === "owner")).toMatchObject({ editable: false, deletable: false, memberCount: 1, permissions: ["*"] });

    const mgr = await as(manager!);
    const created = await mgr("POST", `/api/v1/teams/${teamId}/roles`, { name: "  Support  desk ", permissions: ["gatehouse.team.read"] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      key: "support-desk",
      name: "Support desk",
      permissions: ["gatehouse.team.read"],
      builtIn: false,
      memberCount: 0,
      editable: true,
      deletable: true,
    });
    const roleId = created.body.id as string;
    expect((await h.t.app.queries.teams.role(teamId, roleId))?.name).toBe("Support desk");
    expect((await h.audited("team.role.created", teamId))[0]).toMatchObject({
      actorId: manager!.id,
      userAgent: UA,
      data: expect.objectContaining({ roleId }),
    });

    const renamed = await mgr("PATCH", `/api/v1/teams/${teamId}/roles/${roleId}`, { name: "Helpdesk" });
    expect(renamed.body).toMatchObject({ id: roleId, key: "support-desk", name: "Helpdesk", permissions: ["gatehouse.team.read"] });
    const regranted = await mgr("PATCH", `/api/v1/teams/${teamId}/roles/${roleId}`, {
      permissions: ["gatehouse.team.read", "gatehouse.team.update"],
    });
    expect(regranted.body).toMatchObject({ name: "Helpdesk", permissions: ["gatehouse.team.read", "gatehouse.team.update"] });
    expect((await h.audited("team.role.updated", teamId)).map((e) => e.actorId)).toEqual([manager!.id, manager!.id]);

    const refusals: [string, string, unknown, number, string][] = [
      ["POST", "roles", { name: "Billing", permissions: ["gatehouse.team.billing.manage"] }, 403, "permission.denied"],
      ["POST", "roles", { name: "Helpdesk", permissions: [] }, 400, "request.invalid"],
      ["POST", "roles", { name: "X", permissions: [] }, 400, "request.invalid"],
      ["POST", "roles", { name: "Admins", permissions: ["gatehouse.admin.users.read"] }, 400, "request.invalid"],
      ["POST", "roles", { name: "Typos", permissions: ["gatehouse.team.reed"] }, 400, "request.invalid"],
      ["POST", "roles", { name: 5, permissions: "all" }, 400, "request.invalid"],
      ["PATCH", `roles/${roleId}`, {}, 400, "request.invalid"],
      ["PATCH", `roles/${await h.roleId(teamId, "owner")}`, { name: "Boss" }, 403, "permission.denied"],
      ["DELETE", `roles/${await h.roleId(teamId, "developer")}`, undefined, 403, "permission.denied"],
      ["PATCH", `roles/${NO_SUCH_ID}`, { name: "Ghost" }, 404, "role.not_found"],
      ["DELETE", `roles/${NO_SUCH_ID}`, undefined, 404, "role.not_found"],
    ];
    const rolesBefore = await h.t.app.queries.teams.roles(teamId);
    for (const [method, path, body, status, code] of refusals) {
      const res = await mgr(method, `/api/v1/teams/${teamId}/${path}`, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(status);
      expect(res.body.code).toBe(code);
      if (status === 400) expect(issuesOf(res.body).length).toBeGreaterThan(0);
    }
    const dev = await as(developer!);
    expect((await dev("POST", `/api/v1/teams/${teamId}/roles`, { name: "Mine", permissions: [] })).status).toBe(403);
    expect((await dev("DELETE", `/api/v1/teams/${teamId}/roles/${roleId}`)).status).toBe(403);
    expect(await h.t.app.queries.teams.roles(teamId)).toEqual(rolesBefore);

    expect((await mgr("DELETE", `/api/v1/teams/${teamId}/roles/${roleId}`)).status).toBe(204);
    expect(await h.t.app.queries.teams.role(teamId, roleId)).toBeNull();
    expect((await h.audited("team.role.deleted", teamId))[0]).toMatchObject({
      actorId: manager!.id,
      data: expect.objectContaining({ roleId }),
    });
  });

  it("another team's Owner and Manager: 404 team.not_found on every route of a team they are not in; nothing changes", async () => {
    const target = await team("manager", "developer");
    const [, developer] = target.members;
    const custom = await h.t.app.services.teamRoles.create(target.teamId, target.owner.id, {
      name: "Custom",
      permissions: ["gatehouse.team.read"],
    });
    if (custom.outcome !== "created") throw new Error("no custom role");
    const invited = await h.t.app.services.invitations.invite(target.teamId, target.owner.id, {
      email: `pending-${Date.now()}@example.test`,
      roleId: await h.roleId(target.teamId, "developer"),
    });
    if (invited.outcome !== "sent") throw new Error("no invitation");
    const elsewhere = await team("manager");
    const snapshot = async () => ({
      members: await h.rolesInDb(target.teamId),
      roles: await h.t.app.queries.teams.roles(target.teamId),
      invitations: (await h.t.app.queries.invitations.pendingForTeam(target.teamId, new Date())).map((i) => [
        i.id,
        i.tokenHash,
        i.expiresAt.toISOString(),
      ]),
      transfer: await h.t.app.queries.ownershipTransfers.pendingForTeam(target.teamId, new Date()),
    });
    const before = await snapshot();
    const calls = teamRouteCalls(target.teamId, {
      userId: developer!.id,
      roleId: custom.role.id,
      invitationId: invited.invitation.id,
      email: `new-${Date.now()}@example.test`,
    });
    for (const stranger of [elsewhere.owner, elsewhere.members[0]!]) {
      const call = await as(stranger);
      for (const [method, path, body] of calls) {
        const res = await call(method, path, body);
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.body, `${method} ${path}`).toMatchObject({ code: "team.not_found", data: {} });
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it("an admin with teams.manage acts on any team (audited as actor); one whose system role lacks it acts only as a member", async () => {
    const {
      teamId,
      members: [developer, other],
    } = await team("developer", "developer");
    const admin = await h.admin([ADMIN_TEAMS]);
    const asAdmin = await as(admin);
    expect((await asAdmin("GET", `/api/v1/teams/${teamId}/members`)).status).toBe(200);
    const managerRole = await h.roleId(teamId, "manager");
    expect((await asAdmin("PATCH", `/api/v1/teams/${teamId}/members/${developer!.id}`, { roleId: managerRole })).status).toBe(200);
    expect((await h.audited("team.member.role_changed", teamId))[0]).toMatchObject({ actorId: admin.id, userId: developer!.id });
    const role = await asAdmin("POST", `/api/v1/teams/${teamId}/roles`, { name: "Auditors", permissions: ["gatehouse.team.read"] });
    expect(role.status).toBe(201);
    expect((await h.audited("team.role.created", teamId))[0]!.actorId).toBe(admin.id);
    expect((await asAdmin("DELETE", `/api/v1/teams/${teamId}/members/${other!.id}`)).status).toBe(204);
    expect((await h.audited("team.member.removed", teamId))[0]).toMatchObject({ actorId: admin.id, userId: other!.id });
    expect(await h.t.app.queries.teams.membership(teamId, admin.id)).toBeNull();

    // a user reader who is a Developer of one team: a member there, a stranger elsewhere
    const reader = await h.admin(["gatehouse.admin.users.read"]);
    const own = await team();
    await h.t.app.queries.teams.addMember(own.teamId, reader.id, await h.roleId(own.teamId, "developer"));
    const asReader = await as(reader);
    expect((await asReader("GET", `/api/v1/teams/${own.teamId}/members`)).status).toBe(200);
    const refused = await asReader("PATCH", `/api/v1/teams/${own.teamId}/members/${own.owner.id}`, {
      roleId: await h.roleId(own.teamId, "developer"),
    });
    expect(refused.status).toBe(403);
    const before = await h.rolesInDb(teamId);
    const stranger = await asReader("PATCH", `/api/v1/teams/${teamId}/members/${developer!.id}`, {
      roleId: await h.roleId(teamId, "developer"),
    });
    expect(stranger.status).toBe(404);
    expect(stranger.body.code).toBe("team.not_found");
    expect(await h.rolesInDb(teamId)).toEqual(before);
  });
});
