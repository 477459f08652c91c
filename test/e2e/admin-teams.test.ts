// The admin Teams screens end to end (real Postgres, Redis, SMTP sink, openid-client; the admin signed in through
// the account pages): search and cursor pages, a team's page, a member's role change (audited with the admin as
// actor, a reload repeats nothing), removal after a confirmation (the membership and the member's refresh token
// for the team die), the Owner never removed or demoted, an ownership transfer started by the admin that the
// member accepts from the emailed link, cancelling one, CSRF, bad ids, and who may not open these pages at all.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, type Page } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";
import { openAccountPage, tryRefresh } from "../helpers/sessions.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { createTeam, teamWithMembers } from "../helpers/team-flow.ts";
import { csrfTokenFor } from "../helpers/admin-csrf.ts";
import { TEAMS_CSRF } from "../../src/http/routes/admin/teams-view.ts";

const REDIRECT = "https://rp.example.test/cb";
const UNKNOWN = "00000000-0000-4000-8000-000000000000";
const decode = (s: string) =>
  s
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
const csrfOf = (page: Page) => /name="_csrf" value="([^"]+)"/.exec(page.html)![1]!;
const GUARD = "Your account does not have access to this part of the admin area.";
const cells = (html: string) =>
  [...html.matchAll(/<td\b[^>]*>([\s\S]*?)<\/td>/g)].map((c) =>
    decode(
      c[1]!
        .replace(/<br>/g, " ")
        .replace(/<[^>]+>/g, "")
        .replace(/\s+/g, " ")
        .trim(),
    ),
  );

