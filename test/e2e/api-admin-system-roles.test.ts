// The provider admin API for system roles against a real Gatehouse with access tokens from the real login:
// list (paged) and read, create (its holder then has exactly its codes on the API), edit (the change applies at
// the holders' next call), audited with the admin as actor; Super Admin is built in (409), a key taken 409,
// bad input (key, name, a non-admin or "*" grant, unknown fields) 400 and nothing changes. No token 401, a
// client token, no system role, and a system role without gatehouse.admin.roles.manage 403; nobody creates,
// edits or gives a role holding more than their own (403).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startAdminApi, type AdminUsersApi, type ApiUser } from "../helpers/api.ts";

type Role = { key: string; name: string; permissions: string[]; builtIn: boolean; createdAt: string; updatedAt: string };
const ROLE_FIELDS = ["builtIn", "createdAt", "key", "name", "permissions", "updatedAt"];

describe("admin system roles API", () => {
  let api: AdminUsersApi;
  let admin: ApiUser & { token: string };
  let n = 0;
  const key = () => `api_role_${Date.now().toString(36)}_${++n}`;
  const call = (method: string, path: string, token: string | null, body?: unknown) => api.call(method, path, token, body);
  const stored = (k: string) => api.t.app.db.prisma.systemRole.findUnique({ where: { key: k } });

  beforeAll(async () => {
    api = await startAdminApi();
    admin = await api.roleUser("super_admin");
  });
  afterAll(async () => {
    await api?.t.close();
  });

  it("creates a role whose holder gets exactly its codes; reads and lists it; audited", async () => {
    const k = key();
    const created = await call("POST", "/api/v1/system-roles", admin.token, {
      key: k,
      name: "  Support desk ",
      permissions: ["gatehouse.admin.users.read", "gatehouse.admin.users.read"],
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      key: k,
      name: "Support desk",
      permissions: ["gatehouse.admin.users.read"],
      builtIn: false,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(await stored(k)).toMatchObject({ name: "Support desk", permissions: ["gatehouse.admin.users.read"] });
    const event = (await api.t.app.queries.auditEvents.listByType("system_role.created")).find(
      (e) => (e.data as { key: string }).key === k,
    );
    expect(event).toMatchObject({ outcome: "success", actorId: admin.id });

    const holder = await api.t.createUser();
    await api.t.app.services.systemRoles.setUserRole(holder.id, k);
    const token = await api.apiToken(holder);
    expect((await call("GET", "/api/v1/users?limit=1", token)).status).toBe(200);
    expect((await call("POST", `/api/v1/users/${admin.id}/unlock`, token)).body.code).toBe("permission.denied");
    expect((await call("GET", "/api/v1/system-roles", token)).body.code).toBe("permission.denied");

    const one = await call("GET", `/api/v1/system-roles/${k}`, admin.token);
    expect([one.status, one.body]).toEqual([200, created.body]);
    const listed = await call("GET", "/api/v1/system-roles?limit=100", admin.token);
    expect(listed.status).toBe(200);
    const roles = listed.body.roles as Role[];
    expect(roles.find((r) => r.key === k)).toEqual(created.body);
    expect(roles.find((r) => r.key === "super_admin")).toMatchObject({ permissions: ["*"], builtIn: true });
    for (const r of roles) expect(Object.keys(r).sort()).toEqual(ROLE_FIELDS);
    expect(listed.body.nextCursor).toBeNull();
  });

  it("pages the list by cursor without repeats", async () => {
    for (let i = 0; i < 3; i++)
      await api.t.app.services.systemRoles.create({ key: key(), name: `Paged ${i}`, permissions: ["gatehouse.admin.audit.read"] });
    const all = ((await call("GET", "/api/v1/system-roles?limit=100", admin.token)).body.roles as Role[]).map((r) => r.key);
    const seen: string[] = [];
    let cursor: unknown = undefined;
    let pages = 0;
    do {
      const res = await call("GET", `/api/v1/system-roles?limit=2${cursor ? `&cursor=${String(cursor)}` : ""}`, admin.token);
      expect(res.status).toBe(200);
      seen.push(...(res.body.roles as Role[]).map((r) => r.key));
      cursor = res.body.nextCursor;
      expect(++pages).toBeLessThan(20);
    } while (cursor);
    expect(all.length).toBeGreaterThanOrEqual(4);
    expect(seen).toEqual(all);
    expect(pages).toBe(Math.ceil(all.length / 2));
  });

  it("edits a role: the holders' next call has the new codes; audited with before and after", async () => {
    const k = key();
    await api.t.app.services.systemRoles.create({ key: k, name: "Readers", permissions: ["gatehouse.admin.users.read"] });
    const holder = await api.t.createUser();
    await api.t.app.services.systemRoles.setUserRole(holder.id, k);
    const token = await api.apiToken(holder);
    expect((await call("GET", "/api/v1/users?limit=1", token)).status).toBe(200);

    const renamed = await call("PATCH", `/api/v1/system-roles/${k}`, admin.token, { name: "Auditors" });
    expect(renamed.body).toMatchObject({ key: k, name: "Auditors", permissions: ["gatehouse.admin.users.read"] });
    const changed = await call("PATCH", `/api/v1/system-roles/${k}`, admin.token, { permissions: ["gatehouse.admin.audit.read"] });
    expect([changed.status, changed.body]).toEqual([
      200,
      expect.objectContaining({ name: "Auditors", permissions: ["gatehouse.admin.audit.read"] }),
    ]);
    expect((await call("GET", "/api/v1/users?limit=1", token)).body.code).toBe("permission.denied");
    const events = (await api.t.app.queries.auditEvents.listByType("system_role.updated")).filter(
      (e) => (e.data as { key: string }).key === k,
    );
    expect(events.map((e) => [e.actorId, (e.data as { after: { permissions: string[] } }).after.permissions])).toEqual([
      [admin.id, ["gatehouse.admin.audit.read"]],
      [admin.id, ["gatehouse.admin.users.read"]],
    ]);
    const wild = await call("PATCH", `/api/v1/system-roles/${k}`, admin.token, { permissions: ["gatehouse.admin.users.*"] });
    expect(wild.status).toBe(200);
    const plain = await api.t.createUser(); // (a Super Admin is out of a users.* role's reach: user.outranked)
    expect((await call("POST", `/api/v1/users/${plain.id}/unlock`, token)).status).toBe(200);
    expect((await call("POST", `/api/v1/users/${admin.id}/unlock`, token)).body.code).toBe("user.outranked");
  });

  it("refuses Super Admin's edit (409), a taken key (409), unknown roles (404) and bad input (400); nothing changes", async () => {
    const superAdmin = await stored("super_admin");
    const builtIn = await call("PATCH", "/api/v1/system-roles/super_admin", admin.token, { name: "Everyone" });
    expect([builtIn.status, builtIn.body.code]).toEqual([409, "system_role.built_in"]);
    expect(await stored("super_admin")).toEqual(superAdmin);
    const taken = await call("POST", "/api/v1/system-roles", admin.token, {
      key: "super_admin",
      name: "Mine",
      permissions: ["gatehouse.admin.users.read"],
    });
    expect([taken.status, taken.body.code]).toEqual([409, "system_role.exists"]);
    expect(await stored("super_admin")).toEqual(superAdmin);
    for (const [method, path] of [
      ["GET", "/api/v1/system-roles/no_such_role"],
      ["PATCH", "/api/v1/system-roles/no_such_role"],
    ] as const) {
      const missing = await call(method, path, admin.token, method === "PATCH" ? { name: "X" } : undefined);
      expect([missing.status, missing.body.code], path).toEqual([404, "system_role.not_found"]);
    }

    const k = key();
    const bad: unknown[] = [
      { key: "Bad Key", name: "X", permissions: ["gatehouse.admin.users.read"] },
      { key: k, name: "   ", permissions: ["gatehouse.admin.users.read"] },
      { key: k, name: "x".repeat(65), permissions: ["gatehouse.admin.users.read"] },
      { key: k, name: "X", permissions: [] },
      { key: k, name: "X", permissions: ["*"] },
      { key: k, name: "X", permissions: ["gatehouse.team.read"] },
      { key: k, name: "X", permissions: ["acme.blog.post.read"] },
      { key: k, name: "X", permissions: ["gatehouse.admin.no_such.code"] },
      { key: k, name: "X", permissions: ["gatehouse.admin.users.read"], builtIn: true },
      { key: k, name: "X" },
    ];
    for (const body of bad) {
      const res = await call("POST", "/api/v1/system-roles", admin.token, body);
      expect([res.status, res.body.code], JSON.stringify(body)).toEqual([400, "request.invalid"]);
      expect((res.body.data!.issues as { path: string[] }[])[0]!.path[0]).toBe("body");
    }
    expect(await stored(k)).toBeNull();

    await api.t.app.services.systemRoles.create({ key: k, name: "Kept", permissions: ["gatehouse.admin.users.read"] });
    for (const body of [{}, { permissions: ["*"] }, { name: "" }, { key: "other" }]) {
      const res = await call("PATCH", `/api/v1/system-roles/${k}`, admin.token, body);
      expect([res.status, res.body.code], JSON.stringify(body)).toEqual([400, "request.invalid"]);
    }
    for (const path of ["/api/v1/system-roles/Not-A-Key", "/api/v1/system-roles?limit=0"]) {
      expect((await call("GET", path, admin.token)).status, path).toBe(400);
    }
    expect(await stored(k)).toMatchObject({ name: "Kept", permissions: ["gatehouse.admin.users.read"] });
  });

  it("refuses every lower role: no token 401; client token, no system role, a role without roles.manage 403; nothing changes", async () => {
    const k = key();
    await api.t.app.services.systemRoles.create({ key: k, name: "Untouched", permissions: ["gatehouse.admin.users.read"] });
    const userManager = await api.roleUser(["gatehouse.admin.users.*", "gatehouse.admin.teams.manage"]);
    const plain = await api.t.createUser();
    const plainToken = await api.apiToken(plain);
    const clientToken = await api.clientToken();
    const routes: [string, string, unknown?][] = [
      ["GET", "/api/v1/system-roles"],
      ["GET", `/api/v1/system-roles/${k}`],
      ["POST", "/api/v1/system-roles", { key: key(), name: "Sneaky", permissions: ["gatehouse.admin.roles.manage"] }],
      ["PATCH", `/api/v1/system-roles/${k}`, { permissions: ["gatehouse.admin.roles.manage"] }],
    ];
    for (const [method, path, body] of routes) {
      const none = await call(method, path, null, body);
      expect(none.status, `${method} ${path}`).toBe(401);
      expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect((await call(method, path, clientToken, body)).body.code, `${method} ${path}`).toBe("token.user_required");
      for (const token of [plainToken, userManager.token]) {
        const denied = await call(method, path, token, body);
        expect([denied.status, denied.body.code, denied.body.data], `${method} ${path}`).toEqual([
          403,
          "permission.denied",
          { permission: "gatehouse.admin.roles.manage" },
        ]);
      }
    }
    expect(await stored(k)).toMatchObject({ name: "Untouched", permissions: ["gatehouse.admin.users.read"] });
    expect(await api.t.app.db.prisma.systemRole.count({ where: { name: "Sneaky" } })).toBe(0);
    const doc = (await (await fetch(`${api.t.url}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { "x-gatehouse-permission"?: string }>>;
    };
    for (const [path, method] of [
      ["/api/v1/system-roles", "get"],
      ["/api/v1/system-roles", "post"],
      ["/api/v1/system-roles/{key}", "get"],
      ["/api/v1/system-roles/{key}", "patch"],
    ] as const) {
      expect(doc.paths[path]?.[method]?.["x-gatehouse-permission"], `${method} ${path}`).toBe("gatehouse.admin.roles.manage");
    }
  });

  it("a roles.manage-only admin cannot widen their own role, nor then make themselves Super Admin (403, nothing changes)", async () => {
    const limited = await api.roleUser(["gatehouse.admin.roles.manage"]);
    const widen = await call("PATCH", `/api/v1/system-roles/${limited.role}`, limited.token, { permissions: ["gatehouse.admin.*"] });
    expect([widen.status, widen.body.code]).toEqual([403, "permission.denied"]);
    const wide = await call("POST", "/api/v1/system-roles", limited.token, {
      key: key(),
      name: "Wide",
      permissions: ["gatehouse.admin.users.manage"],
    });
    expect([wide.status, wide.body.code]).toEqual([403, "permission.denied"]);
    expect((await call("PUT", `/api/v1/users/${limited.id}/system-role`, limited.token, { role: "super_admin" })).status).toBe(403);
    expect(await stored(limited.role)).toMatchObject({ permissions: ["gatehouse.admin.roles.manage"] });
    expect((await api.t.app.queries.users.findById(limited.id))!.systemRole).toBe(limited.role);
    // a Super Admin may widen it
    expect((await call("PATCH", `/api/v1/system-roles/${limited.role}`, admin.token, { permissions: ["gatehouse.admin.*"] })).status).toBe(
      200,
    );
  });
});
