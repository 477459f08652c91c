// Teams for sign-in tests: a user in several teams (created through the real team service, memberships added
// with the team queries), and an authorization driven through the real pages: password, then the team page
// when it comes, then consent when asked, then the token request with openid-client.
import * as client from "openid-client";
import { TestBrowser, type Page } from "./browser.ts";
import type { TestApp } from "./test-app.ts";
import { authorizationRequest } from "./totp-login.ts";
import type { Credentials } from "./oidc-flow.ts";

export type TestTeam = { id: string; slug: string; name: string };
let teamCounter = 0;

/** a new team owned by `ownerId` (through app.services.teams.createTeam, with its built-in roles) */
export async function createTeam(
  t: TestApp,
  ownerId: string,
  name = `Team ${Date.now().toString(36)} ${++teamCounter}`,
): Promise<TestTeam> {
  const created = await t.app.services.teams.createTeam(ownerId, { name });
  if (created.outcome !== "created") throw new Error(`team not created: ${created.message}`);
  return { id: created.teamId, slug: created.slug, name };
}

/** makes `userId` a member of `team` with one of its roles (by key) */
export async function addMember(t: TestApp, team: TestTeam, userId: string, roleKey = "developer"): Promise<void> {
  const role = await t.app.queries.teams.roleByKey(team.id, roleKey);
  if (!role) throw new Error(`no role ${roleKey} in ${team.slug}`);
  await t.app.queries.teams.addMember(team.id, userId, role.id);
}

/** a verified user who owns one team and is a developer in another (owned by someone else) */
export async function twoTeamUser(t: TestApp) {
  const user = await t.createUser();
  const owner = await t.createUser();
  const own = await createTeam(t, user.id);
  const other = await createTeam(t, owner.id);
  await addMember(t, other, user.id, "developer");
  return { user, own, other };
}

/** follows consent (when asked) until the relying party's redirect; the page it stopped at otherwise */
export async function throughConsent(browser: TestBrowser, page: Page, redirectUri: string): Promise<Page> {
  if (!page.url.startsWith(redirectUri) && page.url.includes("/interaction/") && page.html.includes("/confirm")) {
    return browser.submit(page, "/confirm", {}, { stopAt: redirectUri });
  }
  return page;
}

/** an authorization request: the login page, the password; returns the page after it (the team page, or the callback) */
export async function startSignIn(
  rp: client.Configuration,
  browser: TestBrowser,
  redirectUri: string,
  creds: Credentials,
  extra: Record<string, string> = {},
) {
  const req = await authorizationRequest(rp, redirectUri, { scope: "openid offline_access roles", prompt: "consent", ...extra });
  const login = await browser.go(req.url, { stopAt: redirectUri });
  if (!login.html.includes('name="password"'))
    throw new Error(`expected the login page, got ${login.status} ${login.url}\n${login.html.slice(0, 1500)}`);
  const after = await browser.submit(login, "/login", { identifier: creds.identifier, password: creds.password }, { stopAt: redirectUri });
  return { req, page: await throughConsent(browser, after, redirectUri) };
}

/** picks a team on the team page and follows on to the relying party */
export async function pickTeam(browser: TestBrowser, teamPage: Page, teamId: string, redirectUri: string): Promise<Page> {
  if (!teamPage.html.includes('name="team"'))
    throw new Error(`expected the team page, got ${teamPage.status} ${teamPage.url}\n${teamPage.html.slice(0, 1500)}`);
  return throughConsent(browser, await browser.submit(teamPage, "/team", { team: teamId }, { stopAt: redirectUri }), redirectUri);
}

/** the token request for a callback the relying party received */
export async function exchange(rp: client.Configuration, callback: Page | string, req: { verifier: string; state: string; nonce: string }) {
  const url = typeof callback === "string" ? callback : callback.url;
  return client.authorizationCodeGrant(rp, new URL(url), {
    pkceCodeVerifier: req.verifier,
    expectedState: req.state,
    expectedNonce: req.nonce,
    idTokenExpected: true,
  });
}

/** the team ids a team page offers (its radio buttons) */
export const offeredTeams = (page: Page) =>
  [...page.html.matchAll(/<input id="team-\d+" name="team" type="radio" value="([^"]+)"/g)].map((m) => m[1]!);

let teamWithMembersCounter = 0;

/** a team with a fresh Owner, and a fresh member for each of the given role keys ("manager", "developer" …) */
export async function teamWithMembers(t: TestApp, tag: string, ...roleKeys: string[]) {
  const owner = await t.createUser();
  const n = ++teamWithMembersCounter;
  const name = `${tag} team ${n}`;
  const slug = `${tag.toLowerCase()}-${Date.now().toString(36)}-${n}`;
  const created = await t.app.services.teams.createTeam(owner.id, { name, slug });
  if (created.outcome !== "created") throw new Error(`team not created: ${created.message}`);
  const members = [];
  for (const key of roleKeys) {
    const user = await t.createUser();
    await t.app.queries.teams.addMember(created.teamId, user.id, (await t.app.queries.teams.roleByKey(created.teamId, key))!.id);
    members.push(user);
  }
  return { teamId: created.teamId, slug, name, owner, members };
}
