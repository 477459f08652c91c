// The admin Roles screens end to end (real Postgres and Redis; admins signed in through the account pages; forms
// posted as a browser would): system roles created and edited (DB and audit with the admin as actor), "*" and
// non-admin codes refused with a 400 that changes nothing, Super Admin shown but not editable; any team's roles
// found, created, edited (DB and audit), Owner read-only (403 on a POST), admin codes refused, an unused custom
// role deleted after its confirmation page, an in-use or built-in one kept; CSRF missing -> 403, unchanged; and
// forbidden access: no system role, a system role without roles.manage, one without teams.manage, a team's own
// Owner or Manager without a system role (each with a valid CSRF token of its own: the guard refuses).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, type Page } from "../helpers/browser.ts";
import { openAccountPage } from "../helpers/sessions.ts";
import { addMember, createTeam, type TestTeam } from "../helpers/team-flow.ts";
import { csrfTokenFor } from "../helpers/admin-csrf.ts";
import { ROLES_CSRF } from "../../src/http/routes/admin/roles-shared.ts";

const decode = (s: string) =>
  s
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
const GUARD = "Your account does not have access to this part of the admin area.";
type Fields = [string, string][];

describe("admin roles pages", () => {
  let t: TestApp;
  let admin: { id: string; email: string; password: string };
  let adminBrowser: TestBrowser;
  let n = 0;
  const tag = () => `r${Date.now().toString(36)}${++n}`;

  async function signedIn(user: { email: string; password: string }): Promise<TestBrowser> {
    const browser = new TestBrowser(t.url);
    await openAccountPage(browser, t.url, "/account", { identifier: user.email, password: user.password });
    return browser;
  }
  /** a user with a new system role holding `permissions`, signed in */
  async function adminWith(permissions: string[]): Promise<TestBrowser> {
    const role = await t.app.services.systemRoles.create({ key: `k${tag()}`, name: "Partial admin", permissions });
    if (role.outcome !== "created") throw new Error(role.message);
    const user = await t.createUser();
    await t.app.services.systemRoles.setUserRole(user.id, role.role.key);
    return signedIn(user);
  }
  const csrfOf = (page: Page) => /name="_csrf" value="([^"]+)"/.exec(page.html)?.[1] ?? "";
  /** POSTs `fields` to `path` (repeated names kept) with the CSRF token of `from` (a page), following redirects */
  function post(browser: TestBrowser, path: string, fields: Fields, csrf: string | null): Promise<Page> {
    const form = new URLSearchParams(csrf === null ? fields : [["_csrf", csrf], ...fields]);
    return browser.go(`${t.url}${path}`, {
      init: { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url }, body: form.toString() },
    });
  }
  /** opens `page` and posts to `path` with its token, as its form would */
  const submit = async (browser: TestBrowser, page: string, path: string, fields: Fields) =>
    post(browser, path, fields, csrfOf(await browser.go(`${t.url}${page}`)));
  const perms = (...codes: string[]): Fields => codes.map((c) => ["permissions", c]);
  const systemRole = (key: string) => t.app.db.prisma.systemRole.findUnique({ where: { key } });
  const teamRoles = (teamId: string) => t.app.queries.teams.roles(teamId);
  const events = async (type: string, match: (data: Record<string, unknown>) => boolean) =>
    (await t.app.queries.auditEvents.listByType(type, 200)).filter((e) => match(e.data as Record<string, unknown>));
  const checked = (html: string) => [...html.matchAll(/name="permissions" value="([^"]+)" checked/g)].map((m) => m[1]).sort();

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.createUser();
    await t.app.services.systemRoles.setUserRole(admin.id, "super_admin");
    adminBrowser = await signedIn(admin);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("lists the system roles with a matrix of admin permissions by tab; Super Admin is shown but not editable", async () => {
    const page = await adminBrowser.go(`${t.url}/admin/roles`);
    expect(page.status).toBe(200);
    const row = /<tr data-role="super_admin">([\s\S]*?)<\/tr>/.exec(page.html)?.[1] ?? "";
    expect(decode(row)).toContain("every permission (*)");
    expect(row).toContain("yes, not editable");
    for (const legend of ["Admin: users", "Admin: roles", "Admin: teams", "Admin: audit"])
      expect(page.html).toContain(`<legend>${legend}</legend>`);
    expect(page.html).toContain('value="gatehouse.admin.users.read"');
    expect(page.html).not.toContain('value="gatehouse.team.read"');
    expect(page.html).toContain('action="/admin/roles/teams"'); // the team picker

    const sa = await adminBrowser.go(`${t.url}/admin/roles/system/super_admin`);
    expect(sa.status).toBe(200);
    expect(sa.html).toContain("holds every permission");
    expect(sa.html).not.toContain('action="/admin/roles/system/super_admin"');
    const refused = await post(
      adminBrowser,
      "/admin/roles/system/super_admin",
      [["name", "Renamed"], ...perms("gatehouse.admin.users.read")],
      csrfOf(page),
    );
    expect(refused.status).toBe(403);
    expect(refused.html).toContain("is built in and cannot be edited");
    expect(await systemRole("super_admin")).toMatchObject({ name: "Super Admin", permissions: ["*"] });
    expect(await events("system_role.updated", (d) => d.key === "super_admin")).toEqual([]);

    for (const key of ["no_such_role", "x".repeat(300)]) {
      expect((await adminBrowser.go(`${t.url}/admin/roles/system/${key}`)).status).toBe(404);
      expect((await post(adminBrowser, `/admin/roles/system/${key}`, [["name", "X"]], csrfOf(page))).status).toBe(404);
    }
  });

  it("creates a system role and edits it (DB and audit with the admin); refuses *, non-admin codes and bad fields with a 400 that keeps the form", async () => {
    const key = `ops_${tag()}`;
    const created = await submit(adminBrowser, "/admin/roles", "/admin/roles/system", [
      ["key", key],
      ["name", "Operators"],
      ...perms("gatehouse.admin.users.read", "gatehouse.admin.audit.read"),
    ]);
    expect(created.status).toBe(200);
    expect(created.url).toBe(`${t.url}/admin/roles/system/${key}?done=created`);
    expect(created.html).toContain("System role created.");
    expect(checked(created.html)).toEqual(["gatehouse.admin.audit.read", "gatehouse.admin.users.read"]);
    expect(await systemRole(key)).toMatchObject({
      name: "Operators",
      builtIn: false,
      permissions: ["gatehouse.admin.audit.read", "gatehouse.admin.users.read"],
    });
    expect(await events("system_role.created", (d) => d.key === key)).toEqual([
      expect.objectContaining({ actorId: admin.id, outcome: "success", ip: expect.any(String) }),
    ]);
    const list = await adminBrowser.go(`${t.url}/admin/roles`);
    expect(list.html).toContain(`<tr data-role="${key}">`);
    expect(list.html).toContain(`href="/admin/roles/system/${key}"`);

    const page = `/admin/roles/system/${key}`;
    const saved = await submit(adminBrowser, page, page, [
      ["name", "Operators 2"],
      ...perms("gatehouse.admin.users.read", "gatehouse.admin.users.manage"),
      ["wildcards", "gatehouse.admin.keys.*"],
    ]);
    expect(saved.url).toBe(`${t.url}${page}?done=saved`);
    expect(saved.html).toContain("System role saved.");
    expect(saved.html).toContain('value="Operators 2"');
    expect(checked(saved.html)).toEqual(["gatehouse.admin.keys.manage", "gatehouse.admin.users.manage", "gatehouse.admin.users.read"]);
    const after = ["gatehouse.admin.keys.*", "gatehouse.admin.users.manage", "gatehouse.admin.users.read"];
    expect(await systemRole(key)).toMatchObject({ name: "Operators 2", permissions: after });
    const [updated] = await events("system_role.updated", (d) => d.key === key);
    expect(updated).toMatchObject({
      actorId: admin.id,
      data: { before: { name: "Operators" }, after: { name: "Operators 2", permissions: after } },
    });

    // refusals on edit: 400, the message, the form as sent, nothing changed
    const refusals: [Fields, string][] = [
      [
        [
          ["name", "Everything"],
          ["wildcards", "*"],
        ],
        "Only Super Admin holds every permission.",
      ],
      [[["name", "Team stuff"], ...perms("gatehouse.team.read")], `"gatehouse.team.read" is not an admin permission (gatehouse.admin.*).`],
      [
        [
          ["name", "Wide"],
          ["wildcards", "gatehouse.*"],
        ],
        `"gatehouse.*" is not an admin permission (gatehouse.admin.*).`,
      ],
      [[["name", "Nothing"]], "Choose at least one permission."],
      [[["name", "   "], ...perms("gatehouse.admin.users.read")], "Role names have 1 to 64 characters."],
    ];
    for (const [fields, message] of refusals) {
      const res = await submit(adminBrowser, page, page, fields);
      expect(res.status, message).toBe(400);
      expect(decode(res.html)).toContain(message);
      expect(res.html).toContain("The role was not saved: correct the field marked below.");
      expect(res.html).toContain(`value="${fields[0]![1]}"`);
    }
    expect(await systemRole(key)).toMatchObject({ name: "Operators 2", permissions: after });
    expect(await events("system_role.updated", (d) => d.key === key)).toHaveLength(1);

    // refusals on create: nothing created
    const bad = `bad_${tag()}`;
    const createRefusals: [Fields, string, string][] = [
      [
        [
          ["key", bad],
          ["name", "Star"],
          ["wildcards", "*"],
        ],
        "Only Super Admin holds every permission.",
        bad,
      ],
      [
        [["key", bad], ["name", "Team"], ...perms("gatehouse.team.roles.manage")],
        `"gatehouse.team.roles.manage" is not an admin permission (gatehouse.admin.*).`,
        bad,
      ],
      [[["key", "X"], ["name", "Bad key"], ...perms("gatehouse.admin.users.read")], "Role keys have 2 to 40 lower-case letters", "X"],
      [[["key", key], ["name", "Taken"], ...perms("gatehouse.admin.users.read")], "A system role with that key exists.", key],
    ];
    for (const [fields, message, keyValue] of createRefusals) {
      const res = await submit(adminBrowser, "/admin/roles", "/admin/roles/system", fields);
      expect(res.status, message).toBe(400);
      expect(decode(res.html)).toContain(message);
      expect(res.html).toContain(`value="${keyValue}"`);
      expect(res.html).toContain(`value="${fields[1]![1]}"`);
    }
    expect(await systemRole(bad)).toBeNull();
    expect(await systemRole(key)).toMatchObject({ name: "Operators 2" });
  });

  it("finds a team and creates, edits and deletes its roles as an admin who is not a member (DB and audit); Owner read-only; admin codes refused", async () => {
    const owner = await t.createUser();
    const team = await createTeam(t, owner.id, `Acme ${tag()}`);
    const found = await adminBrowser.go(`${t.url}/admin/roles/teams?q=${encodeURIComponent(team.name.toUpperCase())}`);
    expect(found.status).toBe(200);
    expect([...found.html.matchAll(/data-team="([^"]+)"/g)].map((m) => m[1])).toEqual([team.id]);
    expect(found.html).toContain(`href="/admin/roles/teams/${team.id}"`);

    const base = `/admin/roles/teams/${team.id}`;
    const list = await adminBrowser.go(`${t.url}${base}`);
    expect(list.status).toBe(200);
    expect(list.html).toContain(`Roles of ${team.name}`);
    expect(list.html).toContain("<legend>Team</legend>");
    expect(list.html).toContain("<legend>Billing</legend>");
    expect(list.html).not.toContain('value="gatehouse.admin.');
    expect(/id="role-owner"[\s\S]*?1 member ·/.test(list.html)).toBe(true);

    const created = await submit(adminBrowser, base, base, [
      ["name", "Auditors"],
      ...perms("gatehouse.team.read", "gatehouse.team.billing.manage"),
    ]);
    expect(created.url).toBe(`${t.url}${base}?done=created`);
    expect(created.html).toContain("Role created.");
    const role = (await teamRoles(team.id)).find((r) => r.name === "Auditors")!;
    expect(role).toMatchObject({ key: "auditors", builtIn: false, permissions: ["gatehouse.team.billing.manage", "gatehouse.team.read"] });
    expect(await events("team.role.created", (d) => d.roleId === role.id)).toEqual([
      expect.objectContaining({ actorId: admin.id, data: expect.objectContaining({ teamId: team.id }) }),
    ]);
    expect(await t.app.queries.teams.membership(team.id, admin.id)).toBeNull();

    const edit = `${base}/${role.id}`;
    const saved = await submit(adminBrowser, edit, edit, [["name", "Readers"], ...perms("gatehouse.team.read", "gatehouse.team.update")]);
    expect(saved.url).toBe(`${t.url}${edit}?done=saved`);
    expect(saved.html).toContain("Role saved.");
    expect(checked(saved.html)).toEqual(["gatehouse.team.read", "gatehouse.team.update"]);
    expect((await teamRoles(team.id)).find((r) => r.id === role.id)).toMatchObject({
      name: "Readers",
      key: "auditors",
      permissions: ["gatehouse.team.read", "gatehouse.team.update"],
    });
    expect(await events("team.role.updated", (d) => d.roleId === role.id)).toEqual([expect.objectContaining({ actorId: admin.id })]);

    // admin codes, "*", bad names: 400, form kept, unchanged
    const refusals: [Fields, string][] = [
      [
        [["name", "Sneaky"], ...perms("gatehouse.team.read", "gatehouse.admin.users.read")],
        `"gatehouse.admin.users.read" includes administrator permissions`,
      ],
      [
        [
          ["name", "Wide"],
          ["wildcards", "gatehouse.*"],
        ],
        `"gatehouse.*" includes administrator permissions`,
      ],
      [
        [
          ["name", "Star"],
          ["wildcards", "*"],
        ],
        "Only the Owner role holds every permission (*).",
      ],
      [[["name", "R"], ...perms("gatehouse.team.read")], "Role names have 2 to 48 characters."],
    ];
    for (const [fields, message] of refusals) {
      const onEdit = await submit(adminBrowser, edit, edit, fields);
      expect(onEdit.status, message).toBe(400);
      expect(decode(onEdit.html)).toContain(message);
      expect(onEdit.html).toContain(`value="${fields[0]![1]}"`);
      const onCreate = await submit(adminBrowser, base, base, fields);
      expect(onCreate.status, message).toBe(400);
      expect(decode(onCreate.html)).toContain(message);
    }
    expect((await teamRoles(team.id)).map((r) => r.name).sort()).toEqual(["Developer", "Manager", "Owner", "Readers"]);
    expect((await teamRoles(team.id)).find((r) => r.id === role.id)).toMatchObject({
      name: "Readers",
      permissions: ["gatehouse.team.read", "gatehouse.team.update"],
    });

    // Owner: shown read-only; a POST is 403 and changes nothing
    const ownerRole = (await teamRoles(team.id)).find((r) => r.key === "owner")!;
    const ownerPage = await adminBrowser.go(`${t.url}${base}/${ownerRole.id}`);
    expect(ownerPage.status).toBe(200);
    expect(ownerPage.html).not.toContain(`action="${base}/${ownerRole.id}"`);
    const ownerPost = await post(
      adminBrowser,
      `${base}/${ownerRole.id}`,
      [["name", "Boss"], ...perms("gatehouse.team.read")],
      csrfOf(list),
    );
    expect(ownerPost.status).toBe(403);
    expect(ownerPost.html).toContain("The Owner role always holds every permission");
    expect((await teamRoles(team.id)).find((r) => r.key === "owner")).toMatchObject({ name: "Owner", permissions: ["*"] });

    // delete an unused custom role: the confirmation page first, then the POST
    const confirm = await adminBrowser.go(`${t.url}${edit}/delete`);
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain("Delete the role Readers of the team");
    expect((await teamRoles(team.id)).some((r) => r.id === role.id)).toBe(true);
    const deleted = await post(adminBrowser, `${edit}/delete`, [], csrfOf(confirm));
    expect(deleted.url).toBe(`${t.url}${base}?done=deleted`);
    expect(deleted.html).toContain("Role deleted.");
    expect((await teamRoles(team.id)).some((r) => r.id === role.id)).toBe(false);
    expect(await events("team.role.deleted", (d) => d.roleId === role.id)).toEqual([expect.objectContaining({ actorId: admin.id })]);
    expect((await adminBrowser.go(`${t.url}${edit}`)).status).toBe(404);
  });

  it("keeps a role someone holds (409) and a built-in one (403); unknown teams and roles, and another team's role, are 404", async () => {
    const owner = await t.createUser();
    const team = await createTeam(t, owner.id, `Busy ${tag()}`);
    const other = await createTeam(t, owner.id, `Other ${tag()}`);
    const made = await t.app.services.teamRoles.create(team.id, owner.id, { name: "Support", permissions: ["gatehouse.team.read"] });
    if (made.outcome !== "created") throw new Error(made.outcome);
    await addMember(t, team, (await t.createUser()).id, "support");
    const base = `/admin/roles/teams/${team.id}`;
    const csrf = csrfOf(await adminBrowser.go(`${t.url}${base}`));

    const asked = await adminBrowser.go(`${t.url}${base}/${made.role.id}/delete`);
    expect(asked.status).toBe(409);
    expect(asked.html).toContain("1 member has the role Support.");
    const refused = await post(adminBrowser, `${base}/${made.role.id}/delete`, [], csrf);
    expect(refused.status).toBe(409);
    expect(refused.html).toContain("1 member has the role Support.");
    const developer = (await teamRoles(team.id)).find((r) => r.key === "developer")!;
    expect((await post(adminBrowser, `${base}/${developer.id}/delete`, [], csrf)).status).toBe(403);
    expect((await adminBrowser.go(`${t.url}${base}/${developer.id}/delete`)).status).toBe(403);
    expect((await teamRoles(team.id)).map((r) => r.key).sort()).toEqual(["developer", "manager", "owner", "support"]);

    const missing = "00000000-0000-4000-8000-000000000000";
    for (const path of [
      `/admin/roles/teams/${missing}`,
      "/admin/roles/teams/nonsense",
      `${base}/${missing}`,
      `${base}/nonsense`,
      `/admin/roles/teams/${other.id}/${made.role.id}`,
    ]) {
      expect((await adminBrowser.go(`${t.url}${path}`)).status, path).toBe(404);
      expect((await post(adminBrowser, path, [["name", "Xx"]], csrf)).status, path).toBe(404);
    }
    expect((await teamRoles(team.id)).find((r) => r.id === made.role.id)).toMatchObject({
      name: "Support",
      permissions: ["gatehouse.team.read"],
    });
    expect((await adminBrowser.go(`${t.url}/admin/roles/teams?cursor=nonsense`)).status).toBe(400);
  });

  it("CSRF missing or forged -> 403 on every POST, nothing changed", async () => {
    const owner = await t.createUser();
    const team = await createTeam(t, owner.id, `Csrf ${tag()}`);
    const made = await t.app.services.teamRoles.create(team.id, owner.id, { name: "Spare", permissions: ["gatehouse.team.read"] });
    if (made.outcome !== "created") throw new Error(made.outcome);
    const key = `c_${tag()}`;
    const base = `/admin/roles/teams/${team.id}`;
    const posts: [string, Fields][] = [
      ["/admin/roles/system", [["key", key], ["name", "Csrf"], ...perms("gatehouse.admin.users.read")]],
      [`/admin/roles/system/super_admin`, [["name", "Csrf"], ...perms("gatehouse.admin.users.read")]],
      [base, [["name", "Csrf role"], ...perms("gatehouse.team.read")]],
      [`${base}/${made.role.id}`, [["name", "Csrf role"], ...perms("gatehouse.team.update")]],
      [`${base}/${made.role.id}/delete`, []],
    ];
    for (const [path, fields] of posts) {
      for (const csrf of [null, "forged"]) {
        const res = await post(adminBrowser, path, fields, csrf);
        expect(res.status, `${path} ${csrf}`).toBe(403);
        expect(res.html).toContain("This form has expired or was not sent by this site.");
      }
    }
    expect(await systemRole(key)).toBeNull();
    expect(await systemRole("super_admin")).toMatchObject({ name: "Super Admin" });
    expect((await teamRoles(team.id)).map((r) => r.name).sort()).toEqual(["Developer", "Manager", "Owner", "Spare"]);
    expect((await teamRoles(team.id)).find((r) => r.id === made.role.id)).toMatchObject({ permissions: ["gatehouse.team.read"] });
  });

  it("forbidden: no system role, no roles.manage, no teams.manage, a team's own Owner or Manager: the guard's 403 on the routes they lack, nothing changed", async () => {
    const ownerUser = await t.createUser();
    const own: TestTeam = await createTeam(t, ownerUser.id, `Own ${tag()}`);
    const other = await createTeam(t, (await t.createUser()).id, `Foreign ${tag()}`);
    const spare = await t.app.services.teamRoles.create(own.id, ownerUser.id, { name: "Spare", permissions: ["gatehouse.team.read"] });
    if (spare.outcome !== "created") throw new Error(spare.outcome);
    const key = `f_${tag()}`;
    const systemGets = ["/admin/roles", "/admin/roles/system/super_admin"];
    const systemPosts: [string, Fields][] = [
      ["/admin/roles/system", [["key", key], ["name", "F"], ...perms("gatehouse.admin.users.read")]],
      ["/admin/roles/system/super_admin", [["name", "F"]]],
    ];
    const teamPaths = (team: TestTeam, roleId: string) => ({
      gets: [
        "/admin/roles/teams",
        `/admin/roles/teams/${team.id}`,
        `/admin/roles/teams/${team.id}/${roleId}`,
        `/admin/roles/teams/${team.id}/${roleId}/delete`,
      ],
      posts: [
        [`/admin/roles/teams/${team.id}`, [["name", "Forbidden role"], ...perms("gatehouse.team.read")]],
        [`/admin/roles/teams/${team.id}/${roleId}`, [["name", "Forbidden"]]],
        [`/admin/roles/teams/${team.id}/${roleId}/delete`, []],
      ] as [string, Fields][],
    });
    const otherRole = (await teamRoles(other.id)).find((r) => r.key === "developer")!;
    const teamRoutes = [teamPaths(own, spare.role.id), teamPaths(other, otherRole.id)];
    async function refused(browser: TestBrowser, gets: string[], posts: [string, Fields][], csrf: string) {
      for (const path of gets) {
        const res = await browser.go(`${t.url}${path}`);
        expect(res.status, path).toBe(403);
        expect(res.html, path).toContain(GUARD);
      }
      for (const [path, fields] of posts) {
        const res = await post(browser, path, fields, csrf);
        expect(res.url, path).toBe(`${t.url}${path}`); // the POST's own answer, not a page it redirected to
        expect(res.status, path).toBe(403);
        expect(res.html, path).toContain(GUARD);
      }
    }

    // a team's own Owner and Manager (and anyone without a system role): 403 on every route, their own team's
    // too, from the guard: each posts a valid token of its own browser, so the CSRF check would let it through
    expect(await csrfTokenFor(t, adminBrowser, ROLES_CSRF)).toBe(csrfOf(await adminBrowser.go(`${t.url}/admin/roles/teams/${own.id}`)));
    const managerUser = await t.createUser();
    await addMember(t, own, managerUser.id, "manager");
    for (const user of [ownerUser, managerUser]) {
      const browser = await signedIn(user);
      expect((await browser.go(`${t.url}/account/teams/${own.slug}/roles`)).status).toBe(200);
      const csrf = await csrfTokenFor(t, browser, ROLES_CSRF);
      await refused(browser, systemGets, systemPosts, csrf);
      for (const r of teamRoutes) await refused(browser, r.gets, r.posts, csrf);
    }

    // teams.manage without roles.manage: the team routes, not the system ones (with a valid token of its own)
    const teamsOnly = await adminWith(["gatehouse.admin.teams.manage"]);
    const teamsPage = await teamsOnly.go(`${t.url}/admin/roles/teams/${own.id}`);
    expect(teamsPage.status).toBe(200);
    await refused(teamsOnly, systemGets, systemPosts, csrfOf(teamsPage));

    // roles.manage without teams.manage: the system routes, not the team ones; no team picker
    const rolesOnly = await adminWith(["gatehouse.admin.roles.manage"]);
    const rolesPage = await rolesOnly.go(`${t.url}/admin/roles`);
    expect(rolesPage.status).toBe(200);
    expect(rolesPage.html).not.toContain('action="/admin/roles/teams"');
    for (const r of teamRoutes) await refused(rolesOnly, r.gets, r.posts, csrfOf(rolesPage));

    expect(await systemRole(key)).toBeNull();
    expect(await systemRole("super_admin")).toMatchObject({ name: "Super Admin", permissions: ["*"] });
    expect((await teamRoles(own.id)).map((r) => r.name).sort()).toEqual(["Developer", "Manager", "Owner", "Spare"]);
    expect((await teamRoles(other.id)).map((r) => r.name).sort()).toEqual(["Developer", "Manager", "Owner"]);
  });
});
