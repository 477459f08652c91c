// A team service's refusal with values (#13): the service refuses with a message key and its values, so a German
// team page says it in German with the value in place, while the REST API answers the same refusal in English,
// word for word as before, whatever language the caller's Accept-Language asks for.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { teamWithMembers } from "../helpers/team-flow.ts";
import { startTeamApi, UA, type TeamApiHarness } from "../helpers/api.ts";
import { LanguageBrowser } from "../helpers/browser.ts";
import { openAccountPage } from "../helpers/sessions.ts";

describe("a team refusal with values: German on the page, English in the API", { timeout: 90_000 }, () => {
  let h: TeamApiHarness;
  beforeAll(async () => {
    h = await startTeamApi();
  });
  afterAll(async () => {
    await h?.close();
  });

  /** the API as `user`, its requests asking for German */
  const germanApi = async (user: { id: string; email: string; username: string; password: string }) => {
    const token = await h.tokenFor(user);
    return async (method: string, path: string, body: unknown) => {
      const res = await fetch(`${h.t.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          "accept-language": "de",
          "user-agent": UA,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as { code: string; message: string; data?: Record<string, unknown> } };
    };
  };

  it("a role name taken and an address already a member", async () => {
    const { teamId, slug, owner, members } = await teamWithMembers(h.t, "Words", "developer");
    const developer = members[0]!;
    const made = await h.t.app.services.teamRoles.create(teamId, owner.id, { name: "Redaktion", permissions: ["gatehouse.team.read"] });
    expect(made.outcome).toBe("created");

    const browser = new LanguageBrowser(h.t.url, "de-DE,de;q=0.9");
    const roles = await openAccountPage(browser, h.t.url, `/account/teams/${slug}/roles`, {
      identifier: owner.email,
      password: owner.password,
    });
    expect(roles.status).toBe(200);
    const taken = await browser.submit(roles, `/account/teams/${slug}/roles`, { name: "Redaktion", wildcards: "" });
    expect(taken.status).toBe(400);
    expect(taken.html).toContain("Dieses Team hat bereits eine Rolle namens „Redaktion“.");
    expect(taken.html).not.toContain("already has a role called");

    const invitations = await browser.go(`${h.t.url}/account/teams/${slug}/invitations`);
    const member = await browser.submit(invitations, `/account/teams/${slug}/invitations`, {
      email: developer.email,
      roleId: await h.roleId(teamId, "developer"),
    });
    expect(member.status).toBe(400);
    expect(member.html).toContain(`${developer.email} ist bereits Mitglied dieses Teams.`);

    const api = await germanApi(owner);
    const again = await api("POST", `/api/v1/teams/${teamId}/roles`, { name: "Redaktion", permissions: ["gatehouse.team.read"] });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe("request.invalid");
    expect(again.body.data?.field).toBe("name");
    expect(again.body.message).toBe('The request\'s body is not valid: name: This team already has a role called "Redaktion".');
    const invited = await api("POST", `/api/v1/teams/${teamId}/invitations`, {
      email: developer.email,
      roleId: await h.roleId(teamId, "developer"),
    });
    expect(invited.status).toBe(400);
    expect(invited.body.message).toBe(`The request's body is not valid: email: ${developer.email} is already a member of this team.`);
  });

  it("a role in use, refused on its page in German and in the API in English", async () => {
    const { teamId, slug, owner, members } = await teamWithMembers(h.t, "Words", "developer");
    const made = await h.t.app.services.teamRoles.create(teamId, owner.id, { name: "Lektorat", permissions: ["gatehouse.team.read"] });
    if (made.outcome !== "created") throw new Error("role not created");

    // the editor shows the delete form while nobody holds the role; then a member gets it
    const browser = new LanguageBrowser(h.t.url, "de");
    const edit = await openAccountPage(browser, h.t.url, `/account/teams/${slug}/roles/${made.role.id}`, {
      identifier: owner.email,
      password: owner.password,
    });
    expect(edit.status).toBe(200);
    await h.t.app.services.teamMembers.changeRole(teamId, owner.id, members[0]!.id, made.role.id);
    const refusedPage = await browser.submit(edit, `/roles/${made.role.id}/delete`, { confirm: "yes" });
    expect(refusedPage.status).toBe(403);
    expect(refusedPage.html).toContain("1 Mitglied hat die Rolle Lektorat. Geben Sie ihm zuerst eine andere Rolle.");
    expect(refusedPage.html).not.toContain("Give them another role first");

    const api = await germanApi(owner);
    const refused = await api("DELETE", `/api/v1/teams/${teamId}/roles/${made.role.id}`, undefined);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("permission.denied");
    expect(refused.body.message).toBe("1 member has the role Lektorat. Give them another role first.");
  });
});
