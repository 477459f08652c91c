// Team members through the service and the pages: role changes and removals need gatehouse.team.members.manage,
// are audited with actor, team and target, never touch the Owner; a removal revokes that team's grants (the
// refresh token of a sign-in for the team dies, one for another team lives); leaving as Owner is refused.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, parseForms, type Page } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";

const REDIRECT = "https://rp.example.test/members-cb";

describe("team members", () => {
  let t: TestApp;
  let rp: client.Configuration;

  beforeAll(async () => {
    t = await startTestApp();
    const { clientId, clientSecret } = await t.createClient({
      name: "Members RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty: true,
      grantTypes: ["authorization_code", "refresh_token"],
    });
    rp = await discover(t.url, clientId, clientSecret);
  });
  afterAll(async () => {
    await t?.close();
  });

  let n = 0;
  async function team(...roles: string[]) {
    const owner = await t.createUser();
    const slug = `members-${Date.now().toString(36)}-${++n}`;
    const created = await t.app.services.teams.createTeam(owner.id, { name: `Members ${n}`, slug });
    if (created.outcome !== "created") throw new Error("team not created");
    const members = [];
    for (const key of roles) members.push(await join(created.teamId, key));
    return { teamId: created.teamId, slug, owner, members };
  }
  async function join(teamId: string, roleKey: string, user?: Awaited<ReturnType<TestApp["createUser"]>>) {
    const member = user ?? (await t.createUser());
    const role = await t.app.queries.teams.roleByKey(teamId, roleKey);
    await t.app.queries.teams.addMember(teamId, member.id, role!.id);
    return member;
  }
  const roleKeyOf = async (teamId: string, userId: string) => (await t.app.queries.teams.membership(teamId, userId))?.role.key ?? null;
  const roleId = async (teamId: string, key: string) => (await t.app.queries.teams.roleByKey(teamId, key))!.id;
  const members = () => t.app.services.teamMembers;
  const info = { ip: "203.0.113.9", userAgent: "members-test" };

  describe("service", () => {
    it("changes a member's role and audits it with actor, team and target", async () => {
      const {
        teamId,
        members: [manager, developer],
      } = await team("manager", "developer");
      const result = await members().changeRole(teamId, manager!.id, developer!.id, await roleId(teamId, "manager"), info);
      expect(result).toMatchObject({ outcome: "changed", role: { key: "manager" } });
      expect(await roleKeyOf(teamId, developer!.id)).toBe("manager");
      const event = (await t.app.queries.auditEvents.listForUser(developer!.id)).find((e) => e.type === "team.member.role_changed");
      expect(event).toMatchObject({
        actorId: manager!.id,
        userId: developer!.id,
        ip: "203.0.113.9",
        data: { teamId, from: "developer", to: "manager" },
      });
      // the same role again changes nothing and records nothing
      expect((await members().changeRole(teamId, manager!.id, developer!.id, await roleId(teamId, "manager"))).outcome).toBe("unchanged");
      expect(
        (await t.app.queries.auditEvents.listForUser(developer!.id)).filter((e) => e.type === "team.member.role_changed"),
      ).toHaveLength(1);
    });

    it("needs gatehouse.team.members.manage; never changes or removes the Owner; unknown roles and members are refused", async () => {
      const {
        teamId,
        owner,
        members: [developer, other],
      } = await team("developer", "developer");
      expect((await members().changeRole(teamId, developer!.id, other!.id, await roleId(teamId, "manager"))).outcome).toBe("forbidden");
      expect((await members().remove(teamId, developer!.id, other!.id)).outcome).toBe("forbidden");
      const stranger = await t.createUser();
      expect((await members().changeRole(teamId, stranger.id, other!.id, await roleId(teamId, "manager"))).outcome).toBe("not_found");
      expect((await members().list(teamId, stranger.id)).outcome).toBe("not_found");
      expect(await roleKeyOf(teamId, other!.id)).toBe("developer");

      const manager = await join(teamId, "manager");
      expect(await members().changeRole(teamId, manager.id, owner.id, await roleId(teamId, "developer"))).toMatchObject({
        outcome: "forbidden",
        message: expect.stringContaining("ownership transfer"),
      });
      expect(await members().remove(teamId, manager.id, owner.id)).toMatchObject({
        outcome: "forbidden",
        message: expect.stringContaining("Owner cannot be removed"),
      });
      expect((await members().changeRole(teamId, owner.id, owner.id, await roleId(teamId, "manager"))).outcome).toBe("forbidden");
      expect(await roleKeyOf(teamId, owner.id)).toBe("owner");
      // another team's role, and someone who is not a member
      const other2 = await team();
      expect((await members().changeRole(teamId, manager.id, other!.id, await roleId(other2.teamId, "manager"))).outcome).toBe("invalid");
      expect((await members().changeRole(teamId, manager.id, stranger.id, await roleId(teamId, "manager"))).outcome).toBe("not_found");
      expect((await members().remove(teamId, manager.id, manager.id)).outcome).toBe("forbidden");
    });

    it("a role that may manage members still cannot touch a member whose role holds more; nor edit or delete such a role", async () => {
      const {
        teamId,
        owner,
        members: [manager, developer],
      } = await team("manager", "developer");
      const recruiter = await t.app.queries.teams.createRole(teamId, {
        key: "recruiter",
        name: "Recruiter",
        permissions: ["gatehouse.team.read", "gatehouse.team.members.manage", "gatehouse.team.roles.manage"],
      });
      const hr = await join(teamId, "recruiter");
      expect(recruiter.key).toBe("recruiter");
      // the Manager holds more than the Recruiter: no demotion, no removal
      expect((await members().changeRole(teamId, hr.id, manager!.id, await roleId(teamId, "developer"), info)).outcome).toBe("forbidden");
      expect((await members().remove(teamId, hr.id, manager!.id, info)).outcome).toBe("forbidden");
      expect(await roleKeyOf(teamId, manager!.id)).toBe("manager");
      // nor edit the Manager role down to nothing (which would demote every Manager at once)
      const managerRole = await t.app.queries.teams.roleByKey(teamId, "manager");
      expect(
        (
          await t.app.services.teamRoles.update(
            teamId,
            hr.id,
            managerRole!.id,
            { name: "Manager", permissions: ["gatehouse.team.read"] },
            info,
          )
        ).outcome,
      ).toBe("forbidden");
      expect((await t.app.queries.teams.roleByKey(teamId, "manager"))!.permissions).toEqual(managerRole!.permissions);
      // a member whose role is within the Recruiter's own is fine
      const custom = await t.app.queries.teams.createRole(teamId, { key: "viewer", name: "Viewer", permissions: ["gatehouse.team.read"] });
      expect((await members().changeRole(teamId, hr.id, developer!.id, custom.id, info)).outcome).toBe("changed");
      // the Owner is above all of it
      expect((await members().changeRole(teamId, owner.id, manager!.id, custom.id, info)).outcome).toBe("changed");
    });

    it("removing a member revokes that team's grants and tokens; their sign-in for another team keeps working", async () => {
      const a = await team("manager");
      const b = await team();
      const user = await join(a.teamId, "developer");
      await join(b.teamId, "developer", user);
      const forA = await loginWithCode(
        rp,
        new TestBrowser(t.url),
        REDIRECT,
        { identifier: user.email, password: user.password },
        { team: a.slug },
      );
      const forB = await loginWithCode(
        rp,
        new TestBrowser(t.url),
        REDIRECT,
        { identifier: user.email, password: user.password },
        { team: b.slug },
      );
      const grantOf = async (refresh: string) =>
        ((await new t.app.services.oidcStore("RefreshToken").find(refresh)) as { grantId: string }).grantId;
      const grantA = await grantOf(forA.tokens.refresh_token!);
      const grantB = await grantOf(forB.tokens.refresh_token!);
      expect(await t.app.services.oidcStore.grantTeam(grantA)).toBe(a.teamId);
      expect(await t.app.services.oidcStore.grantTeam(grantB)).toBe(b.teamId);

      const result = await members().remove(a.teamId, a.members[0]!.id, user.id, info);
      expect(result).toEqual({ outcome: "removed", revokedGrants: 1 });
      expect(await t.app.queries.teams.membership(a.teamId, user.id)).toBeNull();
      await expect(client.refreshTokenGrant(rp, forA.tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
      const refreshed = await client.refreshTokenGrant(rp, forB.tokens.refresh_token!);
      expect(refreshed.access_token).toBeTruthy();
      const event = (await t.app.queries.auditEvents.listForUser(user.id)).find((e) => e.type === "team.member.removed");
      expect(event).toMatchObject({
        actorId: a.members[0]!.id,
        userId: user.id,
        data: { teamId: a.teamId, role: "developer", revokedGrants: 1 },
      });
    });

    it("leaving: refused for the Owner until ownership is transferred; a member leaves, audited", async () => {
      const {
        teamId,
        owner,
        members: [developer],
      } = await team("developer");
      expect(await members().leave(teamId, owner.id)).toEqual({ outcome: "owner_must_transfer" });
      expect(await roleKeyOf(teamId, owner.id)).toBe("owner");
      expect(await members().leave(teamId, developer!.id, info)).toMatchObject({ outcome: "left" });
      expect(await t.app.queries.teams.membership(teamId, developer!.id)).toBeNull();
      expect((await t.app.queries.auditEvents.listForUser(developer!.id)).some((e) => e.type === "team.member.left")).toBe(true);
      const stranger = await t.createUser();
      expect(await members().leave(teamId, stranger.id)).toEqual({ outcome: "not_found" });
    });
  });

  describe("pages", () => {
    async function signIn(user: { email: string; password: string }, returnTo: string): Promise<{ browser: TestBrowser; page: Page }> {
      const browser = new TestBrowser(t.url);
      const login = await browser.go(`${t.url}/login?return_to=${encodeURIComponent(returnTo)}`);
      return { browser, page: await browser.submit(login, "/login", { identifier: user.email, password: user.password }) };
    }

    it("shows members with their roles; a Manager changes a role and removes a member after confirming", async () => {
      const {
        teamId,
        slug,
        owner,
        members: [manager, developer, leaving],
      } = await team("manager", "developer", "developer");
      const { browser, page } = await signIn(manager!, `/account/teams/${slug}`);
      expect(page.url).toBe(`${t.url}/account/teams/${slug}`);
      for (const u of [owner, manager!, developer!, leaving!]) expect(page.html).toContain(u.email);
      expect(page.html).toContain('Your role: <span class="badge badge-off">Manager</span>');
      // no controls for the Owner or for yourself
      const forms = parseForms(page.html, page.url).map((f) => f.action);
      expect(forms.some((a) => a.includes(`/members/${owner.id}/`))).toBe(false);
      expect(forms.some((a) => a.includes(`/members/${manager!.id}/`))).toBe(false);

      const changed = await browser.submit(page, `/members/${developer!.id}/role`, { roleId: await roleId(teamId, "manager") });
      expect(changed.status).toBe(200);
      expect(changed.html).toContain("The role was changed to Manager.");
      expect(await roleKeyOf(teamId, developer!.id)).toBe("manager");

      const bad = await browser.submit(page, `/members/${developer!.id}/role`, { roleId: "not-a-role" });
      expect(bad.status).toBe(400);
      expect(bad.html).toContain("Choose one of this team&#39;s roles.");
      const owned = await browser.submit(page, `/members/${developer!.id}/role`, { roleId: await roleId(teamId, "owner") });
      expect(owned.status).toBe(403);
      expect(owned.html).toContain("exactly one Owner");
      const forged = await browser.submit(page, `/members/${developer!.id}/role`, {
        roleId: await roleId(teamId, "developer"),
        _csrf: "forged",
      });
      expect(forged.status).toBe(403);
      expect(await roleKeyOf(teamId, developer!.id)).toBe("manager");

      const confirm = await browser.submit(page, `/members/${leaving!.id}/remove`, {});
      expect(confirm.html).toContain(`Remove ${leaving!.username}`);
      expect(await roleKeyOf(teamId, leaving!.id)).toBe("developer"); // the first step changes nothing
      const removed = await browser.submit(confirm, `/members/${leaving!.id}/remove`, {});
      expect(removed.html).toContain(`${leaving!.username} was removed from the team.`);
      expect(await roleKeyOf(teamId, leaving!.id)).toBeNull();
      expect(removed.html).not.toContain(leaving!.email);
    });

    it("a Developer sees the members but no controls and their POSTs are refused; non-members get 404", async () => {
      const {
        teamId,
        slug,
        members: [developer, other],
      } = await team("developer", "developer");
      const { browser, page } = await signIn(developer!, `/account/teams/${slug}`);
      expect(page.status).toBe(200);
      expect(page.html).toContain(other!.email);
      expect(parseForms(page.html, page.url).some((f) => f.action.includes("/members/"))).toBe(false);
      const csrf = /name="_csrf" value="([^"]+)"/.exec((await browser.go(`${t.url}/account/teams/${slug}/roles`)).html)?.[1];
      const forced = await browser.go(`${t.url}/account/teams/${slug}/members/${other!.id}/remove`, {
        init: {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url },
          body: new URLSearchParams({ _csrf: csrf ?? "", confirm: "yes" }).toString(),
        },
      });
      expect(forced.status).toBe(403);
      expect(await roleKeyOf(teamId, other!.id)).toBe("developer");

      const elsewhere = await team("developer");
      const stranger = await browser.go(`${t.url}/account/teams/${elsewhere.slug}`);
      expect(stranger.status).toBe(404);
      expect(stranger.html).not.toContain(elsewhere.owner.email);
      // a member with a role without gatehouse.team.read gets 403
      const bare = await t.app.services.teamRoles.create(
        teamId,
        (await t.app.queries.teams.members(teamId)).find((m) => m.role.key === "owner")!.userId,
        { name: "Bare", permissions: [] },
      );
      if (bare.outcome !== "created") throw new Error("not created");
      await t.app.queries.teams.setNonOwnerRole(teamId, other!.id, bare.role.id);
      const otherSession = await signIn(other!, `/account/teams/${slug}`);
      expect(otherSession.page.status).toBe(403);
      // signed out: to the sign-in page and back
      const res = await new TestBrowser(t.url).request(`${t.url}/account/teams/${slug}`);
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe(`/login?return_to=${encodeURIComponent(`/account/teams/${slug}`)}`);
    });
  });
});
