// An administrator requires a second factor of a team or a system role (the admin API, services.mfaRequirements):
// a member without one sets up TOTP as a step of the next sign-in (flows/login/enrol.ts) before it finishes: the
// setup page, a wrong code refused, the backup codes once, Continue to the relying party; the next sign-in asks
// for the code. The API refuses bad input, unknown targets and callers without the permission, changing nothing.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startAdminApi, API_REDIRECT } from "../helpers/api.ts";
import { TestBrowser, type Page } from "../helpers/browser.ts";
import { authorizationRequest, manualClock, totpCode, type ManualClock } from "../helpers/totp-login.ts";
import { addMember, createTeam } from "../helpers/team-flow.ts";
import { openAccountPage } from "../helpers/sessions.ts";
import { gatehouseCli } from "../helpers/cli.ts";

type Admin = Awaited<ReturnType<typeof startAdminApi>>;

describe("admin-required MFA forces enrolment at sign-in", { timeout: 120_000 }, () => {
  let a: Admin;
  let clock: ManualClock;
  let superToken: string;

  beforeAll(async () => {
    clock = manualClock();
    a = await startAdminApi({}, { clock });
    superToken = (await a.roleUser("super_admin")).token;
  });
  afterAll(async () => {
    await a?.t.close();
  });

  async function signIn(user: { email: string; password: string }): Promise<{ browser: TestBrowser; page: Page }> {
    const browser = new TestBrowser(a.t.url);
    const req = await authorizationRequest(a.rp, API_REDIRECT);
    const login = await browser.go(req.url, { stopAt: API_REDIRECT });
    const page = await browser.submit(login, "/login", { identifier: user.email, password: user.password }, { stopAt: API_REDIRECT });
    return { browser, page };
  }

  it("the team flag: set and read through the API; bad input, an unknown team and a caller without the permission change nothing", async () => {
    const owner = await a.t.createUser();
    const team = await createTeam(a.t, owner.id);
    const path = `/api/v1/teams/${team.id}/mfa-required`;
    expect((await a.call("GET", path, superToken)).body).toEqual({ required: false });
    expect((await a.call("PUT", path, superToken, { required: "yes" })).status).toBe(400);
    expect((await a.call("PUT", `/api/v1/teams/not-a-team/mfa-required`, superToken, { required: true })).status).toBe(404);
    expect((await a.call("PUT", path, await a.apiToken(owner), { required: true })).status).toBe(403);
    expect((await a.call("GET", path, superToken)).body).toEqual({ required: false });
    const set = await a.call("PUT", path, superToken, { required: true });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ required: true });
    expect(await a.t.app.db.prisma.auditEvent.count({ where: { type: "team.mfa_required_changed" } })).toBe(1);
  });

  it("a team member without a second factor sets up TOTP before the sign-in finishes; the next sign-in asks for the code", async () => {
    const owner = await a.t.createUser();
    const team = await createTeam(a.t, owner.id);
    const member = await a.t.createUser();
    await addMember(a.t, team, member.id);
    expect((await a.call("PUT", `/api/v1/teams/${team.id}/mfa-required`, superToken, { required: true })).status).toBe(200);

    const { browser, page } = await signIn(member);
    expect(page.url).toMatch(/\/enrol$/);
    const secret = /data-totp-secret>([A-Z2-7 ]+)</.exec(page.html)![1]!.replaceAll(" ", "");
    const wrong = await browser.submit(
      page,
      "/enrol",
      { code: (await totpCode(secret, clock.epoch())) === "000000" ? "111111" : "000000" },
      { stopAt: API_REDIRECT },
    );
    expect(wrong.status).toBe(400);
    expect(wrong.html).toContain("That code is not right");
    const codes = await browser.submit(page, "/enrol", { code: await totpCode(secret, clock.epoch()) }, { stopAt: API_REDIRECT });
    expect(codes.html).toContain("data-backup-codes");
    const done = await browser.submit(codes, "/enrol/continue", {}, { stopAt: API_REDIRECT });
    expect(done.url.startsWith(API_REDIRECT)).toBe(true);
    const row = await a.t.app.db.prisma.user.findUniqueOrThrow({ where: { id: member.id } });
    expect(row.totpSecretEncrypted).not.toBeNull();
    expect(await a.t.app.db.prisma.auditEvent.count({ where: { userId: member.id, type: "login.enrolment_required" } })).toBe(1);
    expect(await a.t.app.db.prisma.auditEvent.count({ where: { userId: member.id, type: "two_factor.enabled", outcome: "success" } })).toBe(
      1,
    );

    clock.advance(30);
    const next = await signIn(member);
    expect(next.page.url).toMatch(/\/totp$/);
  });

  it("the admin pages: the team page and the system role page switch the flag (CSRF required)", async () => {
    const admin = await a.systemRoleUser("super_admin");
    const browser = new TestBrowser(a.t.url);
    await openAccountPage(browser, a.t.url, "/admin/teams", { identifier: admin.email, password: admin.password });
    const owner = await a.t.createUser();
    const team = await createTeam(a.t, owner.id);
    const teamPage = await browser.go(`${a.t.url}/admin/teams/${team.id}`);
    expect(teamPage.html).toContain("Require a second factor");
    const forged = await browser.go(`${a.t.url}/admin/teams/${team.id}/mfa-required`, {
      init: {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: a.t.url },
        body: "required=1&_csrf=nope",
      },
    });
    expect(forged.status).toBe(403);
    expect(await a.t.app.services.mfaRequirements.teamFlag(team.id)).toBe(false);
    const on = await browser.submit(teamPage, `/admin/teams/${team.id}/mfa-required`, {});
    expect(on.html).toContain("Members of this team must now have a second factor");
    expect(await a.t.app.services.mfaRequirements.teamFlag(team.id)).toBe(true);
    const off = await browser.submit(on, `/admin/teams/${team.id}/mfa-required`, {});
    expect(off.html).toContain("This team no longer requires a second factor");

    const holder = await a.systemRoleUser(["gatehouse.admin.audit.read"]);
    const rolePage = await browser.go(`${a.t.url}/admin/roles/system/${holder.role}`);
    const roleOn = await browser.submit(rolePage, `/admin/roles/system/${holder.role}/mfa-required`, {});
    expect(roleOn.html).toContain("Holders of this role must now have a second factor");
    expect(await a.t.app.services.mfaRequirements.systemRoleFlag(holder.role)).toBe(true);
  });

  it("the CLI: require-mfa --team <slug> sets the flag (audited as the cli); naming both or neither is refused", async () => {
    const owner = await a.t.createUser();
    const team = await createTeam(a.t, owner.id);
    const run = gatehouseCli(a.t);
    const set = await run("require-mfa", "--team", team.slug, "--json");
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toEqual({ team: team.slug, required: true });
    expect(await a.t.app.services.mfaRequirements.teamFlag(team.id)).toBe(true);
    expect(await a.t.app.db.prisma.auditEvent.count({ where: { type: "team.mfa_required_changed", actorId: "cli" } })).toBe(1);
    const both = await run("require-mfa", "--team", team.slug, "--role", "super_admin");
    expect(both.code).not.toBe(0);
    expect(both.stderr).toContain("exactly one of");
  });

  it("the system role flag: a holder without a second factor is sent to the setup too; a user of neither is not", async () => {
    const holder = await a.systemRoleUser(["gatehouse.admin.users.read"]);
    expect((await a.call("PUT", `/api/v1/system-roles/nope_role/mfa-required`, superToken, { required: true })).status).toBe(404);
    expect((await a.call("PUT", `/api/v1/system-roles/${holder.role}/mfa-required`, superToken, { required: true })).body).toEqual({
      required: true,
    });
    expect((await signIn(holder)).page.url).toMatch(/\/enrol$/);
    const plain = await a.t.createUser();
    expect((await signIn(plain)).page.url.startsWith(API_REDIRECT)).toBe(true);
  });
});
