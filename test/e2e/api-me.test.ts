// The self-service API (/api/v1/me...) against a real Gatehouse (Postgres, Redis) with real access tokens for
// ISSUER/api from the authorization code flow (openid-client): the profile has exactly its fields; sessions
// are listed with the token's own marked current, paged by cursor (two pages, no duplicates, the same order),
// and revoking one really ends it (its refresh token fails; audited with the user as actor); trusted devices
// are listed, paged and revoked (audited); the two-factor state and team memberships (role and resolved
// permissions) are right. No token is 401, a client_credentials token 403 token.user_required, another user's
// session or device 404 (and it stays), a bad cursor or limit 400 with the zod issues.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { decodeJwt } from "jose";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";
import { FIREFOX_LINUX, SAFARI_MAC, tryRefresh } from "../helpers/sessions.ts";
import { enableTotp, manualClock } from "../helpers/totp-login.ts";

const REDIRECT = "https://me.example.test/callback";
type Json = Record<string, unknown> & { code?: string; message?: string; data?: Record<string, unknown>; nextCursor?: string | null };
type Session = { id: string; current: boolean; browser: string | null; clients: string[] };
type Device = { id: string; label: string };
type User = { id: string; email: string; username: string; password: string };

const ME_ROUTES: [string, string][] = [
  ["GET", "/api/v1/me"],
  ["GET", "/api/v1/me/sessions"],
  ["DELETE", "/api/v1/me/sessions/abc"],
  ["GET", "/api/v1/me/devices"],
  ["DELETE", "/api/v1/me/devices/00000000-0000-4000-8000-000000000000"],
  ["GET", "/api/v1/me/two-factor"],
  ["GET", "/api/v1/me/teams"],
];

