// What tokens say about the team, with openid-client as the relying party and jose against the JWKS: JWT access
// tokens carry team {id, slug}, role (its key) and permissions (the role's resolved registered codes); the ID
// token and userinfo carry team and role only with the `roles` scope; claims are computed at issuance, so a
// role change shows in the next token, removal without revocation drops the claims, and removal with the
// team's grants revoked kills the refresh token.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from "jose";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { createTeam, exchange, pickTeam, startSignIn, twoTeamUser } from "../helpers/team-flow.ts";

const REDIRECT = "https://rp.example.test/callback";
const API = "https://api.example.test";

describe("team, role and permissions in tokens", () => {
  let t: TestApp;
  let rp: client.Configuration;
  let jwks: ReturnType<typeof createRemoteJWKSet>;
  // Gatehouse's own API: tokens for it carry the team-level core codes (tokens for an app's API carry the apps')
  let GH_API: string;

  beforeAll(async () => {
    t = await startTestApp();
    GH_API = `${t.url}/api`;
    const { clientId, clientSecret } = await t.createClient({
      name: "Claims RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty: true,
      grantTypes: ["authorization_code", "refresh_token", "client_credentials"],
      resources: [API, GH_API],
      scope: "openid profile email offline_access roles",
    });
    rp = await discover(t.url, clientId, clientSecret);
    jwks = createRemoteJWKSet(new URL(rp.serverMetadata().jwks_uri!));
  });
  afterAll(async () => {
    await t?.close();
  });

  const accessClaims = async (token: string, audience = GH_API): Promise<JWTPayload> =>
    (await jwtVerify(token, jwks, { issuer: t.url, audience, typ: "at+jwt", algorithms: ["ES256"] })).payload;
  const creds = (u: { email: string; password: string }) => ({ identifier: u.email, password: u.password });
  /** what a team role's grants give in a token for Gatehouse's API: the team-level core codes they cover */
  const resolve = (grants: string[]) => t.app.services.permissions.resolve(grants).filter((c) => c.startsWith("gatehouse.team."));
  const roleOf = async (teamId: string, key: string) => (await t.app.queries.teams.roleByKey(teamId, key))!;

  /** a sign-in of a two-team user with a picked team; tokens for the API (JWT) or, without resource, for userinfo */
  async function signIn(user: { email: string; password: string }, teamId: string, extra: Record<string, string> = {}) {
    const browser = new TestBrowser(t.url);
    const { req, page } = await startSignIn(rp, browser, REDIRECT, creds(user), extra);
    return exchange(rp, await pickTeam(browser, page, teamId, REDIRECT), req);
  }

  it("the JWT access token carries the team, the role's key and its resolved permissions; the ID token team and role", async () => {
    const { user, own, other } = await twoTeamUser(t);
    const developer = await roleOf(other.id, "developer");
    const tokens = await signIn(user, other.id, { resource: GH_API });
    const at = await accessClaims(tokens.access_token);
    expect(at.sub).toBe(user.id);
    expect(at.team).toEqual({ id: other.id, slug: other.slug });
    expect(at.role).toBe("developer");
    expect(at.permissions).toEqual(resolve(developer.permissions));
    expect(at.permissions).toContain("gatehouse.team.read");
    expect(at.permissions).not.toContain("gatehouse.team.update");
    expect(at.permissions).not.toContain("gatehouse.team.billing.manage");
    const id = tokens.claims()!;
    expect(id.team).toEqual({ id: other.id, slug: other.slug, name: other.name });
    expect(id.role).toBe("developer");
    expect(id).not.toHaveProperty("permissions");

    // the Owner's "*" is every team-level code, spelled out, and never an admin code (only a system role gives those)
    const owned = await accessClaims((await signIn(user, own.id, { resource: GH_API })).access_token);
    expect(owned.role).toBe("owner");
    expect(owned.permissions).toEqual(
      t.app.services.permissions
        .list()
        .map((p) => p.code)
        .filter((c) => c.startsWith("gatehouse.team."))
        .sort(),
    );
    expect((owned.permissions as string[]).some((c) => c.startsWith("gatehouse.admin."))).toBe(false);

    // a token for an app's own API carries the team and role but none of Gatehouse's codes
    const forApp = await accessClaims((await signIn(user, own.id, { resource: API })).access_token, API);
    expect(forApp.team).toEqual({ id: own.id, slug: own.slug });
    expect(forApp.role).toBe("owner");
    expect(forApp.permissions).toEqual([]);
  });

  it("the JWT access token carries `scope` when the client asked for the API's scope, and none otherwise (as the README says)", async () => {
    const { user, other } = await twoTeamUser(t);
    const asked = await accessClaims(
      (await signIn(user, other.id, { resource: GH_API, scope: "openid offline_access roles api" })).access_token,
    );
    expect(asked.scope).toBe("api");
    const notAsked = await accessClaims((await signIn(user, other.id, { resource: GH_API })).access_token);
    expect(notAsked).not.toHaveProperty("scope");
  });

  it("a custom role's wildcard grant is resolved to the codes it covers", async () => {
    const { user, other } = await twoTeamUser(t);
    const viewer = await t.app.queries.teams.createRole(other.id, {
      key: "team-admin",
      name: "Team admin",
      permissions: ["gatehouse.team.*"],
    });
    await t.app.queries.teams.setMemberRole(other.id, user.id, viewer.id);
    const at = await accessClaims((await signIn(user, other.id, { resource: GH_API })).access_token);
    expect(at.role).toBe("team-admin");
    const codes = at.permissions as string[];
    expect(codes).toEqual(
      t.app.services.permissions
        .list()
        .map((p) => p.code)
        .filter((c) => c.startsWith("gatehouse.team."))
        .sort(),
    );
    expect(codes).not.toContain("gatehouse.team.*");
  });

  it("the ID token and userinfo say team and role with the roles scope, and not without it", async () => {
    const { user, other } = await twoTeamUser(t);
    const withRoles = await signIn(user, other.id, { scope: "openid profile offline_access roles" });
    expect(withRoles.claims()).toMatchObject({ team: { id: other.id, slug: other.slug }, role: "developer" });
    const info = await client.fetchUserInfo(rp, withRoles.access_token, user.id);
    expect(info.team).toEqual({ id: other.id, slug: other.slug, name: other.name });
    expect(info.role).toBe("developer");
    expect(info).not.toHaveProperty("permissions");

    const without = await signIn(user, other.id, { scope: "openid profile offline_access" });
    expect(without.claims()).not.toHaveProperty("team");
    expect(without.claims()).not.toHaveProperty("role");
    const plain = await client.fetchUserInfo(rp, without.access_token, user.id);
    expect(plain.preferred_username).toBe(user.username);
    expect(plain).not.toHaveProperty("team");
    expect(plain).not.toHaveProperty("role");
    // the refreshed ID token follows the same rule
    expect((await client.refreshTokenGrant(rp, without.refresh_token!)).claims()).not.toHaveProperty("team");
    expect((await client.refreshTokenGrant(rp, withRoles.refresh_token!)).claims()).toMatchObject({ role: "developer" });
  });

  it("a role change shows in the next token: the refresh carries the new role and its permissions", async () => {
    const { user, other } = await twoTeamUser(t);
    const tokens = await signIn(user, other.id, { resource: GH_API });
    expect((await accessClaims(tokens.access_token)).role).toBe("developer");
    const manager = await roleOf(other.id, "manager");
    await t.app.queries.teams.setMemberRole(other.id, user.id, manager.id);
    const refreshed = await client.refreshTokenGrant(rp, tokens.refresh_token!);
    const at = await accessClaims(refreshed.access_token);
    expect(at.role).toBe("manager");
    expect(at.permissions).toEqual(resolve(manager.permissions));
    expect(at.permissions).toContain("gatehouse.team.update");
    expect(refreshed.claims()!.role).toBe("manager");

    // the role's own permissions changing shows too
    await t.app.queries.teams.updateRole(manager.id, { permissions: ["gatehouse.team.read"] });
    const again = await accessClaims((await client.refreshTokenGrant(rp, refreshed.refresh_token!)).access_token);
    expect(again.permissions).toEqual(["gatehouse.team.read"]);
  });

  it("removed from the team with its grants revoked: the refresh token fails; the other team's tokens live on", async () => {
    const { user, own, other } = await twoTeamUser(t);
    const inOther = await signIn(user, other.id, { resource: GH_API });
    const inOwn = await signIn(user, own.id, { resource: GH_API });
    await t.app.queries.teams.removeMember(other.id, user.id);
    expect(await t.app.services.oidcStore.revokeTeamGrants(user.id, other.id)).toBeGreaterThanOrEqual(1);
    await expect(client.refreshTokenGrant(rp, inOther.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
    // the sign-in into the user's own team (another session, so another grant) is untouched
    const refreshed = await client.refreshTokenGrant(rp, inOwn.refresh_token!);
    expect((await accessClaims(refreshed.access_token)).team).toEqual({ id: own.id, slug: own.slug });
  });

  it("no longer a member but the grant not revoked: the next tokens carry no team at all", async () => {
    const { user, other } = await twoTeamUser(t);
    const tokens = await signIn(user, other.id, { resource: GH_API, scope: "openid offline_access roles" });
    await t.app.queries.teams.removeMember(other.id, user.id);
    const refreshed = await client.refreshTokenGrant(rp, tokens.refresh_token!);
    const at = await accessClaims(refreshed.access_token);
    expect(at.sub).toBe(user.id);
    expect(at).not.toHaveProperty("team");
    expect(at).not.toHaveProperty("role");
    expect(at).not.toHaveProperty("permissions");
    expect(refreshed.claims()).not.toHaveProperty("team");
    expect(refreshed.claims()).not.toHaveProperty("role");
  });

  it("client credentials tokens carry no team claims", async () => {
    await createTeam(t, (await t.createUser()).id);
    const tokens = await client.clientCredentialsGrant(rp, { resource: GH_API });
    const at = await accessClaims(tokens.access_token);
    expect(at.sub).toBe(rp.clientMetadata().client_id);
    expect(at).not.toHaveProperty("team");
    expect(at).not.toHaveProperty("permissions");
  });
});
