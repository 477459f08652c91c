// examples/protected-api against a live Gatehouse: the notes API checks JWT access tokens with the shipped
// resource-server helper. A relying party registers the API's permissions (read for developers and managers,
// write for managers); real tokens from Gatehouse (client_credentials, and users signed in through the pages with
// a team) are accepted or refused as their permissions say; a token for another audience, an expired token and
// no token are refused with 401 and a WWW-Authenticate challenge.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import type http from "node:http";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { exchange, pickTeam, startSignIn, teamWithMembers } from "../helpers/team-flow.ts";
import { lateBoundServer, registerPermissions } from "../helpers/example-apps.ts";
import { createProtectedApi } from "../../examples/protected-api/api.ts";

const API = "https://api.example.test"; // in the test app's RESOURCE_SERVERS
const REDIRECT = "https://notes.example.test/callback";
const READ = "example.notes.note.read";
const WRITE = "example.notes.note.write";

describe("example protected API (examples/protected-api)", () => {
  let t: TestApp;
  let rp: client.Configuration;
  let api: Awaited<ReturnType<typeof lateBoundServer>>;
  let later: Awaited<ReturnType<typeof lateBoundServer>>;
  let team: Awaited<ReturnType<typeof teamWithMembers>>;

  const call = (base: string, method: string, path: string, token?: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  const serve = (server: http.Server) => (req: http.IncomingMessage, res: http.ServerResponse) => server.emit("request", req, res);

  /** a user token for `resource`, signed in through the pages with the team picked */
  async function userToken(user: { email: string; password: string }, resource = API): Promise<string> {
    const browser = new TestBrowser(t.url);
    const { req, page } = await startSignIn(
      rp,
      browser,
      REDIRECT,
      { identifier: user.email, password: user.password },
      { resource, team: team.teamId },
    );
    const callback = page.html.includes('name="team"') ? await pickTeam(browser, page, team.teamId, REDIRECT) : page;
    return (await exchange(rp, callback, req)).access_token;
  }

  beforeAll(async () => {
    t = await startTestApp();
    const { clientId, clientSecret } = await t.createClient({
      name: "Notes app",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty: true,
      grantTypes: ["authorization_code", "refresh_token", "client_credentials"],
      resources: [API, `${t.url}/api`],
      scope: "openid profile email offline_access roles",
      permissionNamespace: "example.notes",
    });
    rp = await discover(t.url, clientId, clientSecret);
    await registerPermissions(t.url, rp, {
      [READ]: { label: "Read notes", tab: "Notes", roles: ["manager", "developer"] },
      [WRITE]: { label: "Write notes", tab: "Notes", roles: ["manager"] },
    });
    team = await teamWithMembers(t, "Notes", "manager", "developer");
    api = await lateBoundServer();
    api.serve(serve(createProtectedApi({ issuer: t.url, audience: API })));
    // the same API one hour later: every token issued now has expired by then (ACCESS_TOKEN_TTL is 15 minutes)
    later = await lateBoundServer();
    later.serve(serve(createProtectedApi({ issuer: t.url, audience: API, currentDate: () => new Date(Date.now() + 3600_000) })));
  });
  afterAll(async () => {
    await api?.close();
    await later?.close();
    await t?.close();
  });

  it("a developer's token reads notes but may not write them; a manager's writes", async () => {
    const manager = team.members[0]!;
    const developer = team.members[1]!;
    const devToken = await userToken(developer);
    const who = await call(api.url, "GET", "/whoami", devToken);
    expect(who.status).toBe(200);
    expect(await who.json()).toMatchObject({
      sub: developer.id,
      team: { id: team.teamId, slug: team.slug },
      role: "developer",
      permissions: [READ],
    });
    expect((await call(api.url, "GET", "/notes", devToken)).status).toBe(200);

    const refused = await call(api.url, "POST", "/notes", devToken, { text: "hello" });
    expect(refused.status).toBe(403);
    expect(refused.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
    expect(await refused.json()).toEqual({ error: "insufficient_permission", message: `This needs the permission "${WRITE}".` });

    const mgrToken = await userToken(manager);
    const created = await call(api.url, "POST", "/notes", mgrToken, { text: "hello" });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ id: 1, text: "hello", author: manager.id });
    const bad = await call(api.url, "POST", "/notes", mgrToken, { text: "" });
    expect(bad.status).toBe(400);
    const list = await call(api.url, "GET", "/notes", devToken);
    expect(((await list.json()) as { notes: unknown[] }).notes).toHaveLength(1);
  }, 60_000);

  it("a client_credentials token is a valid token without permissions: /whoami yes, notes no", async () => {
    const { access_token } = await client.clientCredentialsGrant(rp, { resource: API });
    const who = await call(api.url, "GET", "/whoami", access_token);
    expect(who.status).toBe(200);
    expect(await who.json()).toMatchObject({ sub: rp.clientMetadata().client_id, team: null, role: null, permissions: [] });
    const notes = await call(api.url, "GET", "/notes", access_token);
    expect(notes.status).toBe(403);
    expect(await notes.json()).toMatchObject({ error: "insufficient_permission" });
  });

  it("refuses a token for another audience, an expired token and no token, with 401", async () => {
    const manager = team.members[0]!;
    // a manager's token for Gatehouse's own API: genuine, signed, but not for this one
    const other = await call(api.url, "GET", "/whoami", await userToken(manager, `${t.url}/api`));
    expect(other.status).toBe(401);
    expect(other.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect(await other.json()).toEqual({ error: "invalid_token", message: "The access token is not for this service." });

    const { access_token } = await client.clientCredentialsGrant(rp, { resource: API });
    expect((await call(api.url, "GET", "/whoami", access_token)).status).toBe(200);
    const expired = await call(later.url, "GET", "/whoami", access_token);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual({ error: "invalid_token", message: "The access token has expired." });

    const none = await call(api.url, "GET", "/notes");
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe('Bearer realm="notes"');
    const tampered = await call(api.url, "GET", "/whoami", `${access_token.slice(0, -4)}AAAA`);
    expect(tampered.status).toBe(401);
  }, 60_000);
});
