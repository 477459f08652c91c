// Control and invisible characters in names, through every surface that takes a name, against a real
// Gatehouse and a real SMTP sink: a display name on the profile page (the one that put "Bcc:" lines into the
// invitations its owner sent), a team name at registration, team role names and system role names through the
// REST API, client names through the admin API, and the name column of a user import. Each is refused with a
// 400 whose message names the field, and nothing is stored or sent.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { uniqueEmail } from "../helpers/test-app.ts";
import { TestBrowser, type Page } from "../helpers/browser.ts";
import { teamWithMembers } from "../helpers/team-flow.ts";
import { startTeamApi, type TeamApiHarness } from "../helpers/api.ts";

const INJECTION = "\r\nBcc: x@evil.test";
const RULE = "cannot contain line breaks or invisible control characters.";
/** CR/LF, a C1 control (NEL), a right-to-left override, a zero-width space, a line separator */
const HIDDEN = [INJECTION, "\u0085Bcc: x@evil.test", "\u202Etset.live", "\u200B", "\u2028Bcc: x@evil.test"];

describe("names with control or invisible characters", () => {
  let h: TeamApiHarness;
  beforeAll(async () => {
    h = await startTeamApi();
  });
  afterAll(async () => {
    await h?.close();
  });

  async function signIn(browser: TestBrowser, identifier: string, password: string): Promise<Page> {
    const login = await browser.go(`${h.t.url}/login?return_to=${encodeURIComponent("/account/profile")}`);
    return browser.submit(login, "/login", { identifier, password });
  }

  it("the profile page refuses such a display name and keeps the old one; invitations quote the name on one line", async () => {
    const { teamId, name: teamName, owner } = await teamWithMembers(h.t, "Names");
    const browser = new TestBrowser(h.t.url);
    const profile = await signIn(browser, owner.email, owner.password);
    expect((await browser.submit(profile, "/account/profile/name", { name: "Ann Owner" })).status).toBe(200);
    for (const suffix of HIDDEN) {
      const page = await browser.submit(profile, "/account/profile/name", { name: `Ann Owner${suffix}` });
      expect(page.status, JSON.stringify(suffix)).toBe(400);
      expect(page.html).toContain(`Your name ${RULE}`);
    }
    expect((await h.t.app.queries.users.findById(owner.id))!.name).toBe("Ann Owner");

    const invitee = uniqueEmail("invitee");
    const before = h.sink.messages.length;
    const sent = await (
      await h.as(owner)
    )("POST", `/api/v1/teams/${teamId}/invitations`, { email: invitee, roleId: await h.roleId(teamId, "developer") });
    expect(sent.status).toBe(201);
    const mail = await h.sink.waitFor((m) => m.to.includes(invitee) && h.sink.messages.indexOf(m) >= before);
    expect(mail.to).toEqual([invitee]);
    expect(mail.text).toContain(`Ann Owner invited you to join the team ${teamName} on Gatehouse as Developer.`);
    expect(mail.text).not.toMatch(/^(Bcc|Subject):/m);
  });

  it("registration refuses such a team name: no account, no team, no email", async () => {
    const teamsBefore = await h.t.app.db.prisma.team.count();
    for (const suffix of HIDDEN) {
      const email = uniqueEmail("reg");
      const browser = new TestBrowser(h.t.url);
      const sentBefore = h.sink.messages.length;
      const page = await browser.submit(await browser.go(`${h.t.url}/register`), "/register", {
        username: `u${Math.random().toString(36).slice(2, 10)}`,
        email,
        password: "quiet lantern over the marsh",
        team_name: `Acme${suffix}`,
      });
      expect(page.status, JSON.stringify(suffix)).toBe(400);
      expect(page.html).toContain(`Team names ${RULE}`);
      expect(await h.t.app.db.prisma.user.findFirst({ where: { email } })).toBeNull();
      await new Promise((r) => setTimeout(r, 50));
      expect(h.sink.messages.slice(sentBefore).filter((m) => m.to.includes(email))).toEqual([]);
    }
    expect(await h.t.app.db.prisma.team.count()).toBe(teamsBefore);
  });

  it("the team roles API refuses such a role name, new or renamed (400 naming the field); nothing changes", async () => {
    const { teamId, owner } = await teamWithMembers(h.t, "Roles");
    const call = await h.as(owner);
    const made = await call("POST", `/api/v1/teams/${teamId}/roles`, { name: "Support", permissions: [] });
    expect(made.status).toBe(201);
    const rolesBefore = await h.t.app.queries.teams.roles(teamId);
    for (const suffix of HIDDEN) {
      for (const [method, path] of [
        ["POST", `/api/v1/teams/${teamId}/roles`],
        ["PATCH", `/api/v1/teams/${teamId}/roles/${made.body.id as string}`],
      ] as const) {
        const res = await call(method, path, { name: `Helpdesk${suffix}`, permissions: [] });
        expect(res.status, `${method} ${JSON.stringify(suffix)}`).toBe(400);
        expect(res.body).toMatchObject({ code: "request.invalid", data: { field: "name" } });
        expect(res.body.message).toContain(`Role names ${RULE}`);
      }
    }
    expect(await h.t.app.queries.teams.roles(teamId)).toEqual(rolesBefore);
  });

  it("the system roles API refuses such a role name, new or renamed (400 naming the field); nothing changes", async () => {
    const admin = await h.admin(["gatehouse.admin.roles.manage", "gatehouse.admin.users.read"]);
    const call = await h.as(admin);
    const key = `names_${Date.now().toString(36)}`;
    expect(
      (await call("POST", "/api/v1/system-roles", { key, name: "Helpdesk", permissions: ["gatehouse.admin.users.read"] })).status,
    ).toBe(201);
    for (const suffix of HIDDEN) {
      const created = await call("POST", "/api/v1/system-roles", {
        key: `${key}_x`,
        name: `Helpdesk${suffix}`,
        permissions: ["gatehouse.admin.users.read"],
      });
      const renamed = await call("PATCH", `/api/v1/system-roles/${key}`, { name: `Helpdesk${suffix}` });
      for (const res of [created, renamed]) {
        expect(res.status, JSON.stringify(suffix)).toBe(400);
        expect(res.body).toMatchObject({ code: "request.invalid", data: { field: "name" } });
        expect(res.body.message).toContain(`Role names ${RULE}`);
      }
    }
    expect(await h.t.app.services.systemRoles.get(`${key}_x`)).toBeNull();
    expect((await h.t.app.services.systemRoles.get(key))!.name).toBe("Helpdesk");
  });

  it("the admin clients API refuses such a client name, new or renamed (400 on the name); nothing changes", async () => {
    const call = await h.as(await h.admin(["gatehouse.admin.clients.manage"]));
    const made = await call("POST", "/api/v1/clients", {
      name: "Billing",
      type: "confidential",
      redirectUris: ["https://billing.example.test/cb"],
    });
    expect(made.status).toBe(201);
    const clientId = (made.body.client as { id: string }).id;
    const before = await h.t.app.services.clients.list();
    for (const suffix of HIDDEN) {
      const created = await call("POST", "/api/v1/clients", {
        name: `Billing${suffix}`,
        type: "confidential",
        redirectUris: ["https://billing.example.test/cb"],
      });
      const renamed = await call("PATCH", `/api/v1/clients/${clientId}`, { name: `Billing${suffix}` });
      for (const res of [created, renamed]) {
        expect(res.status, JSON.stringify(suffix)).toBe(400);
        expect(res.body.code).toBe("request.invalid");
        expect(res.body.data!.issues).toEqual([expect.objectContaining({ path: ["body", "name"], message: `Client names ${RULE}` })]);
      }
    }
    expect(await h.t.app.services.clients.list()).toEqual(before);
  });

  it("a user import refuses such a name, by line and column; nothing is created", async () => {
    const email = uniqueEmail("imported");
    const rows = HIDDEN.map((suffix, i) => ({ line: i + 2, email: i ? uniqueEmail("imported") : email, name: `Ann Lee${suffix}` }));
    const result = await h.t.app.services.userAdmin.import.run(rows, { dryRun: false, sendResets: false }, { actorId: "cli" });
    expect(result).toEqual({
      outcome: "invalid",
      valid: 0,
      errors: rows.map((r) => ({ line: r.line, column: "name", reason: "cannot contain line breaks or invisible control characters" })),
    });
    expect(await h.t.app.db.prisma.user.findFirst({ where: { email } })).toBeNull();
  });
});
