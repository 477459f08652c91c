// The admin API for users' sessions: an administrator (system role with gatehouse.admin.users.read / .manage,
// signed in through a relying party for ISSUER/api) lists a user's sessions, revokes one or all (the user's
// refresh tokens then fail, audited with the admin as actor); an unknown user is 404, a malformed id 400; no
// token is 401; a client_credentials token, a user without a system role, and a reader trying DELETE are 403
// and change nothing.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";
import { FIREFOX_LINUX, asksToSignIn, tryRefresh } from "../helpers/sessions.ts";

const REDIRECT = "https://admin.example.test/callback";
type Answer = {
  code?: string;
  message?: string;
  sessions?: { id: string; userId: string; browser: string | null; location: string; clients: string[] }[];
  nextCursor?: string | null;
  ended?: string[];
};

describe("admin sessions API", () => {
  let t: TestApp;
  let rp: client.Configuration;
  let API: string;
  let adminToken: string;
  let readerToken: string;
  let plainToken: string;
  let clientToken: string;
  let adminId: string;

  const userToken = async (user: { email: string; password: string }) =>
    (
      await loginWithCode(
        rp,
        new TestBrowser(t.url),
        REDIRECT,
        { identifier: user.email, password: user.password },
        { resource: API, scope: "openid" },
      )
    ).tokens.access_token;
  const call = async (method: string, path: string, token: string | null) => {
    const res = await fetch(`${t.url}${path}`, {
      method,
      headers: { accept: "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Answer, headers: res.headers };
  };
  /** a user signed in from two browsers, with each one's refresh token */
  async function userWithSessions() {
    const user = await t.createUser();
    const browsers = [new TestBrowser(t.url, FIREFOX_LINUX), new TestBrowser(t.url)];
    const refresh: string[] = [];
    for (const b of browsers)
      refresh.push((await loginWithCode(rp, b, REDIRECT, { identifier: user.email, password: user.password })).tokens.refresh_token!);
    return { user, browsers, refresh };
  }

  beforeAll(async () => {
    t = await startTestApp();
    API = `${t.url}/api`;
    const { clientId, clientSecret } = await t.createClient({
      name: "Admin console",
      type: "confidential",
      grantTypes: ["authorization_code", "refresh_token", "client_credentials"],
      redirectUris: [REDIRECT],
      resources: [API],
      firstParty: true,
    });
    rp = await discover(t.url, clientId, clientSecret);
    const roles = t.app.services.systemRoles;
    const reader = await roles.create({
      key: `reader_${Date.now().toString(36)}`,
      name: "User reader",
      permissions: ["gatehouse.admin.users.read"],
    });
    if (reader.outcome !== "created") throw new Error("role not created");
    const [admin, readerUser, plain] = [await t.createUser(), await t.createUser(), await t.createUser()];
    await roles.setUserRole(admin.id, "super_admin");
    adminId = admin.id;
    await roles.setUserRole(readerUser.id, reader.role.key);
    adminToken = await userToken(admin);
    readerToken = await userToken(readerUser);
    plainToken = await userToken(plain);
    clientToken = (await client.clientCredentialsGrant(rp, { resource: API })).access_token;
  });
  afterAll(async () => {
    await t?.close();
  });

  it("lists a user's live sessions for a reader and an admin", async () => {
    const s = await userWithSessions();
    for (const token of [readerToken, adminToken]) {
      const res = await call("GET", `/api/v1/users/${s.user.id}/sessions`, token);
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.body.sessions).toHaveLength(2);
      expect(res.body.nextCursor).toBeNull();
      expect(res.body.sessions!.map((x) => x.browser)).toContain("Firefox 128");
      expect(res.body.sessions![0]).toMatchObject({
        userId: s.user.id,
        location: "unknown location",
        clients: [rp.clientMetadata().client_id],
      });
    }
  });

  it("an admin revokes one session, then all: the user's refresh tokens fail; audited with the admin as actor", async () => {
    const s = await userWithSessions();
    const listed = (await call("GET", `/api/v1/users/${s.user.id}/sessions`, adminToken)).body.sessions!;
    const firefox = listed.find((x) => x.browser === "Firefox 128")!;
    const one = await call("DELETE", `/api/v1/users/${s.user.id}/sessions/${firefox.id}`, adminToken);
    expect(one.status).toBe(204);
    expect(await tryRefresh(rp, s.refresh[0]!)).toEqual({ ok: false, error: "invalid_grant" });
    expect(await asksToSignIn(s.browsers[0]!, t.url)).toBe(true);
    expect((await tryRefresh(rp, s.refresh[1]!)).ok).toBe(true);
    expect(await t.app.queries.userSessions.find(firefox.id)).toMatchObject({ endReason: "revoked_by_admin" });
    const event = (await t.app.queries.auditEvents.listByType("session.revoked")).find((e) => e.userId === s.user.id)!;
    expect(event.actorId).toBe(adminId);
    expect(event.data).toMatchObject({ sessionId: firefox.id, reason: "revoked_by_admin", via: "api" });

    expect((await call("DELETE", `/api/v1/users/${s.user.id}/sessions/${firefox.id}`, adminToken)).status).toBe(404);
    const all = await call("DELETE", `/api/v1/users/${s.user.id}/sessions`, adminToken);
    expect(all.status).toBe(200);
    expect(all.body.ended).toHaveLength(1);
    expect(await asksToSignIn(s.browsers[1]!, t.url)).toBe(true);
    expect((await call("GET", `/api/v1/users/${s.user.id}/sessions`, adminToken)).body.sessions).toEqual([]);
  });

  it("a session of another user is a 404 and stays alive; an unknown user 404, a malformed id 400", async () => {
    const a = await userWithSessions();
    const b = await t.createUser();
    const session = (await t.app.services.sessions.listActive(a.user.id))[0]!;
    const res = await call("DELETE", `/api/v1/users/${b.id}/sessions/${session.id}`, adminToken);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("session.not_found");
    expect(await t.app.services.sessions.listActive(a.user.id)).toHaveLength(2);
    // an unknown user is a 404; a malformed id is the registry's 400 (it was a 404 before the routes were declared)
    const unknown = await call("GET", "/api/v1/users/00000000-0000-4000-8000-000000000000/sessions", adminToken);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe("user.not_found");
    for (const path of ["/api/v1/users/not-a-uuid/sessions", `/api/v1/users/${a.user.id}/sessions/not%20a%20session`]) {
      const malformed = await call(path.endsWith("sessions") ? "GET" : "DELETE", path, adminToken);
      expect(malformed.status, path).toBe(400);
      expect(malformed.body.code).toBe("request.invalid");
    }
    expect(await t.app.services.sessions.listActive(a.user.id)).toHaveLength(2);
  });

  it("refuses every lower role: no token 401; client token, user without a role, reader deleting 403", async () => {
    const s = await userWithSessions();
    const one = (await t.app.services.sessions.listActive(s.user.id))[0]!;
    const list = `/api/v1/users/${s.user.id}/sessions`;
    const noToken = await call("GET", list, null);
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get("www-authenticate")).toMatch(/^Bearer/);
    for (const [token, method, path] of [
      [clientToken, "GET", list],
      [clientToken, "DELETE", list],
      [clientToken, "DELETE", `${list}/${one.id}`],
      [plainToken, "GET", list],
      [plainToken, "DELETE", list],
      [plainToken, "DELETE", `${list}/${one.id}`],
      [readerToken, "DELETE", list],
      [readerToken, "DELETE", `${list}/${one.id}`],
    ] as const) {
      const res = await call(method, path, token);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.code).toMatch(/^(token\.user_required|permission\.denied)$/);
      expect(typeof res.body.message).toBe("string");
    }
    expect(await t.app.services.sessions.listActive(s.user.id)).toHaveLength(2);
    for (const r of s.refresh) expect((await tryRefresh(rp, r)).ok).toBe(true);
    expect((await call("PUT", list, adminToken)).status).toBe(405);
  });
});
