// /account/teams through real HTTP with a real sign-in: the user's teams with their address and role, how apps
// ask for a team, leaving (CSRF, a confirmation first, audited, the team's grants revoked, other teams' grants
// kept), an Owner refused with a link to transfer ownership, and someone else's team a 404.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, type Page } from "../helpers/browser.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { createTeam, exchange, pickTeam, startSignIn, twoTeamUser } from "../helpers/team-flow.ts";

const REDIRECT = "https://rp.example.test/callback";

describe("account page: teams", () => {
  let t: TestApp;
  let rp: client.Configuration;

  beforeAll(async () => {
    t = await startTestApp();
    const { clientId, clientSecret } = await t.createClient({
      name: "Teams RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty: true,
      grantTypes: ["authorization_code", "refresh_token"],
      scope: "openid offline_access roles",
    });
    rp = await discover(t.url, clientId, clientSecret);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function accountPage(user: { email: string; password: string }): Promise<{ browser: TestBrowser; page: Page }> {
    const browser = new TestBrowser(t.url);
    const login = await browser.go(`${t.url}/login?return_to=${encodeURIComponent("/account/teams")}`);
    const page = await browser.submit(login, "/login", { identifier: user.email, password: user.password });
    expect(page.url).toBe(`${t.url}/account/teams`);
    return { browser, page };
  }
  const leaveForm = (slug: string) => `/account/teams/${slug}/leave`;
  const csrfOf = (page: Page) => /name="_csrf" value="([^"]+)"/.exec(page.html)![1]!;

  it("lists the memberships with address and role, explains the team parameter, and links the team's pages", async () => {
    const { user, own, other } = await twoTeamUser(t);
    const { page } = await accountPage(user);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1 id="teams-heading">Teams</h1>');
    for (const team of [own, other]) {
      expect(page.html).toContain(`<a href="/account/teams/${team.slug}">${team.name}</a>`);
      expect(page.html).toContain(`<code>${team.slug}</code>`);
    }
    // a member may leave; the Owner sees the button inactive, with the way out beside it (#18 item 11)
    expect(page.html).toContain(`action="${leaveForm(other.slug)}"`);
    expect(page.html).not.toContain(`action="${leaveForm(own.slug)}"`);
    expect(page.html).toContain(
      `<button class="btn btn-secondary" type="button" disabled aria-describedby="owner-hint-${own.slug}">Leave ${own.name}</button>`,
    );
    expect(page.html).toContain('<span class="badge">Owner</span>');
    expect(page.html).toContain('<span class="badge">Developer</span>');
    expect(page.html).toContain("sent as <code>team</code>");
    expect(page.html).toMatch(/<a href="\/account\/teams" aria-current="page">Teams<\/a>/);

    const loner = await t.createUser();
    const empty = await accountPage(loner);
    expect(empty.page.html).toContain("You are not a member of any team.");
  });

  it("leaving asks first, then leaves: audited, the team's grants revoked, the other team's kept", async () => {
    const { user, own, other } = await twoTeamUser(t);
    // a sign-in to an app with each team (two sessions, so two grants)
    const signIn = async (teamId: string) => {
      const browser = new TestBrowser(t.url);
      const { req, page } = await startSignIn(rp, browser, REDIRECT, { identifier: user.email, password: user.password });
      return exchange(rp, await pickTeam(browser, page, teamId, REDIRECT), req);
    };
    const inOther = await signIn(other.id);
    const inOwn = await signIn(own.id);

    const { browser, page } = await accountPage(user);
    // no CSRF token: refused, nothing changes
    const forged = await browser.request(`${t.url}${leaveForm(other.slug)}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: browser.origin },
      body: "confirm=yes",
    });
    expect(forged.status).toBe(403);
    expect(await t.app.queries.teams.membership(other.id, user.id)).not.toBeNull();

    const confirm = await browser.submit(page, leaveForm(other.slug), {});
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain(`Leave ${other.name}?`);
    expect(confirm.html).toContain('name="confirm" value="yes"');
    expect(await t.app.queries.teams.membership(other.id, user.id)).not.toBeNull(); // asking changes nothing

    const left = await browser.submit(confirm, leaveForm(other.slug), {});
    expect(left.status).toBe(200);
    expect(left.html).toContain(`You left ${other.name}.`);
    expect(left.html).not.toContain(`<code>${other.slug}</code>`);
    expect(await t.app.queries.teams.membership(other.id, user.id)).toBeNull();
    const [event] = await t.app.db.prisma.auditEvent.findMany({ where: { userId: user.id, type: "team.member.left" } });
    expect(event!.data).toMatchObject({ teamId: other.id });

    await expect(client.refreshTokenGrant(rp, inOther.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
    const kept = await client.refreshTokenGrant(rp, inOwn.refresh_token!);
    expect(kept.claims()!.team).toMatchObject({ id: own.id });

    // once gone, the team is a 404 here
    const gone = await browser.request(`${t.url}${leaveForm(other.slug)}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: browser.origin },
      body: new URLSearchParams({ _csrf: csrfOf(confirm), confirm: "yes" }).toString(),
    }); // (the page after leaving has no form left: the Owner's team offers none)
    expect(gone.status).toBe(404);
  });

  it("an Owner is refused with a link to transfer ownership; someone else's team is a 404", async () => {
    const { user, own } = await twoTeamUser(t);
    const { browser, page } = await accountPage(user);
    expect(page.html).toContain(`<a href="/account/teams/${own.slug}/transfer">transfer ownership</a>`);
    // the page offers no leave form to the Owner; a hand-made POST is still refused by the server
    const ownerPost = await browser.request(`${t.url}${leaveForm(own.slug)}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: browser.origin },
      body: new URLSearchParams({ _csrf: csrfOf(page), confirm: "yes" }).toString(),
    });
    const refused = { status: ownerPost.status, html: await ownerPost.text() };
    expect(refused.status).toBe(409);
    expect(refused.html).toContain(`You are the Owner of ${own.name}. Transfer ownership to another member before you leave.`);
    expect(refused.html).toContain(`<a href="/account/teams/${own.slug}/transfer">Transfer ownership</a>`);
    expect(await t.app.queries.teams.membership(own.id, user.id)).not.toBeNull();

    const stranger = await createTeam(t, (await t.createUser()).id);
    const res = await browser.request(`${t.url}${leaveForm(stranger.slug)}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: browser.origin },
      body: new URLSearchParams({ _csrf: csrfOf(page), confirm: "yes" }).toString(),
    });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("There is no such team, or you are not one of its members.");
  });
});
