// Team roles through the service and the pages: Owner is neither editable nor deletable, Manager and Developer
// are editable but not deletable, a role in use cannot be deleted, only registered permissions (wildcards that
// name registered codes) are accepted, keys come from names and are unique, nobody but the Owner grants or
// assigns beyond their own permissions, and there is exactly one Owner. Pages: matrix by tab, CSRF, 403/404.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, uniqueEmail, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, parseForms, type Page } from "../helpers/browser.ts";

describe("team roles", () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    // a relying party's namespace, as plugins and the API register them
    t.app.services.permissions.register("acme.rolestest", "acme.rolestest", {
      "acme.rolestest.post.read": { label: "Read posts", tab: "Role test", roles: ["manager", "developer"] },
      "acme.rolestest.post.update": { label: "Edit posts", tab: "Role test" },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  let n = 0;
  /** a team with its Owner, and members with the given built-in roles */
  async function team(...roles: string[]) {
    const owner = await t.createUser();
    const slug = `roles-${Date.now().toString(36)}-${++n}`;
    const created = await t.app.services.teams.createTeam(owner.id, { name: `Roles ${n}`, slug });
    if (created.outcome !== "created") throw new Error("team not created");
    const members = [];
    for (const key of roles) members.push(await join(created.teamId, key));
    return { teamId: created.teamId, slug, owner, members };
  }
  async function join(teamId: string, roleKey: string) {
    const user = await t.createUser();
    const role = await t.app.queries.teams.roleByKey(teamId, roleKey);
    await t.app.queries.teams.addMember(teamId, user.id, role!.id);
    return user;
  }
  const roleOf = async (teamId: string, userId: string) => (await t.app.queries.teams.membership(teamId, userId))!.role;
  const roles = () => t.app.services.teamRoles;

  describe("service", () => {
    it("Owner cannot be renamed, edited or deleted; Manager and Developer can be edited, not deleted", async () => {
      const { teamId, owner } = await team();
      const ownerRole = (await t.app.queries.teams.roleByKey(teamId, "owner"))!;
      const renamed = await roles().update(teamId, owner.id, ownerRole.id, { name: "Boss", permissions: ["*"] });
      expect(renamed).toMatchObject({ outcome: "forbidden" });
      const narrowed = await roles().update(teamId, owner.id, ownerRole.id, { name: "Owner", permissions: ["gatehouse.team.read"] });
      expect(narrowed.outcome).toBe("forbidden");
      expect((await roles().remove(teamId, owner.id, ownerRole.id)).outcome).toBe("forbidden");
      const after = (await t.app.queries.teams.roleByKey(teamId, "owner"))!;
      expect([after.name, after.permissions]).toEqual(["Owner", ["*"]]);

      const developer = (await t.app.queries.teams.roleByKey(teamId, "developer"))!;
      const edited = await roles().update(teamId, owner.id, developer.id, {
        name: "Engineer",
        permissions: ["gatehouse.team.read", "acme.rolestest.*"],
      });
      expect(edited).toMatchObject({
        outcome: "updated",
        role: { key: "developer", name: "Engineer", permissions: ["acme.rolestest.*", "gatehouse.team.read"] },
      });
      const manager = (await t.app.queries.teams.roleByKey(teamId, "manager"))!;
      const refused = await roles().remove(teamId, owner.id, manager.id);
      expect(refused).toMatchObject({ outcome: "forbidden", message: expect.stringContaining("built-in") });
      expect(await t.app.queries.teams.roleByKey(teamId, "manager")).not.toBeNull();
    });

    it("creates custom roles from registered permissions only; wildcards must name registered codes; keys come from names", async () => {
      const { teamId, owner } = await team();
      const created = await roles().create(teamId, owner.id, {
        name: "Content Editors!",
        permissions: ["acme.rolestest.*", "gatehouse.team.read", "gatehouse.team.read"],
      });
      expect(created).toMatchObject({
        outcome: "created",
        role: {
          key: "content-editors",
          name: "Content Editors!",
          permissions: ["acme.rolestest.*", "gatehouse.team.read"],
          builtIn: false,
        },
      });
      if (created.outcome !== "created") return;
      // what tokens would carry: the resolved codes
      const view = await roles().list(teamId, owner.id);
      expect(view.outcome === "ok" && view.roles.find((r) => r.id === created.role.id)!.resolved).toEqual([
        "acme.rolestest.post.read",
        "acme.rolestest.post.update",
        "gatehouse.team.read",
      ]);

      const cases: [string[], RegExp][] = [
        [["acme.rolestest.post.delete"], /"acme\.rolestest\.post\.delete" is not a registered permission/],
        [["nothing.registered.*"], /"nothing\.registered\.\*" is not a registered permission/],
        [["Acme Blog"], /is not a permission code or wildcard/],
        [["acme..x"], /is not a permission code or wildcard/],
        [["*"], /Only the Owner role holds every permission/],
        [["gatehouse.admin.users.manage"], /system roles/],
        [["gatehouse.*"], /system roles/],
      ];
      for (const [permissions, message] of cases) {
        const result = await roles().create(teamId, owner.id, { name: `Bad ${permissions[0]}`, permissions });
        expect(result, permissions[0]).toMatchObject({ outcome: "invalid", field: "permissions", message: expect.stringMatching(message) });
      }
      expect(await roles().create(teamId, owner.id, { name: "content editors", permissions: [] })).toMatchObject({
        outcome: "invalid",
        field: "name",
        message: expect.stringContaining("already has a role"),
      });
      expect((await roles().create(teamId, owner.id, { name: "Manager", permissions: [] })).outcome).toBe("invalid");
      expect((await roles().create(teamId, owner.id, { name: "!!", permissions: [] })).outcome).toBe("invalid");
      expect((await t.app.queries.teams.roles(teamId)).map((r) => r.key).sort()).toEqual([
        "content-editors",
        "developer",
        "manager",
        "owner",
      ]);
      const audit = await t.app.queries.auditEvents.listByType("team.role.created", 200);
      expect(audit.some((e) => e.actorId === owner.id && (e.data as { teamId?: string }).teamId === teamId)).toBe(true);
    });

    it("a role in use cannot be deleted until its members are moved", async () => {
      const {
        teamId,
        owner,
        members: [member],
      } = await team("developer");
      const created = await roles().create(teamId, owner.id, { name: "Reviewers", permissions: ["gatehouse.team.read"] });
      if (created.outcome !== "created") throw new Error("not created");
      expect((await t.app.services.teamMembers.changeRole(teamId, owner.id, member!.id, created.role.id)).outcome).toBe("changed");
      const refused = await roles().remove(teamId, owner.id, created.role.id);
      expect(refused).toMatchObject({ outcome: "forbidden", message: expect.stringContaining("1 member has the role Reviewers") });
      expect(await t.app.queries.teams.role(teamId, created.role.id)).not.toBeNull();
      const developer = (await t.app.queries.teams.roleByKey(teamId, "developer"))!;
      await t.app.services.teamMembers.changeRole(teamId, owner.id, member!.id, developer.id);
      expect((await roles().remove(teamId, owner.id, created.role.id)).outcome).toBe("deleted");
      expect(await t.app.queries.teams.role(teamId, created.role.id)).toBeNull();
    });

    it("a Manager cannot create or edit a role beyond their own permissions; the Owner can", async () => {
      const {
        teamId,
        owner,
        members: [manager],
      } = await team("manager");
      const billing = await roles().create(teamId, manager!.id, { name: "Billing", permissions: ["gatehouse.team.billing.manage"] });
      expect(billing).toMatchObject({ outcome: "forbidden", message: expect.stringContaining("gatehouse.team.billing.manage") });
      // a wildcard resolves to billing too
      expect((await roles().create(teamId, manager!.id, { name: "All team", permissions: ["gatehouse.team.*"] })).outcome).toBe(
        "forbidden",
      );
      // a plugin's codes the Manager role does not hold
      expect((await roles().create(teamId, manager!.id, { name: "Posts", permissions: ["acme.rolestest.post.update"] })).outcome).toBe(
        "forbidden",
      );
      const within = await roles().create(teamId, manager!.id, {
        name: "Helpers",
        permissions: ["gatehouse.team.read", "gatehouse.team.invitations.manage"],
      });
      expect(within.outcome).toBe("created");
      const developer = (await t.app.queries.teams.roleByKey(teamId, "developer"))!;
      const widened = await roles().update(teamId, manager!.id, developer.id, {
        name: "Developer",
        permissions: [...developer.permissions, "gatehouse.team.billing.manage"],
      });
      expect(widened.outcome).toBe("forbidden");
      // their own role cannot grow either
      const managerRole = (await t.app.queries.teams.roleByKey(teamId, "manager"))!;
      expect(
        (
          await roles().update(teamId, manager!.id, managerRole.id, {
            name: "Manager",
            permissions: [...managerRole.permissions, "gatehouse.team.billing.manage"],
          })
        ).outcome,
      ).toBe("forbidden");
      expect((await t.app.queries.teams.roleByKey(teamId, "manager"))!.permissions).toEqual(managerRole.permissions);
      expect((await roles().create(teamId, owner.id, { name: "Billing", permissions: ["gatehouse.team.billing.manage"] })).outcome).toBe(
        "created",
      );
    });

    it("a Manager cannot assign a role with more than their own, to a member or an invitation, nor touch the Owner", async () => {
      const {
        teamId,
        owner,
        members: [manager, developer],
      } = await team("manager", "developer");
      const created = await roles().create(teamId, owner.id, {
        name: "Finance",
        permissions: ["gatehouse.team.billing.manage", "gatehouse.team.read"],
      });
      if (created.outcome !== "created") throw new Error("not created");
      const finance = created.role;
      expect(await t.app.services.teamMembers.changeRole(teamId, manager!.id, developer!.id, finance.id)).toMatchObject({
        outcome: "forbidden",
        message: expect.stringContaining("Finance"),
      });
      expect((await roleOf(teamId, developer!.id)).key).toBe("developer");
      const invited = await t.app.services.invitations.invite(teamId, manager!.id, { email: uniqueEmail("fin"), roleId: finance.id });
      expect(invited.outcome).toBe("forbidden");
      expect((await roles().assignable(teamId, manager!.id)).map((r) => r.key).sort()).toEqual(["developer", "manager"]);
      expect((await roles().assignable(teamId, owner.id)).map((r) => r.key).sort()).toEqual(["developer", "finance", "manager"]);

      // the Owner's role and the Owner role itself are out of reach, for the Owner too
      const ownerRole = (await t.app.queries.teams.roleByKey(teamId, "owner"))!;
      const developerRole = (await t.app.queries.teams.roleByKey(teamId, "developer"))!;
      expect((await t.app.services.teamMembers.changeRole(teamId, manager!.id, owner.id, developerRole.id)).outcome).toBe("forbidden");
      expect((await t.app.services.teamMembers.changeRole(teamId, manager!.id, developer!.id, ownerRole.id)).outcome).toBe("forbidden");
      expect(await t.app.services.teamMembers.changeRole(teamId, owner.id, developer!.id, ownerRole.id)).toMatchObject({
        outcome: "forbidden",
        message: expect.stringContaining("exactly one Owner"),
      });
      expect((await t.app.services.invitations.invite(teamId, owner.id, { email: uniqueEmail("own"), roleId: ownerRole.id })).outcome).toBe(
        "forbidden",
      );
      // and the guarded query refuses a second Owner whoever calls it
      expect(await t.app.queries.teams.setNonOwnerRole(teamId, owner.id, developerRole.id)).toBe(false);
      const owners = (await t.app.queries.teams.members(teamId)).filter((m) => m.role.key === "owner");
      expect(owners.map((m) => m.userId)).toEqual([owner.id]);
    });

    it("members without gatehouse.team.roles.manage cannot change roles; non-members see nothing", async () => {
      const {
        teamId,
        members: [developer],
      } = await team("developer");
      expect((await roles().create(teamId, developer!.id, { name: "Mine", permissions: [] })).outcome).toBe("forbidden");
      const stranger = await t.createUser();
      expect((await roles().create(teamId, stranger.id, { name: "Mine", permissions: [] })).outcome).toBe("not_found");
      expect((await roles().list(teamId, stranger.id)).outcome).toBe("not_found");
      // another team's role through this team is not found
      const other = await team();
      const foreign = (await t.app.queries.teams.roleByKey(other.teamId, "developer"))!;
      const { owner } = await team();
      const mine = (await t.app.services.teams.membershipsOf(owner.id))[0]!.teamId;
      expect((await roles().update(mine, owner.id, foreign.id, { name: "Hijack", permissions: [] })).outcome).toBe("not_found");
      expect((await roles().remove(mine, owner.id, foreign.id)).outcome).toBe("not_found");
    });
  });

  describe("pages", () => {
    async function signIn(user: { email: string; password: string }, returnTo: string): Promise<{ browser: TestBrowser; page: Page }> {
      const browser = new TestBrowser(t.url);
      const login = await browser.go(`${t.url}/login?return_to=${encodeURIComponent(returnTo)}`);
      const page = await browser.submit(login, "/login", { identifier: user.email, password: user.password });
      return { browser, page };
    }
    /** posts a form with repeated fields (checkboxes), as a browser would */
    async function post(
      browser: TestBrowser,
      page: Page,
      actionPart: string,
      pairs: [string, string][],
      opts: { csrf?: string } = {},
    ): Promise<Page> {
      const form = parseForms(page.html, page.url).find((f) => f.action.includes(actionPart));
      if (!form) throw new Error(`no form ${actionPart} on ${page.url}`);
      const body = new URLSearchParams(Object.entries({ ...form.fields, ...(opts.csrf !== undefined ? { _csrf: opts.csrf } : {}) }));
      for (const [k, v] of pairs) body.append(k, v);
      return browser.go(form.action, {
        init: { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url }, body: body.toString() },
      });
    }

    it("lists roles with a permission matrix grouped by tab and creates a role; bad input and CSRF change nothing", async () => {
      const {
        teamId,
        slug,
        members: [manager],
      } = await team("manager");
      const { browser, page } = await signIn(manager!, `/account/teams/${slug}/roles`);
      expect(page.url).toBe(`${t.url}/account/teams/${slug}/roles`);
      expect(page.status).toBe(200);
      for (const text of [
        "Owner",
        "Manager",
        "Developer",
        "Every permission",
        "<legend>Team</legend>",
        "<legend>Billing</legend>",
        "<legend>Role test</legend>",
        'value="gatehouse.team.read"',
      ])
        expect(page.html).toContain(text);
      expect(page.html).not.toContain("gatehouse.admin.");
      // what the Manager cannot grant is shown disabled
      expect(page.html).toMatch(/value="gatehouse\.team\.billing\.manage"[^>]*disabled/);

      const created = await post(browser, page, `/account/teams/${slug}/roles`, [
        ["name", "Support"],
        ["permissions", "gatehouse.team.read"],
        ["permissions", "gatehouse.team.invitations.manage"],
      ]);
      expect(created.status).toBe(200);
      expect(created.html).toContain("The role Support was created.");
      const support = await t.app.queries.teams.roleByKey(teamId, "support");
      expect(support!.permissions).toEqual(["gatehouse.team.invitations.manage", "gatehouse.team.read"]);

      const unknown = await post(browser, page, `/account/teams/${slug}/roles`, [
        ["name", "Ghosts"],
        ["wildcards", "acme.nothing.here"],
      ]);
      expect(unknown.status).toBe(400);
      expect(unknown.html).toContain("&quot;acme.nothing.here&quot; is not a registered permission.");
      expect(unknown.html).toContain('value="Ghosts"');
      const beyond = await post(browser, page, `/account/teams/${slug}/roles`, [
        ["name", "Payers"],
        ["permissions", "gatehouse.team.billing.manage"],
      ]);
      expect(beyond.status).toBe(403);
      expect(beyond.html).toContain("You cannot grant permissions your own role does not have");
      const forged = await post(browser, page, `/account/teams/${slug}/roles`, [["name", "Forged"]], { csrf: "forged" });
      expect(forged.status).toBe(403);
      expect((await t.app.queries.teams.roles(teamId)).map((r) => r.key).sort()).toEqual(["developer", "manager", "owner", "support"]);
    });

    it("edits a role, refuses the Owner, and deletes an unused custom role after a confirmation; one in use is refused", async () => {
      const {
        teamId,
        slug,
        owner,
        members: [developer],
      } = await team("developer");
      const { browser } = await signIn(owner, `/account/teams/${slug}/roles`);
      const ownerRole = (await t.app.queries.teams.roleByKey(teamId, "owner"))!;
      const ownerPage = await browser.go(`${t.url}/account/teams/${slug}/roles/${ownerRole.id}`);
      expect(ownerPage.html).toContain("cannot be renamed, edited or deleted");
      expect(parseForms(ownerPage.html, ownerPage.url).some((f) => f.action.includes(`/roles/${ownerRole.id}`))).toBe(false);
      // a forged edit of Owner (the form is not offered) is refused
      const listPage = await browser.go(`${t.url}/account/teams/${slug}/roles`);
      const csrf = parseForms(listPage.html, listPage.url)[0]!.fields._csrf!;
      const forced = await browser.go(`${t.url}/account/teams/${slug}/roles/${ownerRole.id}`, {
        init: {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url },
          body: new URLSearchParams({ _csrf: csrf, name: "Boss" }).toString(),
        },
      });
      expect(forced.status).toBe(403);
      expect((await t.app.queries.teams.roleByKey(teamId, "owner"))!.name).toBe("Owner");

      const developerRole = (await t.app.queries.teams.roleByKey(teamId, "developer"))!;
      const edit = await browser.go(`${t.url}/account/teams/${slug}/roles/${developerRole.id}`);
      expect(edit.html).toContain("built in: it can be edited but not deleted");
      const saved = await post(browser, edit, `/roles/${developerRole.id}`, [
        ["name", "Builder"],
        ["permissions", "gatehouse.team.read"],
        ["wildcards", "acme.rolestest.*"],
      ]);
      expect(saved.html).toContain("The role Builder was saved.");
      expect(await t.app.queries.teams.role(teamId, developerRole.id)).toMatchObject({
        key: "developer",
        name: "Builder",
        permissions: ["acme.rolestest.*", "gatehouse.team.read"],
      });

      const created = await roles().create(teamId, owner.id, { name: "Temp", permissions: [] });
      const used = await roles().create(teamId, owner.id, { name: "Used", permissions: [] });
      if (created.outcome !== "created" || used.outcome !== "created") throw new Error("not created");
      await t.app.services.teamMembers.changeRole(teamId, owner.id, developer!.id, used.role.id);
      const usedPage = await browser.go(`${t.url}/account/teams/${slug}/roles/${used.role.id}`);
      expect(usedPage.html).toContain("1 member has this role");
      const refused = await browser.go(`${t.url}/account/teams/${slug}/roles/${used.role.id}/delete`, {
        init: {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url },
          body: new URLSearchParams({ _csrf: csrf, confirm: "yes" }).toString(),
        },
      });
      expect(refused.status).toBe(403);
      expect(refused.html).toContain("Give them another role first");
      expect(await t.app.queries.teams.role(teamId, used.role.id)).not.toBeNull();

      const tempPage = await browser.go(`${t.url}/account/teams/${slug}/roles/${created.role.id}`);
      const confirm = await browser.submit(tempPage, `/roles/${created.role.id}/delete`, {});
      expect(confirm.html).toContain("Delete the role Temp?");
      expect(await t.app.queries.teams.role(teamId, created.role.id)).not.toBeNull(); // the first step changes nothing
      const deleted = await browser.submit(confirm, `/roles/${created.role.id}/delete`, {});
      expect(deleted.html).toContain("The role Temp was deleted.");
      expect(await t.app.queries.teams.role(teamId, created.role.id)).toBeNull();
    });

    it("a Developer sees the roles but no editor; non-members get 404 and never another team's data", async () => {
      const {
        slug,
        teamId,
        members: [developer],
      } = await team("developer");
      const { browser, page } = await signIn(developer!, `/account/teams/${slug}/roles`);
      expect(page.status).toBe(200);
      expect(page.html).not.toContain("Create role");
      const csrf =
        parseForms((await browser.go(`${t.url}/account/teams/${slug}`)).html, t.url).find((f) => f.fields._csrf)?.fields._csrf ?? "";
      const managerRole = (await t.app.queries.teams.roleByKey(teamId, "manager"))!;
      expect((await browser.go(`${t.url}/account/teams/${slug}/roles/${managerRole.id}`)).status).toBe(403);
      const post = await browser.go(`${t.url}/account/teams/${slug}/roles`, {
        init: {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url },
          body: new URLSearchParams({ _csrf: csrf, name: "Mine" }).toString(),
        },
      });
      expect(post.status).toBe(403);
      expect(await t.app.queries.teams.roleByKey(teamId, "mine")).toBeNull();

      const other = await team();
      const stranger = await browser.go(`${t.url}/account/teams/${other.slug}/roles`);
      expect(stranger.status).toBe(404);
      expect(stranger.html).not.toContain(`Roles ${n}`);
      const missing = await browser.go(`${t.url}/account/teams/no-such-team-${n}/roles`);
      expect(missing.status).toBe(404);
      // a team that exists and one that does not look the same to a non-member
      for (const p of [stranger, missing]) expect(p.html).toContain("There is no such team, or you are not one of its members.");
      const foreignRole = (await t.app.queries.teams.roleByKey(other.teamId, "developer"))!;
      const ownerSession = await signIn(other.owner, `/account/teams/${slug}`);
      expect(ownerSession.page.status).toBe(404);
      expect((await ownerSession.browser.go(`${t.url}/account/teams/${other.slug}/roles/${foreignRole.id}`)).status).toBe(200);
      const { owner: mineOwner, slug: mineSlug } = await team();
      const mineSession = await signIn(mineOwner, `/account/teams/${mineSlug}/roles/${foreignRole.id}`);
      expect(mineSession.page.status).toBe(404);
    });
  });
});
