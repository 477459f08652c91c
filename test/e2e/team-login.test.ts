// Signing in with teams through the real pages, openid-client as the relying party: a user with several teams
// picks one (a radio list, no script), the relying party may name the team up front (slug or id) and is never
// given another one silently, a one-team user is not asked, a no-team user signs in without team claims, the
// team step expires, TOTP users go password -> code -> team, and a live session switches team without a
// password (prompt=none, team=<other>), or gets access_denied for a team that is not theirs.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from "jose";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { authorizationRequest, codeStep, enableTotp, manualClock, passwordStep, post, totpCode } from "../helpers/totp-login.ts";
import { createTeam, exchange, offeredTeams, pickTeam, startSignIn, throughConsent, twoTeamUser } from "../helpers/team-flow.ts";

const REDIRECT = "https://rp.example.test/callback";
const API = "https://api.example.test";

describe("sign-in with teams", () => {
  let t: TestApp;
  let rp: client.Configuration;
  let thirdParty: client.Configuration;
  let jwks: ReturnType<typeof createRemoteJWKSet>;
  const clock = manualClock();

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
    const base = {
      type: "confidential" as const,
      redirectUris: [REDIRECT],
      grantTypes: ["authorization_code" as const, "refresh_token" as const],
      resources: [API],
      scope: "openid profile email offline_access roles",
    };
    const first = await t.createClient({ ...base, name: "Team RP", firstParty: true });
    rp = await discover(t.url, first.clientId, first.clientSecret);
    const third = await t.createClient({ ...base, name: "Third-party RP" });
    thirdParty = await discover(t.url, third.clientId, third.clientSecret);
    jwks = createRemoteJWKSet(new URL(rp.serverMetadata().jwks_uri!));
  });
  afterAll(async () => {
    await t?.close();
  });

  const accessClaims = async (token: string): Promise<JWTPayload> =>
    (await jwtVerify(token, jwks, { issuer: t.url, audience: API, typ: "at+jwt", algorithms: ["ES256"] })).payload;
  const creds = (u: { email: string; password: string }) => ({ identifier: u.email, password: u.password });
  const events = async (userId: string, type: string) =>
    await t.app.db.prisma.auditEvent.findMany({ where: { userId, type }, orderBy: { id: "asc" } });

  it("a user with two teams picks one on a page that needs no script; the tokens speak for that team", async () => {
    const { user, own, other } = await twoTeamUser(t);
    const browser = new TestBrowser(t.url);
    const { req, page } = await startSignIn(rp, browser, REDIRECT, creds(user), { resource: API });
    expect(page.url).toMatch(/\/interaction\/[\w-]+\/team$/);
    expect(page.html).toContain("Choose a team");
    expect(offeredTeams(page).sort()).toEqual([own.id, other.id].sort());
    expect(page.html).toContain(own.slug);
    expect(page.html).toContain(other.slug);
    expect(page.html).toContain('name="_csrf"');
    // the first team is preselected, so the page works with one click and no script
    expect(page.html).toMatch(new RegExp(`value="${own.id}" required checked`));

    // a team that is not theirs is refused, and the page comes back with a message
    const stranger = await createTeam(t, (await t.createUser()).id);
    const refused = await post(browser, page, "/team", { team: stranger.id });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain("Choose one of your teams.");
    // no CSRF token: refused
    const forged = await browser.request(`${page.url}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: browser.origin },
      body: `team=${other.id}`,
    });
    expect(forged.status).toBe(403);

    const callback = await pickTeam(browser, page, other.id, REDIRECT);
    expect(callback.url.startsWith(REDIRECT)).toBe(true);
    const tokens = await exchange(rp, callback, req);
    const at = await accessClaims(tokens.access_token);
    expect(at.team).toEqual({ id: other.id, slug: other.slug });
    expect(at.role).toBe("developer");
    expect(tokens.claims()!.team).toMatchObject({ id: other.id, slug: other.slug });
    expect(tokens.claims()!.role).toBe("developer");
    const [succeeded] = await events(user.id, "login.succeeded");
    expect(succeeded!.data).toMatchObject({ amr: ["pwd"], teamId: other.id });
  });

  it("the relying party names the team up front (slug or id): a member is not asked", async () => {
    const { user, own, other } = await twoTeamUser(t);
    for (const [param, team] of [
      [other.slug, other],
      [own.id, own],
      [other.slug.toUpperCase(), other],
    ] as const) {
      const { req, page } = await startSignIn(rp, new TestBrowser(t.url), REDIRECT, creds(user), { resource: API, team: param });
      expect(page.url.startsWith(REDIRECT)).toBe(true);
      const tokens = await exchange(rp, page, req);
      expect((await accessClaims(tokens.access_token)).team).toEqual({ id: team.id, slug: team.slug });
    }
  });

  it("a team the user is not in shows the picker with a message and nothing preselected, never another team silently", async () => {
    const { user, own, other } = await twoTeamUser(t);
    const elsewhere = await createTeam(t, (await t.createUser()).id);
    const browser = new TestBrowser(t.url);
    const { req, page } = await startSignIn(rp, browser, REDIRECT, creds(user), { resource: API, team: elsewhere.slug });
    expect(page.url).toMatch(/\/team$/);
    expect(page.html).toContain(`asked for the team “${elsewhere.slug}”, which is not one of your teams`);
    expect(page.html).not.toContain(" checked");
    expect(offeredTeams(page).sort()).toEqual([own.id, other.id].sort());
    // submitting without a choice is refused
    expect((await post(browser, page, "/team", {})).status).toBe(400);
    const tokens = await exchange(rp, await pickTeam(browser, page, own.id, REDIRECT), req);
    expect((await accessClaims(tokens.access_token)).team).toEqual({ id: own.id, slug: own.slug });

    // a one-team user asking for another team sees the picker too (with their one team)
    const single = await t.createUser();
    const mine = await createTeam(t, single.id);
    const second = await startSignIn(rp, new TestBrowser(t.url), REDIRECT, creds(single), { team: other.slug });
    expect(second.page.html).toContain("which is not one of your teams");
    expect(offeredTeams(second.page)).toEqual([mine.id]);

    // a malformed team parameter never reaches a page
    const bad = await authorizationRequest(rp, REDIRECT, { team: "<script>" });
    const answer = await new TestBrowser(t.url).go(bad.url, { stopAt: REDIRECT });
    expect(new URL(answer.url).searchParams.get("error")).toBe("invalid_request");
  });

  it("a user with one team is not asked; a user with no team signs in without team claims", async () => {
    const single = await t.createUser();
    const team = await createTeam(t, single.id);
    const one = await startSignIn(rp, new TestBrowser(t.url), REDIRECT, creds(single), { resource: API });
    expect(one.page.url.startsWith(REDIRECT)).toBe(true);
    const oneTokens = await exchange(rp, one.page, one.req);
    expect(await accessClaims(oneTokens.access_token)).toMatchObject({ team: { id: team.id, slug: team.slug }, role: "owner" });

    const loner = await t.createUser();
    const none = await startSignIn(rp, new TestBrowser(t.url), REDIRECT, creds(loner), { resource: API });
    expect(none.page.url.startsWith(REDIRECT)).toBe(true);
    const tokens = await exchange(rp, none.page, none.req);
    const at = await accessClaims(tokens.access_token);
    expect(at.sub).toBe(loner.id);
    expect(at).not.toHaveProperty("team");
    expect(at).not.toHaveProperty("role");
    expect(at).not.toHaveProperty("permissions");
    expect(tokens.claims()).not.toHaveProperty("team");

    // asking for a team they are not in: the page says so and offers to go on without one
    const browser = new TestBrowser(t.url);
    const asked = await startSignIn(rp, browser, REDIRECT, creds(loner), { team: team.slug });
    expect(asked.page.html).toContain("You are not a member of any team yet.");
    const done = await throughConsent(browser, await browser.submit(asked.page, "/team", {}, { stopAt: REDIRECT }), REDIRECT);
    expect((await exchange(rp, done, asked.req)).claims()).not.toHaveProperty("team");
  });

  it("the team step expires after 5 minutes: start again with the password", async () => {
    const { user, own } = await twoTeamUser(t);
    const browser = new TestBrowser(t.url);
    const { page } = await startSignIn(rp, browser, REDIRECT, creds(user));
    const uid = /\/interaction\/([\w-]+)\/team/.exec(page.url)![1]!;
    const ttl = await t.app.redis.ttl(`flow:login:{${uid}}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300);
    clock.advance(301);
    try {
      const expired = await post(browser, page, "/team", { team: own.id });
      expect(expired.status).toBe(400);
      expect(expired.html).toContain("This sign-in step has expired");
      expect(expired.html).toContain(`href="/interaction/${uid}"`);
      expect((await browser.go(page.url)).status).toBe(400);
    } finally {
      clock.advance(-301);
    }
  });

  it("a TOTP user with two teams: password, then code, then team", async () => {
    const { user, own, other } = await twoTeamUser(t);
    const { secret } = await enableTotp(t, clock, user);
    const browser = new TestBrowser(t.url);
    const req = await authorizationRequest(rp, REDIRECT, { scope: "openid offline_access roles", resource: API });
    const codePage = await passwordStep(browser, req.url, REDIRECT, creds(user));
    expect(codePage.html).toContain('name="code"');
    const teamPage = await browser.submit(codePage, "/totp", { code: await totpCode(secret, clock.epoch()) }, { stopAt: REDIRECT });
    expect(teamPage.url).toMatch(/\/team$/);
    expect(offeredTeams(teamPage).sort()).toEqual([own.id, other.id].sort());
    const tokens = await exchange(rp, await pickTeam(browser, teamPage, own.id, REDIRECT), req);
    const at = await accessClaims(tokens.access_token);
    expect(at).toMatchObject({ amr: ["pwd", "otp"], team: { id: own.id, slug: own.slug }, role: "owner" });
    const succeeded = await events(user.id, "login.succeeded");
    expect(succeeded).toHaveLength(1);
    expect(succeeded[0]!.data).toMatchObject({ amr: ["pwd", "otp"], method: "totp", teamId: own.id });
    // the team named up front skips the picker after the code too
    const named = await authorizationRequest(rp, REDIRECT, { scope: "openid roles", resource: API, team: other.slug });
    const second = new TestBrowser(t.url);
    const again = await passwordStep(second, named.url, REDIRECT, creds(user));
    clock.advance(30); // the next time step: the code above was used
    const callback = await codeStep(second, again, REDIRECT, await totpCode(secret, clock.epoch()));
    expect((await accessClaims((await exchange(rp, callback, named)).access_token)).team).toMatchObject({ id: other.id });
  });

  it("a live session switches team without a password: prompt=none with team=<other> gives tokens for the other team", async () => {
    const { user, own, other } = await twoTeamUser(t);
    const browser = new TestBrowser(t.url);
    const first = await startSignIn(rp, browser, REDIRECT, creds(user), { resource: API, team: own.slug });
    const firstTokens = await exchange(rp, first.page, first.req);
    expect((await accessClaims(firstTokens.access_token)).team).toMatchObject({ id: own.id });

    const switchReq = await authorizationRequest(rp, REDIRECT, {
      scope: "openid offline_access roles",
      resource: API,
      prompt: "none",
      team: other.slug,
    });
    const switched = await browser.go(switchReq.url, { stopAt: REDIRECT });
    expect(switched.url.startsWith(REDIRECT)).toBe(true);
    expect(new URL(switched.url).searchParams.get("error")).toBeNull();
    const tokens = await exchange(rp, switched, switchReq);
    expect(await accessClaims(tokens.access_token)).toMatchObject({ team: { id: other.id, slug: other.slug }, role: "developer" });
    expect(tokens.claims()!.team).toMatchObject({ id: other.id });

    // and back, by id, without prompt=none: still no password and no picker
    const back = await authorizationRequest(rp, REDIRECT, { scope: "openid roles", resource: API, team: own.id });
    const backPage = await browser.go(back.url, { stopAt: REDIRECT });
    expect(backPage.url.startsWith(REDIRECT)).toBe(true);
    expect((await accessClaims((await exchange(rp, backPage, back)).access_token)).team).toMatchObject({ id: own.id });

    // a team that is not theirs with prompt=none: access_denied, and the grant keeps its team
    const stranger = await createTeam(t, (await t.createUser()).id);
    const denied = await authorizationRequest(rp, REDIRECT, { scope: "openid roles", prompt: "none", team: stranger.slug });
    const deniedPage = await browser.go(denied.url, { stopAt: REDIRECT });
    const params = new URL(deniedPage.url).searchParams;
    expect(params.get("error")).toBe("access_denied");
    expect(params.get("error_description")).toContain("not a member of the requested team");
    const refreshed = await client.refreshTokenGrant(rp, firstTokens.refresh_token!);
    expect((await accessClaims(refreshed.access_token)).team).toMatchObject({ id: own.id });

    // without prompt=none the same request shows the picker with the message, for the live session
    const shown = await authorizationRequest(rp, REDIRECT, { scope: "openid roles", resource: API, team: stranger.slug });
    const picker = await browser.go(shown.url, { stopAt: REDIRECT });
    expect(picker.url).toMatch(/\/interaction\/[\w-]+$/);
    expect(picker.html).toContain("which is not one of your teams");
    expect(picker.html).not.toContain('name="password"');
    expect(picker.html).not.toContain("Start over");
    const picked = await pickTeam(browser, picker, other.id, REDIRECT);
    expect((await accessClaims((await exchange(rp, picked, shown)).access_token)).team).toMatchObject({ id: other.id });
  });

  it("a live session meeting a new app: several teams ask once (prompt=none says interaction_required); consent still follows for third parties", async () => {
    const { user, own, other } = await twoTeamUser(t);
    const browser = new TestBrowser(t.url);
    const first = await startSignIn(rp, browser, REDIRECT, creds(user), { team: own.slug });
    await exchange(rp, first.page, first.req);

    const silent = await authorizationRequest(thirdParty, REDIRECT, { scope: "openid roles", prompt: "none" });
    const answer = await browser.go(silent.url, { stopAt: REDIRECT });
    expect(new URL(answer.url).searchParams.get("error")).toBe("interaction_required");

    const req = await authorizationRequest(thirdParty, REDIRECT, {
      scope: "openid offline_access roles",
      resource: API,
      prompt: "consent",
    });
    const picker = await browser.go(req.url, { stopAt: REDIRECT });
    expect(offeredTeams(picker).sort()).toEqual([own.id, other.id].sort());
    const afterPick = await browser.submit(picker, "/team", { team: other.id }, { stopAt: REDIRECT });
    expect(afterPick.html).toContain("/confirm"); // consent for the third party comes after the team
    const callback = await throughConsent(browser, afterPick, REDIRECT);
    const tokens = await exchange(thirdParty, callback, req);
    expect(await accessClaims(tokens.access_token)).toMatchObject({ team: { id: other.id }, role: "developer" });
    const [selected] = await events(user.id, "login.team_selected");
    expect(selected!.data).toMatchObject({ teamId: other.id });

    // the grant remembers the team: the next request for this app asks nothing
    const next = await authorizationRequest(thirdParty, REDIRECT, { scope: "openid roles", resource: API, prompt: "none" });
    const nextPage = await browser.go(next.url, { stopAt: REDIRECT });
    expect((await accessClaims((await exchange(thirdParty, nextPage, next)).access_token)).team).toMatchObject({ id: other.id });
  });

  it("the account pages never ask for a team", async () => {
    const { user } = await twoTeamUser(t);
    const browser = new TestBrowser(t.url);
    const login = await browser.go(`${t.url}/account/teams`);
    expect(login.html).toContain('name="password"');
    const done = await browser.submit(login, "/login", { identifier: user.email, password: user.password });
    expect(done.url).toBe(`${t.url}/account/teams`);
  });
});