describe("admin teams pages", () => {
  let t: TestApp;
  let rp: client.Configuration;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let admin: Awaited<ReturnType<TestApp["createUser"]>>;
  let adminBrowser: TestBrowser;

  async function signedIn(user: { email: string; password: string }, path = "/admin/teams"): Promise<TestBrowser> {
    const browser = new TestBrowser(t.url);
    await openAccountPage(browser, t.url, path, { identifier: user.email, password: user.password });
    return browser;
  }
  const teamPage = (browser: TestBrowser, id: string) => browser.go(`${t.url}/admin/teams/${id}`);
  /** a POST as a form would send it, with whatever fields (and CSRF token) the test chooses */
  const post = (browser: TestBrowser, path: string, fields: Record<string, string>) =>
    browser.go(`${t.url}${path}`, {
      init: {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url },
        body: new URLSearchParams(fields).toString(),
      },
    });
  const roleOf = async (teamId: string, userId: string) => (await t.app.queries.teams.membership(teamId, userId))?.role.key ?? null;
  const roleId = async (teamId: string, key: string) => (await t.app.queries.teams.roleByKey(teamId, key))!.id;
  const eventsOf = async (userId: string, type: string) =>
    (await t.app.queries.auditEvents.listForUser(userId)).filter((e) => e.type === type);
  const team = (...roles: string[]) => teamWithMembers(t, "AdminPages", ...roles);

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({ SMTP_URL: sink.url });
    const { clientId, clientSecret } = await t.createClient({
      name: "Teams RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty: true,
      grantTypes: ["authorization_code", "refresh_token"],
    });
    rp = await discover(t.url, clientId, clientSecret);
    admin = await t.createUser();
    await t.app.services.systemRoles.setUserRole(admin.id, "super_admin");
    adminBrowser = await signedIn(admin);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  it("searches by name or slug, newest first, with members and Owner; pages with Next and First; bad input is a 400", async () => {
    const tag = `ts${Date.now().toString(36)}`;
    const owner = await t.createUser();
    const older = await createTeam(t, owner.id, `${tag} Older`);
    await t.app.db.prisma.team.update({ where: { id: older.id }, data: { createdAt: new Date(Date.now() - 60_000) } });
    const { teamId, slug, name, owner: newOwner } = await teamWithMembers(t, tag, "developer", "manager");

    const page = await adminBrowser.go(`${t.url}/admin/teams?q=${tag.toUpperCase()}`);
    expect(page.status).toBe(200);
    const rows = [...page.html.matchAll(/<tr data-team="([^"]+)">([\s\S]*?)<\/tr>/g)];
    expect(rows.map((r) => r[1])).toEqual([teamId, older.id]);
    expect(cells(rows[0]![2]!)).toEqual([name, slug, "3", `${newOwner.username} ${newOwner.email}`, expect.stringMatching(/UTC$/)]);
    expect(cells(rows[1]![2]!)).toEqual([older.name, older.slug, "1", `${owner.username} ${owner.email}`, expect.stringMatching(/UTC$/)]);
    expect(page.html).toContain(`href="/admin/teams/${teamId}"`);
    expect(page.html).toContain(`value="${tag.toUpperCase()}"`);

    // by the slug alone: a team whose name does not hold the tag
    const bySlug = await createTeam(t, owner.id, "Plain name");
    await t.app.db.prisma.team.update({ where: { id: bySlug.id }, data: { slug: `${tag}-only-slug` } });
    const found = await adminBrowser.go(`${t.url}/admin/teams?q=${tag}-only`);
    expect([...found.html.matchAll(/data-team="([^"]+)"/g)].map((m) => m[1])).toEqual([bySlug.id]);
    expect((await adminBrowser.go(`${t.url}/admin/teams?q=nothing-${tag}`)).html).toContain("No teams match.");

    const many = `pg${Date.now().toString(36)}`;
    const made = [];
    for (let i = 0; i < 27; i++) made.push((await createTeam(t, owner.id, `${many} ${i}`)).id);
    const seen: string[] = [];
    let current = await adminBrowser.go(`${t.url}/admin/teams?q=${many}`);
    expect(current.html).not.toContain("First page");
    for (let hops = 0; hops < 5; hops++) {
      seen.push(...[...current.html.matchAll(/data-team="([^"]+)"/g)].map((m) => m[1]!));
      const next = /<a href="([^"]+)" rel="next">Next page<\/a>/.exec(current.html)?.[1];
      if (!next) break;
      expect(decode(next)).toContain(`q=${many}`);
      current = await adminBrowser.go(`${t.url}${decode(next)}`);
      expect(current.html).toContain("First page");
    }
    expect(seen).toEqual([...made].reverse());

    const bad = await adminBrowser.go(`${t.url}/admin/teams?cursor=nonsense`);
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("This page link is not valid; start from the first page.");
    const long = await adminBrowser.go(`${t.url}/admin/teams?q=${"a".repeat(101)}`);
    expect(long.status).toBe(400);
    expect(long.html).toContain("The search text has at most 100 characters.");
  });

  it("shows a team: details, members with roles, the Owner marked without actions, the roles link; bad ids are 404", async () => {
    const {
      teamId,
      slug,
      name,
      owner,
      members: [manager, developer],
    } = await team("manager", "developer");
    const page = await teamPage(adminBrowser, teamId);
    expect(page.status).toBe(200);
    const text = decode(page.html);
    for (const part of [name, slug, `${owner.username} (${owner.email})`, manager!.email, developer!.email, "3 members"])
      expect(text).toContain(part);
    const row = (id: string) => new RegExp(`<tr data-member="${id}">([\\s\\S]*?)</tr>`).exec(page.html)![1]!;
    expect(cells(row(owner.id)).slice(0, 3)).toEqual([owner.username, owner.email, "Owner"]);
    expect(cells(row(manager!.id)).slice(0, 3)).toEqual([manager!.username, manager!.email, "Manager"]);
    expect(cells(row(developer!.id))[3]).toMatch(/UTC$/);
    // no action on the Owner; each other member has a role picker (never Owner) and a remove button
    expect(page.html).not.toContain(`/members/${owner.id}/`);
    expect(row(developer!.id)).toContain(`action="/admin/teams/${teamId}/members/${developer!.id}/role"`);
    expect(row(developer!.id)).toContain(`action="/admin/teams/${teamId}/members/${developer!.id}/remove"`);
    expect(row(developer!.id)).toContain(`<option value="${await roleId(teamId, "manager")}">Manager</option>`);
    expect(page.html).not.toContain(`value="${await roleId(teamId, "owner")}"`);
    expect(page.html).toContain(`href="/admin/roles/teams/${teamId}"`);
    expect(page.html).toContain("Transfer ownership…");
    // the admin is not a member and became none by looking
    expect(await t.app.queries.teams.membership(teamId, admin.id)).toBeNull();

    for (const id of [UNKNOWN, "not-a-uuid", slug]) {
      const missing = await teamPage(adminBrowser, id);
      expect(missing.status).toBe(404);
      expect(missing.html).toContain("There is no such team.");
    }
    const csrf = csrfOf(page);
    const other = await team("developer");
    for (const path of [`/admin/teams/${UNKNOWN}/members/${developer!.id}/role`, `/admin/teams/not-a-uuid/transfer/cancel`]) {
      expect((await post(adminBrowser, path, { _csrf: csrf, roleId: await roleId(teamId, "manager") })).status).toBe(404);
    }
    for (const userId of ["not-a-uuid", UNKNOWN, other.members[0]!.id]) {
      const res = await post(adminBrowser, `/admin/teams/${teamId}/members/${userId}/remove`, { _csrf: csrf, confirm: "yes" });
      expect(res.status).toBe(404);
      expect(res.html).toContain("There is no such member of this team.");
    }
    expect(await roleOf(other.teamId, other.members[0]!.id)).toBe("developer");
    // a notice code that is not one of ours shows nothing, and the query string never reaches the page
    const odd = await adminBrowser.go(`${t.url}/admin/teams/${teamId}?notice=%3Cb%3Ehi%3C%2Fb%3E`);
    expect(odd.status).toBe(200);
    expect(odd.html).not.toContain('role="status"');
    expect(odd.html).not.toContain("hi</b>");
  });

  it("changes a member's role without a confirmation, audited with the admin as actor; a reload repeats nothing", async () => {
    const {
      teamId,
      members: [developer],
    } = await team("developer");
    const page = await teamPage(adminBrowser, teamId);
    const done = await adminBrowser.submit(page, `/members/${developer!.id}/role`, { roleId: await roleId(teamId, "manager") });
    expect(done.status).toBe(200);
    expect(new URL(done.url).pathname).toBe(`/admin/teams/${teamId}`);
    expect(done.html).toContain("The member&#39;s role was changed.");
    expect(await roleOf(teamId, developer!.id)).toBe("manager");
    const events = await eventsOf(developer!.id, "team.member.role_changed");
    expect(events).toEqual([
      expect.objectContaining({
        actorId: admin.id,
        ip: expect.any(String),
        data: expect.objectContaining({ teamId, from: "developer", to: "manager" }),
      }),
    ]);
    // the page after the redirect is a GET: loading it again changes nothing
    await adminBrowser.go(done.url);
    expect(await eventsOf(developer!.id, "team.member.role_changed")).toHaveLength(1);

    const same = await adminBrowser.submit(done, `/members/${developer!.id}/role`, { roleId: await roleId(teamId, "manager") });
    expect(decode(same.html)).toContain("The member already had that role; nothing changed.");
    // refusals: not a role of this team, no role at all, the Owner role
    const other = await team();
    for (const bad of [await roleId(other.teamId, "developer"), "nonsense", ""]) {
      const res = await adminBrowser.submit(done, `/members/${developer!.id}/role`, { roleId: bad });
      expect(res.status).toBe(400);
      expect(decode(res.html)).toContain("Choose one of this team's roles.");
      expect(res.html).toMatch(new RegExp(`id="role-${developer!.id}" name="roleId" aria-invalid="true"`));
    }
    const toOwner = await adminBrowser.submit(done, `/members/${developer!.id}/role`, { roleId: await roleId(teamId, "owner") });
    expect(toOwner.status).toBe(403);
    expect(toOwner.html).toContain("A team has exactly one Owner.");
    expect(await roleOf(teamId, developer!.id)).toBe("manager");
    expect(await eventsOf(developer!.id, "team.member.role_changed")).toHaveLength(1);
  });

  it("removes a member after a confirmation: the membership goes and their refresh token for the team dies", async () => {
    const {
      teamId,
      slug,
      name,
      members: [developer],
    } = await team("developer");
    const signIn = await loginWithCode(
      rp,
      new TestBrowser(t.url),
      REDIRECT,
      { identifier: developer!.email, password: developer!.password },
      { team: slug },
    );
    // refresh tokens rotate: keep the live one, so the failure below is the removal's doing and not reuse
    const live = await tryRefresh(rp, signIn.tokens.refresh_token!);
    if (!live.ok) throw new Error(`refresh before the removal failed: ${live.error}`);
    const ownTeam = await createTeam(t, developer!.id);
    const elsewhere = await loginWithCode(
      rp,
      new TestBrowser(t.url),
      REDIRECT,
      { identifier: developer!.email, password: developer!.password },
      { team: ownTeam.slug },
    );

    const page = await teamPage(adminBrowser, teamId);
    const confirm = await adminBrowser.submit(page, `/members/${developer!.id}/remove`, {});
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('name="confirm" value="yes"');
    expect(decode(confirm.html)).toContain(`Remove ${developer!.username} (${developer!.email}) from ${name}?`);
    expect(await roleOf(teamId, developer!.id)).toBe("developer");

    const done = await adminBrowser.submit(confirm, `/members/${developer!.id}/remove`, {});
    expect(done.status).toBe(200);
    expect(done.html).toContain("The member was removed. Their sign-ins for this team were revoked.");
    expect(done.html).not.toContain(`data-member="${developer!.id}"`);
    expect(await roleOf(teamId, developer!.id)).toBeNull();
    expect(await tryRefresh(rp, live.refreshToken)).toEqual({ ok: false, error: "invalid_grant" });
    expect((await tryRefresh(rp, elsewhere.tokens.refresh_token!)).ok).toBe(true);
    expect(await eventsOf(developer!.id, "team.member.removed")).toEqual([
      expect.objectContaining({ actorId: admin.id, data: expect.objectContaining({ teamId, revokedGrants: 1 }) }),
    ]);
  });

  it("never removes or demotes the Owner through the pages (403, nothing changes)", async () => {
    const {
      teamId,
      owner,
      members: [developer],
    } = await team("developer");
    const csrf = csrfOf(await teamPage(adminBrowser, teamId));
    const demote = await post(adminBrowser, `/admin/teams/${teamId}/members/${owner.id}/role`, {
      _csrf: csrf,
      roleId: await roleId(teamId, "developer"),
    });
    expect(demote.status).toBe(403);
    expect(demote.html).toContain("The Owner&#39;s role changes only through an ownership transfer.");
    for (const fields of [{}, { confirm: "yes" }] as Record<string, string>[]) {
      const remove = await post(adminBrowser, `/admin/teams/${teamId}/members/${owner.id}/remove`, { _csrf: csrf, ...fields });
      expect(remove.status).toBe(403);
      expect(remove.html).toContain("The Owner cannot be removed.");
      expect(remove.html).not.toContain('name="confirm" value="yes"');
    }
    const toOwner = await post(adminBrowser, `/admin/teams/${teamId}/transfer`, { _csrf: csrf, toUserId: owner.id, confirm: "yes" });
    expect(toOwner.status).toBe(400);
    expect(toOwner.html).toContain("Choose a member of this team other than the Owner.");
    expect(await roleOf(teamId, owner.id)).toBe("owner");
    expect(await roleOf(teamId, developer!.id)).toBe("developer");
    expect(await eventsOf(owner.id, "team.member.role_changed")).toEqual([]);
    expect(await eventsOf(owner.id, "team.member.removed")).toEqual([]);
  });

  it("starts an ownership transfer after a confirmation; the member accepts from the email and the roles swap", async () => {
    const {
      teamId,
      slug,
      name,
      owner,
      members: [developer],
    } = await team("developer");
    await t.app.outbox.idle(); // earlier tests' mails leave the outbox first (it sends asynchronously)
    const before = sink.messages.length;
    const page = await teamPage(adminBrowser, teamId);
    const confirm = await adminBrowser.submit(page, `/admin/teams/${teamId}/transfer`, { toUserId: developer!.id });
    expect(confirm.status).toBe(200);
    expect(decode(confirm.html)).toContain(`Ask ${developer!.username} (${developer!.email}) to become the Owner of ${name}?`);
    expect(confirm.html).toContain("only when they accept");
    await t.app.outbox.idle(); // anything wrongly queued is sent by now
    expect(sink.messages.length).toBe(before);

    const started = await adminBrowser.submit(confirm, `/admin/teams/${teamId}/transfer`, {});
    expect(started.status).toBe(200);
    expect(started.html).toContain("The member becomes the Owner only after accepting from the email.");
    expect(decode(started.html)).toContain(`A transfer to <strong>${developer!.username}</strong> (${developer!.email}) is waiting`);
    expect(started.html).toContain("Cancel the transfer");
    expect(await roleOf(teamId, owner.id)).toBe("owner");
    expect(await eventsOf(developer!.id, "team.ownership.transfer_started")).toEqual([
      expect.objectContaining({ actorId: admin.id, data: expect.objectContaining({ teamId, from: owner.id, viaAdmin: 1 }) }),
    ]);

    const mail = await sink.waitFor((m) => m.to.includes(developer!.email) && sink.messages.indexOf(m) >= before);
    expect(mail.text).toContain("(an administrator)");
    // the Owner hears that an administrator, and which one, asked whom
    const notice = await sink.waitFor((m) => m.to.includes(owner.email) && sink.messages.indexOf(m) >= before);
    expect(notice.text).toContain(
      `${admin.username}, an administrator of Gatehouse, asked ${developer!.username} to take over your team ${name}.`,
    );
    const link = new RegExp(`/account/teams/${slug}/transfer/accept/[\\w-]{43}`).exec(mail.text)![0];
    const memberBrowser = new TestBrowser(t.url);
    const acceptPage = await openAccountPage(memberBrowser, t.url, link, { identifier: developer!.email, password: developer!.password });
    expect(acceptPage.status).toBe(200);
    await memberBrowser.submit(acceptPage, "/transfer/accept/", {});
    expect(await roleOf(teamId, developer!.id)).toBe("owner");
    expect(await roleOf(teamId, owner.id)).toBe("manager");
    const after = await teamPage(adminBrowser, teamId);
    expect(after.html).not.toContain("Cancel the transfer");
    expect(after.html).not.toContain(`/members/${developer!.id}/`);
  });

  it("an admin who joined a team is no transfer candidate and cannot transfer it to themselves; members link to user pages only with users.read", async () => {
    const {
      teamId,
      owner,
      members: [developer],
    } = await team("developer");
    const role = await t.app.services.systemRoles.create({
      key: `tm${Date.now().toString(36)}`,
      name: "Team keeper",
      permissions: ["gatehouse.admin.teams.manage"],
    });
    if (role.outcome !== "created") throw new Error(role.outcome);
    const keeper = await t.createUser();
    await t.app.services.systemRoles.setUserRole(keeper.id, role.role.key);
    await t.app.queries.teams.addMember(teamId, keeper.id, await roleId(teamId, "developer"));
    const keeperBrowser = await signedIn(keeper);
    await t.app.outbox.idle(); // earlier tests' mails leave the outbox first (it sends asynchronously)
    const before = sink.messages.length;

    const page = await teamPage(keeperBrowser, teamId);
    expect(page.status).toBe(200);
    const candidates = (html: string) =>
      [.../<select id="toUserId"[^>]*>([\s\S]*?)<\/select>/.exec(html)![1]!.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]);
    expect(candidates(page.html)).toEqual([developer!.id]);
    // no users.read: every member (the Owner too) is plain text, never a link the admin could not open
    expect(page.html).not.toContain('href="/admin/users/');
    const firstCell = (html: string, userId: string) =>
      cells(new RegExp(`<tr data-member="${userId}">([\\s\\S]*?)</tr>`).exec(html)![1]!)[0];
    expect(firstCell(page.html, developer!.id)).toBe(developer!.username);
    expect(firstCell(page.html, owner.id)).toBe(owner.username);
    const superPage = await teamPage(adminBrowser, teamId);
    for (const id of [owner.id, developer!.id, keeper.id]) expect(superPage.html).toContain(`<a href="/admin/users/${id}">`);
    expect(candidates(superPage.html).sort()).toEqual([developer!.id, keeper.id].sort());

    for (const fields of [{}, { confirm: "yes" }] as Record<string, string>[]) {
      const self = await post(keeperBrowser, `/admin/teams/${teamId}/transfer`, { _csrf: csrfOf(page), toUserId: keeper.id, ...fields });
      expect(self.status).toBe(403);
      expect(self.html).toContain("An administrator cannot transfer a team to themselves.");
      expect(self.html).not.toContain('name="confirm" value="yes"');
    }
    expect(await t.app.services.ownership.pending(teamId, owner.id)).toMatchObject({ outcome: "ok", pending: null });
    expect(await eventsOf(keeper.id, "team.ownership.transfer_started")).toEqual([]);
    await t.app.services.mailer.idle();
    await t.app.outbox.idle(); // anything wrongly queued is sent by now
    expect(sink.messages.length).toBe(before);
  });

  it("cancels a pending transfer: its link stops working; cancelling again is a 400", async () => {
    const {
      teamId,
      slug,
      members: [developer],
    } = await team("developer");
    await t.app.outbox.idle(); // earlier tests' mails leave the outbox first (it sends asynchronously)
    const before = sink.messages.length;
    const confirm = await adminBrowser.submit(await teamPage(adminBrowser, teamId), `/admin/teams/${teamId}/transfer`, {
      toUserId: developer!.id,
    });
    const started = await adminBrowser.submit(confirm, `/admin/teams/${teamId}/transfer`, {});
    const mail = await sink.waitFor((m) => m.to.includes(developer!.email) && sink.messages.indexOf(m) >= before);
    const link = new RegExp(`/account/teams/${slug}/transfer/accept/[\\w-]{43}`).exec(mail.text)![0];

    const cancelled = await adminBrowser.submit(started, `/admin/teams/${teamId}/transfer/cancel`, {});
    expect(cancelled.status).toBe(200);
    expect(cancelled.html).toContain("The ownership transfer was cancelled; its link no longer works.");
    expect(cancelled.html).not.toContain("Cancel the transfer");
    expect(await eventsOf(developer!.id, "team.ownership.transfer_cancelled")).toEqual([expect.objectContaining({ actorId: admin.id })]);
    const dead = await openAccountPage(new TestBrowser(t.url), t.url, link, {
      identifier: developer!.email,
      password: developer!.password,
    });
    expect(dead.status).toBe(400);
    expect(await roleOf(teamId, developer!.id)).toBe("developer");

    const again = await post(adminBrowser, `/admin/teams/${teamId}/transfer/cancel`, { _csrf: csrfOf(cancelled) });
    expect(again.status).toBe(400);
    expect(again.html).toContain("There is no pending ownership transfer to cancel.");
  });

  it("every POST without a valid CSRF token is a 403 and changes nothing; GET never acts", async () => {
    const {
      teamId,
      owner,
      members: [developer],
    } = await team("developer");
    const manager = await roleId(teamId, "manager");
    await t.app.outbox.idle(); // earlier tests' mails leave the outbox first (it sends asynchronously)
    const before = sink.messages.length;
    const posts = [
      [`/admin/teams/${teamId}/members/${developer!.id}/role`, { roleId: manager }],
      [`/admin/teams/${teamId}/members/${developer!.id}/remove`, { confirm: "yes" }],
      [`/admin/teams/${teamId}/transfer`, { toUserId: developer!.id, confirm: "yes" }],
      [`/admin/teams/${teamId}/transfer/cancel`, {}],
    ] as const;
    for (const [path, fields] of posts) {
      expect((await post(adminBrowser, path, fields)).status).toBe(403);
      expect((await post(adminBrowser, path, { ...fields, _csrf: "forged" })).status).toBe(403);
    }
    for (const path of [`/admin/teams/${teamId}/members/${developer!.id}/remove`, `/admin/teams/${teamId}/transfer`]) {
      expect((await adminBrowser.go(`${t.url}${path}`)).status).toBe(405);
    }
    expect(await roleOf(teamId, developer!.id)).toBe("developer");
    expect(await roleOf(teamId, owner.id)).toBe("owner");
    expect(await t.app.services.ownership.pending(teamId, owner.id)).toMatchObject({ outcome: "ok", pending: null });
    expect((await t.app.queries.auditEvents.listForUser(developer!.id)).filter((e) => e.type.startsWith("team."))).toEqual([]);
    await t.app.outbox.idle(); // anything wrongly queued is sent by now
    expect(sink.messages.length).toBe(before);
  });

  it("forbidden: no system role, a system role without teams.manage, and a team's own Owner, Manager or Developer get the guard's 403 everywhere", async () => {
    const {
      teamId,
      owner,
      members: [manager, developer],
    } = await team("manager", "developer");
    const other = await team("developer");
    // the helper makes the very token the team page would give (so the refused browsers' tokens are valid ones)
    expect(await csrfTokenFor(t, adminBrowser, TEAMS_CSRF)).toBe(csrfOf(await teamPage(adminBrowser, teamId)));
    const gets = (id: string) => ["/admin/teams", "/admin/teams?q=a", `/admin/teams/${id}`];
    const posts = (id: string, memberId: string) =>
      [
        [`/admin/teams/${id}/members/${memberId}/role`, { roleId: UNKNOWN }],
        [`/admin/teams/${id}/members/${memberId}/remove`, { confirm: "yes" }],
        [`/admin/teams/${id}/transfer`, { toUserId: memberId, confirm: "yes" }],
        [`/admin/teams/${id}/transfer/cancel`, {}],
      ] as const;

    const reader = await t.app.services.systemRoles.create({
      key: `ur${Date.now().toString(36)}`,
      name: "User reader",
      permissions: ["gatehouse.admin.users.read"],
    });
    if (reader.outcome !== "created") throw new Error(reader.outcome);
    const readerUser = await t.createUser();
    await t.app.services.systemRoles.setUserRole(readerUser.id, reader.role.key);

    const browsers = [
      await signedIn(await t.createUser(), "/account"),
      await signedIn(readerUser, "/admin/users"),
      await signedIn(owner, "/account"),
      await signedIn(manager!, "/account"),
      await signedIn(developer!, "/account"),
    ];
    expect((await browsers[1]!.go(`${t.url}/admin/users`)).status).toBe(200); // the reader is an admin, just not for teams
    for (const browser of browsers) {
      // a valid token of this browser's own: only the permission guard can refuse these POSTs
      const csrf = await csrfTokenFor(t, browser, TEAMS_CSRF);
      for (const [id, memberId] of [
        [teamId, developer!.id],
        [other.teamId, other.members[0]!.id],
      ] as const) {
        for (const path of gets(id)) {
          const res = await browser.go(`${t.url}${path}`);
          expect(res.status, path).toBe(403);
          expect(res.html, path).toContain(GUARD);
          expect(res.html).not.toContain(developer!.email);
        }
        for (const [path, fields] of posts(id, memberId)) {
          const res = await post(browser, path, { ...fields, _csrf: csrf });
          expect(res.url, path).toBe(`${t.url}${path}`); // the POST's own answer, not a page it redirected to
          expect(res.status, path).toBe(403);
          expect(res.html, path).toContain(GUARD);
        }
      }
    }
    const anonymous = await new TestBrowser(t.url).request(`${t.url}/admin/teams/${teamId}`);
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toMatch(/^\/login/);
    expect(await roleOf(teamId, developer!.id)).toBe("developer");
    expect(await roleOf(other.teamId, other.members[0]!.id)).toBe("developer");
    expect((await t.app.queries.auditEvents.listForUser(developer!.id)).filter((e) => e.type.startsWith("team."))).toEqual([]);
  });
});