describe("self-service API (me)", () => {
  let t: TestApp;
  let rp: client.Configuration;
  let API: string;
  let clientId: string;

  const signIn = async (user: User, userAgent?: string) => {
    const browser = new TestBrowser(t.url, userAgent);
    const { tokens } = await loginWithCode(rp, browser, REDIRECT, { identifier: user.email, password: user.password }, { resource: API });
    return { token: tokens.access_token, refresh: tokens.refresh_token!, browser };
  };
  const call = async (method: string, path: string, token: string | null) => {
    const res = await fetch(`${t.url}${path}`, {
      method,
      headers: { accept: "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json, headers: res.headers };
  };
  const request = { ip: "127.0.0.1", userAgent: FIREFOX_LINUX };
  /** every page of a list, following nextCursor */
  async function allPages<T>(path: string, key: string, token: string, limit: number): Promise<{ pages: T[][]; items: T[] }> {
    const pages: T[][] = [];
    let cursor: string | null | undefined;
    do {
      const res = await call("GET", `${path}?limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`, token);
      expect(res.status).toBe(200);
      pages.push(res.body[key] as T[]);
      cursor = res.body.nextCursor;
      expect(pages.length).toBeLessThan(20);
    } while (cursor);
    return { pages, items: pages.flat() };
  }

  beforeAll(async () => {
    t = await startTestApp();
    API = `${t.url}/api`;
    const created = await t.createClient({
      name: "Me console",
      type: "confidential",
      grantTypes: ["authorization_code", "refresh_token", "client_credentials"],
      redirectUris: [REDIRECT],
      resources: [API],
      firstParty: true,
    });
    clientId = created.clientId;
    rp = await discover(t.url, created.clientId, created.clientSecret);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("GET /me: exactly the profile fields, never a hash or secret", async () => {
    const user = await t.createUser();
    await t.app.services.systemRoles.setUserRole(user.id, "super_admin");
    const { token } = await signIn(user);
    const res = await call("GET", "/api/v1/me", token);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const row = (await t.app.queries.users.findById(user.id))!;
    expect(res.body).toEqual({
      id: user.id,
      email: user.email,
      username: user.username,
      name: null,
      emailVerified: true,
      createdAt: row.createdAt.toISOString(),
      systemRole: "super_admin",
    });
  });

  it("sessions: the live ones, the token's own marked current, paged by cursor without duplicates in a stable order", async () => {
    const user = await t.createUser();
    await signIn(user, FIREFOX_LINUX);
    await signIn(user, SAFARI_MAC);
    const { token } = await signIn(user);
    const whole = await call("GET", "/api/v1/me/sessions", token);
    expect(whole.status).toBe(200);
    const sessions = whole.body.sessions as Session[];
    expect(sessions).toHaveLength(3);
    expect(whole.body.nextCursor).toBeNull();
    expect(Object.keys(sessions[0]!).sort()).toEqual([
      "browser",
      "city",
      "clients",
      "countryCode",
      "current",
      "deviceType",
      "expiresAt",
      "id",
      "ip",
      "lastActiveAt",
      "location",
      "os",
      "remember",
      "startedAt",
    ]);
    const current = sessions.filter((s) => s.current);
    expect(current).toHaveLength(1);
    expect(current[0]!.id).toBe(decodeJwt(token).sid);
    expect(sessions.every((s) => s.clients.includes(clientId))).toBe(true);
    expect(sessions.map((s) => s.browser)).toEqual(expect.arrayContaining(["Firefox 128", "Safari 17"]));

    const byTwo = await allPages<Session>("/api/v1/me/sessions", "sessions", token, 2);
    expect(byTwo.pages.map((p) => p.length)).toEqual([2, 1]);
    expect(byTwo.items.map((s) => s.id)).toEqual(sessions.map((s) => s.id));
    const byOne = await allPages<Session>("/api/v1/me/sessions", "sessions", token, 1);
    expect(byOne.pages.map((p) => p.length)).toEqual([1, 1, 1]);
    expect(new Set(byOne.items.map((s) => s.id)).size).toBe(3);
    expect(byOne.items.map((s) => s.id)).toEqual(sessions.map((s) => s.id));
  });

  it("DELETE /me/sessions/:id ends the session (its refresh token fails), audited; again, unknown or another user's: 404", async () => {
    const user = await t.createUser();
    const other = await signIn(user, FIREFOX_LINUX);
    const { token } = await signIn(user);
    const target = ((await call("GET", "/api/v1/me/sessions", token)).body.sessions as Session[]).find((s) => !s.current)!;
    const res = await call("DELETE", `/api/v1/me/sessions/${target.id}`, token);
    expect(res.status).toBe(204);
    expect(await tryRefresh(rp, other.refresh)).toEqual({ ok: false, error: "invalid_grant" });
    expect(await t.app.queries.userSessions.find(target.id)).toMatchObject({ endReason: "revoked" });
    const listed = (await call("GET", "/api/v1/me/sessions", token)).body.sessions as Session[];
    expect(listed.map((s) => s.id)).not.toContain(target.id);
    const events = (await t.app.queries.auditEvents.listByType("session.revoked")).filter((e) => e.userId === user.id);
    expect(events.find((e) => e.outcome === "success")).toMatchObject({
      actorId: user.id,
      data: expect.objectContaining({ sessionId: target.id, reason: "revoked" }),
    });

    const again = await call("DELETE", `/api/v1/me/sessions/${target.id}`, token);
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ code: "session.not_found", data: {} });
    expect(
      (await t.app.queries.auditEvents.listByType("session.revoked")).find((e) => e.userId === user.id && e.outcome === "failure")?.data,
    ).toMatchObject({ sessionId: target.id, reason: "not_found" });
    expect((await call("DELETE", "/api/v1/me/sessions/no-such-session", token)).status).toBe(404);

    const stranger = await t.createUser();
    const theirs = await signIn(stranger, SAFARI_MAC);
    const theirSession = (await t.app.services.sessions.listActive(stranger.id))[0]!;
    const foreign = await call("DELETE", `/api/v1/me/sessions/${theirSession.id}`, token);
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe("session.not_found");
    expect(await t.app.services.sessions.listActive(stranger.id)).toHaveLength(1);
    expect((await tryRefresh(rp, theirs.refresh)).ok).toBe(true);
  });

  it("devices: listed and paged, revoked (audited); again, another user's: 404; a malformed id: 400", async () => {
    const user = await t.createUser();
    const { token } = await signIn(user);
    const trusted: string[] = [];
    for (let i = 0; i < 3; i++) trusted.push((await t.app.services.devices.trust(user.id, undefined, "code", request)).device.id);
    const whole = await call("GET", "/api/v1/me/devices", token);
    expect(whole.status).toBe(200);
    const devices = whole.body.devices as Device[];
    expect(devices.map((d) => d.id).sort()).toEqual([...trusted].sort());
    expect(Object.keys(devices[0]!).sort()).toEqual(["countryCode", "createdAt", "expiresAt", "id", "ip", "label", "lastUsedAt"]);
    expect(devices[0]!.label).toBe("Firefox 128 on Ubuntu");
    const paged = await allPages<Device>("/api/v1/me/devices", "devices", token, 2);
    expect(paged.pages.map((p) => p.length)).toEqual([2, 1]);
    expect(paged.items.map((d) => d.id)).toEqual(devices.map((d) => d.id));

    const res = await call("DELETE", `/api/v1/me/devices/${trusted[0]}`, token);
    expect(res.status).toBe(204);
    expect(((await call("GET", "/api/v1/me/devices", token)).body.devices as Device[]).map((d) => d.id)).not.toContain(trusted[0]);
    expect(
      (await t.app.queries.auditEvents.listByType("device.revoked")).find((e) => e.userId === user.id && e.outcome === "success")?.data,
    ).toMatchObject({ deviceId: trusted[0], count: 1 });
    const again = await call("DELETE", `/api/v1/me/devices/${trusted[0]}`, token);
    expect(again.status).toBe(404);
    expect(again.body.code).toBe("device.not_found");

    const stranger = await t.createUser();
    const theirs = (await t.app.services.devices.trust(stranger.id, undefined, "code", request)).device;
    expect((await call("DELETE", `/api/v1/me/devices/${theirs.id}`, token)).status).toBe(404);
    expect((await t.app.services.devices.list(stranger.id, undefined)).map((d) => d.id)).toEqual([theirs.id]);
    const malformed = await call("DELETE", "/api/v1/me/devices/not-a-uuid", token);
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({
      code: "request.invalid",
      data: { issues: [expect.objectContaining({ path: ["params", "deviceId"] })] },
    });
  });

  it("two-factor: off, then on with the backup codes left", async () => {
    const user = await t.createUser();
    const { token } = await signIn(user);
    expect((await call("GET", "/api/v1/me/two-factor", token)).body).toEqual({ enabled: false, enabledAt: null, backupCodesLeft: 0 });
    const { backupCodes } = await enableTotp(t, manualClock(), user);
    const row = (await t.app.queries.users.findById(user.id))!;
    expect((await t.app.services.totp.verifyCode(row, backupCodes[0]!)).outcome).toBe("ok");
    const on = await call("GET", "/api/v1/me/two-factor", token);
    expect(on.status).toBe(200);
    expect(on.body).toEqual({ enabled: true, enabledAt: row.totpEnabledAt!.toISOString(), backupCodesLeft: backupCodes.length - 1 });
  });

  it("teams: memberships with team, role and the role's resolved permissions, paged", async () => {
    const user = await t.createUser();
    const { token } = await signIn(user);
    expect((await call("GET", "/api/v1/me/teams", token)).body).toEqual({ teams: [], nextCursor: null });
    const names = ["Alpha", "Beta", "Gamma"].map((n) => `${n} ${Date.now().toString(36)}`);
    for (const name of names) {
      const created = await t.app.services.teams.createTeam(user.id, { name });
      if (created.outcome !== "created") throw new Error(created.message);
    }
    const res = await call("GET", "/api/v1/me/teams", token);
    expect(res.status).toBe(200);
    const teams = res.body.teams as {
      team: { id: string; slug: string; name: string };
      role: { key: string; name: string };
      permissions: string[];
      joinedAt: string;
    }[];
    expect(teams.map((m) => m.team.name).sort()).toEqual([...names].sort());
    const membership = (await t.app.services.teams.membershipsOf(user.id))[0]!;
    const listed = teams.find((m) => m.team.id === membership.team.id)!;
    expect(listed).toEqual({
      team: { id: membership.team.id, slug: membership.team.slug, name: membership.team.name },
      role: { key: "owner", name: membership.role.name },
      permissions: t.app.services.teams.claimsOf(membership).permissions,
      joinedAt: membership.createdAt.toISOString(),
    });
    expect(listed.permissions).toContain("gatehouse.team.read");
    expect(listed.permissions.some((p) => p.startsWith("gatehouse.admin."))).toBe(false);
    const paged = await allPages<{ team: { id: string } }>("/api/v1/me/teams", "teams", token, 2);
    expect(paged.pages.map((p) => p.length)).toEqual([2, 1]);
    expect(paged.items.map((m) => m.team.id)).toEqual(teams.map((m) => m.team.id));
  });

  it("no token: 401 with WWW-Authenticate; a client_credentials token: 403 token.user_required", async () => {
    const clientToken = (await client.clientCredentialsGrant(rp, { resource: API })).access_token;
    for (const [method, path] of ME_ROUTES) {
      const none = await call(method, path, null);
      expect(none.status, `${method} ${path}`).toBe(401);
      expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(none.body).toMatchObject({ code: "invalid_token", data: {} });
      const asClient = await call(method, path, clientToken);
      expect(asClient.status, `${method} ${path}`).toBe(403);
      expect(asClient.body).toMatchObject({ code: "token.user_required", data: {} });
      expect(typeof asClient.body.message).toBe("string");
    }
  });

  it("a disabled user's token is refused (401)", async () => {
    const user = await t.createUser();
    const { token } = await signIn(user);
    await t.app.db.prisma.user.update({ where: { id: user.id }, data: { disabled: true } });
    const res = await call("GET", "/api/v1/me", token);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("invalid_token");
  });

  it("a bad cursor, limit or query: 400 request.invalid with the zod issues, for every paged list", async () => {
    const user = await t.createUser();
    const { token } = await signIn(user);
    const notAKey = Buffer.from(JSON.stringify({ a: 1 })).toString("base64url");
    const cases: [string, string][] = [
      ["limit=0", "limit"],
      ["limit=101", "limit"],
      ["limit=abc", "limit"],
      ["limit=1.5", "limit"],
      ["cursor=!!!", "cursor"],
      ["cursor=bm90IGpzb24", "cursor"],
      [`cursor=${notAKey}`, "cursor"],
      ["sort=desc", ""],
    ];
    for (const path of ["/api/v1/me/sessions", "/api/v1/me/devices", "/api/v1/me/teams"]) {
      for (const [query, field] of cases) {
        const res = await call("GET", `${path}?${query}`, token);
        expect(res.status, `${path}?${query}`).toBe(400);
        expect(res.body.code).toBe("request.invalid");
        const issues = res.body.data!.issues as { path: string[]; message: string; code: string }[];
        expect(issues.length, `${path}?${query}`).toBeGreaterThan(0);
        expect(issues[0]!.path[0]).toBe("query");
        if (field) expect(issues[0]!.path[1]).toBe(field);
      }
      expect((await call("GET", `${path}?limit=100`, token)).status).toBe(200);
    }
  });
});
