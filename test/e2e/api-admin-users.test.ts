// The provider admin users API against a real Gatehouse (Postgres, Redis, SMTP sink) with access tokens for
// ISSUER/api from the real login (openid-client): search with filters and cursor pages, one user's whole picture
// with exactly the fields an admin may see (never a hash or secret), and each action's real effect: disable ends
// every session (the user's refresh tokens fail, their API token is refused, sign-in refused), enable, unlock,
// reset 2FA, sign out everywhere, the reset email, the system role (which needs roles.manage too). Refusals
// (yourself, the last Super Admin, a disabled account's reset) have their own codes and change nothing; each
// action is audited with the admin as actor. No token 401; a client token, no system role, a system role
// without the code 403, and nothing changes; bad input 400 with the zod issues.
import { CATALOGUE } from "../../src/lib/error-catalogue.ts";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { TestBrowser } from "../helpers/browser.ts";
import { tryRefresh } from "../helpers/sessions.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { authorizationRequest, enableTotp, manualClock, passwordStep } from "../helpers/totp-login.ts";
import { addMember, createTeam } from "../helpers/team-flow.ts";
import { API_REDIRECT, startAdminApi, type AdminUsersApi, type ApiUser as TestUser } from "../helpers/api.ts";

type ApiUser = Record<string, unknown> & { id: string };
const USER_FIELDS = [
  "createdAt",
  "disabled",
  "disabledAt",
  "email",
  "emailVerified",
  "id",
  "lastLoginAt",
  "name",
  "passwordChangedAt",
  "systemRole",
  "twoFactorEnabled",
  "username",
];
const NO_SUCH_USER = "00000000-0000-4000-8000-000000000000";

describe("admin users API", () => {
  let api: AdminUsersApi;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  const clock = manualClock();
  let admin: TestUser & { token: string };

  const t = () => api.t;
  const call = (method: string, path: string, token: string | null, body?: unknown) => api.call(method, path, token, body);
  const passwordOnly = async (identifier: string, password: string) =>
    passwordStep(new TestBrowser(t().url), (await authorizationRequest(api.rp, API_REDIRECT)).url, API_REDIRECT, { identifier, password });
  const eventsOf = async (userId: string, type: string) =>
    (await t().app.queries.auditEvents.listForUser(userId)).filter((e) => e.type === type);
  const row = (id: string) => t().app.db.prisma.user.findUniqueOrThrow({ where: { id } });
  const usersOf = (body: Record<string, unknown>) => body.users as ApiUser[];

  beforeAll(async () => {
    sink = await startSmtpSink();
    api = await startAdminApi({ SMTP_URL: sink.url, LOCKOUT_THRESHOLD: "3" }, { clock });
    // the only Super Admin of this app (the last-Super-Admin refusals count on it)
    admin = await api.roleUser("super_admin");
  });
  afterAll(async () => {
    await api?.t.close();
    await sink?.close();
  });

  it("searches by email or username, by team, disabled or not, newest first, with only the admin fields; audited", async () => {
    const tag = `api${Date.now().toString(36)}`;
    const a = await t().createUser({ email: `${tag}-anna@example.test`, username: `anna_${tag}` });
    const b = await t().createUser({ email: `bob-${Date.now().toString(36)}@example.test`, username: `bob_${tag}` });
    await t().app.db.prisma.user.update({ where: { id: a.id }, data: { createdAt: new Date(Date.now() - 60_000) } });
    const team = await createTeam(t(), a.id);
    await addMember(t(), team, b.id);
    const other = await t().createUser({ email: `${tag}-carl@example.test` });
    await createTeam(t(), other.id);

    const res = await call("GET", `/api/v1/users?query=${tag.toUpperCase()}`, admin.token);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(usersOf(res.body).map((u) => u.id)).toEqual([other.id, b.id, a.id]);
    expect(res.body.nextCursor).toBeNull();
    for (const u of usersOf(res.body)) expect(Object.keys(u).sort()).toEqual(USER_FIELDS);
    expect(usersOf(res.body)[1]).toEqual({
      id: b.id,
      email: b.email,
      username: b.username,
      name: null,
      emailVerified: true,
      disabled: false,
      disabledAt: null,
      systemRole: null,
      twoFactorEnabled: false,
      lastLoginAt: null,
      passwordChangedAt: null,
      createdAt: (await row(b.id)).createdAt.toISOString(),
    });
    const ids = async (q: string) => usersOf((await call("GET", `/api/v1/users?${q}`, admin.token)).body).map((u) => u.id);
    expect(await ids(`query=bob_${tag}`)).toEqual([b.id]);
    expect(await ids(`query=${tag}&teamId=${team.id}`)).toEqual([b.id, a.id]);
    await t().app.services.userAdmin.disable(a.id, { actorId: admin.id, via: "api" });
    expect(await ids(`query=${tag}&disabled=true`)).toEqual([a.id]);
    expect(await ids(`query=${tag}&disabled=false`)).toEqual([other.id, b.id]);
    expect(await ids(`query=nobody-${tag}`)).toEqual([]);
    const searched = (await t().app.queries.auditEvents.listByType("user.searched")).find(
      (e) => (e.data as { query?: string }).query === `bob_${tag}`,
    );
    expect(searched).toMatchObject({ outcome: "success", actorId: admin.id, data: { via: "api", apiClientId: api.clientId } });
  });

  it("pages by cursor without repeats; a bad query is a 400 with the zod issues", async () => {
    const tag = `pg${Date.now().toString(36)}`;
    const made = [];
    for (let i = 0; i < 5; i++) made.push((await t().createUser({ email: `${tag}-${i}@example.test` })).id);
    const seen: string[] = [];
    let cursor: unknown = undefined;
    let pages = 0;
    do {
      const res = await call("GET", `/api/v1/users?query=${tag}&limit=2${cursor ? `&cursor=${String(cursor)}` : ""}`, admin.token);
      expect(res.status).toBe(200);
      expect(usersOf(res.body).length).toBeLessThanOrEqual(2);
      seen.push(...usersOf(res.body).map((u) => u.id));
      cursor = res.body.nextCursor;
      expect(++pages).toBeLessThan(5);
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...made].reverse());

    for (const q of [
      "limit=0",
      "limit=101",
      "limit=two",
      "cursor=nonsense",
      "disabled=yes",
      "teamId=not-a-team",
      "sort=email",
      `query=${"x".repeat(255)}`,
    ]) {
      const res = await call("GET", `/api/v1/users?${q}`, admin.token);
      expect(res.status, q).toBe(400);
      expect(res.body.code).toBe("request.invalid");
      expect((res.body.data!.issues as { path: string[] }[])[0]!.path[0]).toBe("query");
      expect(res.body.message).toMatch(/^The request's query is not valid: /);
    }
  });

  it("shows one user: profile, teams and roles, 2FA, sessions, devices, lock, recent events; never a hash or secret", async () => {
    const user = await t().createUser();
    await t().app.db.prisma.user.update({ where: { id: user.id }, data: { name: "Dora Display" } });
    const team = await createTeam(t(), user.id);
    await api.appTokens(user);
    const { secret } = await enableTotp(t(), clock, user);
    await passwordOnly(user.email, "wrong password one");
    await t().app.queries.trustedDevices.trust(
      {
        userId: user.id,
        tokenHash: "a".repeat(64),
        label: "Firefox on Ubuntu",
        ip: "198.51.100.7",
        countryCode: "DE",
        expiresAt: new Date(Date.now() + 86_400_000),
      },
      null,
      new Date(),
    );

    const res = await call("GET", `/api/v1/users/${user.id.toUpperCase()}`, admin.token);
    expect(res.status).toBe(200);
    const body = res.body as Record<string, Record<string, unknown>[] & Record<string, unknown>>;
    expect(Object.keys(body).sort()).toEqual(["lock", "recentEvents", "sessions", "teams", "trustedDevices", "twoFactor", "user"]);
    expect(body.user).toMatchObject({ id: user.id, email: user.email, name: "Dora Display", twoFactorEnabled: true, disabled: false });
    expect(Object.keys(body.user!).sort()).toEqual(USER_FIELDS);
    expect(body.teams).toEqual([{ team: { id: team.id, slug: team.slug, name: team.name }, role: { key: "owner", name: "Owner" } }]);
    expect(body.twoFactor).toEqual({ enabled: true, enabledAt: expect.any(String), backupCodesLeft: 10 });
    expect(body.sessions).toHaveLength(1);
    expect(Object.keys(body.sessions![0]!).sort()).toEqual([
      "browser",
      "city",
      "clients",
      "countryCode",
      "deviceType",
      "expiresAt",
      "id",
      "ip",
      "lastActiveAt",
      "location",
      "os",
      "remember",
      "startedAt",
      "userId",
    ]);
    expect(body.trustedDevices).toEqual([
      {
        id: expect.any(String),
        label: "Firefox on Ubuntu",
        ip: "198.51.100.7",
        countryCode: "DE",
        createdAt: expect.any(String),
        lastUsedAt: expect.any(String),
        expiresAt: expect.any(String),
      },
    ]);
    expect(body.lock).toEqual({ locked: false, lockedUntil: null, failures: 1 });
    const failed = (body.recentEvents as Record<string, unknown>[]).find((e) => e.type === "login.failed")!;
    expect(Object.keys(failed).sort()).toEqual(["actorId", "clientId", "createdAt", "id", "ip", "outcome", "type", "userAgent"]);
    const stored = await row(user.id);
    for (const secretPart of [
      stored.passwordHash!,
      stored.totpSecretEncrypted!,
      secret,
      "a".repeat(64),
      "passwordHash",
      "totpSecret",
      "tokenHash",
    ]) {
      expect(res.text).not.toContain(secretPart);
    }
    expect(await eventsOf(user.id, "user.viewed")).toEqual([expect.objectContaining({ actorId: admin.id })]);

    const missing = await call("GET", `/api/v1/users/${NO_SUCH_USER}`, admin.token);
    expect([missing.status, missing.body.code]).toEqual([404, "user.not_found"]);
    for (const path of ["/api/v1/users/not-a-uuid", `/api/v1/users/${user.id}?expand=secrets`]) {
      const bad = await call("GET", path, admin.token);
      expect([bad.status, bad.body.code], path).toEqual([400, "request.invalid"]);
    }
  });

  it("disable ends every session and token (refresh fails, the API token is refused, sign-in refused); enable lets them back in", async () => {
    const user = await t().createUser();
    const apps = [await api.appTokens(user), await api.appTokens(user)];
    const userToken = await api.apiToken(user);
    expect((await call("GET", "/api/v1/me", userToken)).status).toBe(200);

    const res = await call("POST", `/api/v1/users/${user.id}/disable`, admin.token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ changed: true, sessionsEnded: 3, grantsRevoked: expect.any(Number) });
    expect(res.body.grantsRevoked as number).toBeGreaterThanOrEqual(2);
    expect(await row(user.id)).toMatchObject({ disabled: true });
    for (const tokens of apps) expect(await tryRefresh(api.rp, tokens.refresh_token!)).toEqual({ ok: false, error: "invalid_grant" });
    const refused = await call("GET", "/api/v1/me", userToken);
    expect([refused.status, refused.body.code]).toEqual([401, "invalid_token"]);
    expect((await passwordOnly(user.email, user.password)).status).toBe(401);
    expect(await t().app.services.sessions.listActive(user.id)).toEqual([]);
    expect(await eventsOf(user.id, "user.disabled")).toEqual([
      expect.objectContaining({
        outcome: "success",
        actorId: admin.id,
        ip: expect.any(String),
        data: expect.objectContaining({ via: "api", apiClientId: api.clientId }),
      }),
    ]);
    expect((await call("POST", `/api/v1/users/${user.id}/disable`, admin.token)).body).toMatchObject({ changed: false });

    const enabled = await call("POST", `/api/v1/users/${user.id}/enable`, admin.token);
    expect([enabled.status, enabled.body]).toEqual([200, { changed: true }]);
    expect((await api.appTokens(user)).access_token).toBeTruthy();
    expect(await eventsOf(user.id, "user.enabled")).toEqual([expect.objectContaining({ outcome: "success", actorId: admin.id })]);
    expect((await call("POST", `/api/v1/users/${user.id}/enable`, admin.token)).body).toEqual({ changed: false });
  });

  it("refuses yourself, the last Super Admin, a disabled account's reset, unknown users; nothing changes", async () => {
    const self = await call("POST", `/api/v1/users/${admin.id}/disable`, admin.token);
    expect([self.status, self.body.code]).toEqual([403, "user.cannot_disable_self"]);
    expect(self.body.message).toBe(CATALOGUE["user.cannot_disable_self"].message); // the admin page's words too
    const manager = await api.roleUser(["gatehouse.admin.users.*", "gatehouse.admin.roles.manage"]);
    // a user manager cannot disable a Super Admin at all (the last one is kept from the CLI too: integration/user-admin.test.ts)
    const last = await call("POST", `/api/v1/users/${admin.id}/disable`, manager.token);
    expect([last.status, last.body.code]).toEqual([403, "user.outranked"]);
    // nor end their sessions, lift their lock or enable them, by any route
    for (const [method, path] of [
      ["DELETE", `/api/v1/users/${admin.id}/sessions`],
      ["DELETE", `/api/v1/users/${admin.id}/sessions/some-session`],
      ["POST", `/api/v1/users/${admin.id}/unlock`],
      ["POST", `/api/v1/users/${admin.id}/enable`],
    ] as const) {
      const refused = await call(method, path, manager.token);
      expect([refused.status, refused.body.code], `${method} ${path}`).toEqual([403, "user.outranked"]);
    }
    // a role holding less than Super Admin cannot take it away at all; the last Super Admin cannot drop it either
    const demote = await call("PUT", `/api/v1/users/${admin.id}/system-role`, manager.token, { role: null });
    expect([demote.status, demote.body.code]).toEqual([403, "permission.denied"]);
    const selfDemote = await call("PUT", `/api/v1/users/${admin.id}/system-role`, admin.token, { role: null });
    expect([selfDemote.status, selfDemote.body.code]).toEqual([409, "user.last_super_admin"]);
    expect(selfDemote.body.message).toBe(CATALOGUE["user.last_super_admin"].message);
    expect(await row(admin.id)).toMatchObject({ disabled: false, systemRole: "super_admin" });
    expect((await eventsOf(admin.id, "user.disabled")).map((e) => [e.outcome, e.actorId])).toEqual([
      ["failure", manager.id],
      ["failure", admin.id],
    ]);
    expect((await call("GET", "/api/v1/users?limit=1", admin.token)).status).toBe(200);

    const off = await t().createUser();
    await t().app.services.userAdmin.disable(off.id, { actorId: admin.id, via: "api" });
    const reset = await call("POST", `/api/v1/users/${off.id}/password-reset`, admin.token);
    expect([reset.status, reset.body.code]).toEqual([409, "user.disabled"]);
    expect(await eventsOf(off.id, "user.password_reset_sent")).toEqual([
      expect.objectContaining({ outcome: "failure", actorId: admin.id }),
    ]);

    for (const action of ["disable", "enable", "unlock", "reset-two-factor", "sign-out-everywhere", "password-reset"]) {
      const unknown = await call("POST", `/api/v1/users/${NO_SUCH_USER}/${action}`, admin.token);
      expect([unknown.status, unknown.body.code], action).toEqual([404, "user.not_found"]);
      const malformed = await call("POST", `/api/v1/users/nope/${action}`, admin.token);
      expect([malformed.status, malformed.body.code], action).toEqual([400, "request.invalid"]);
    }
    expect((await call("GET", `/api/v1/users/${off.id}/disable`, admin.token)).status).toBe(405);
  });

  it("unlock, reset 2FA, sign out everywhere and the reset email each do what they say; audited with the admin", async () => {
    const user = await t().createUser();
    for (let i = 0; i < 3; i++) await passwordOnly(user.email, `wrong password ${i}`);
    expect(await t().app.services.lockout.lockedUntil({ userId: user.id })).not.toBeNull();
    expect((await call("POST", `/api/v1/users/${user.id}/unlock`, admin.token)).body).toEqual({ wasLocked: true });
    expect(await t().app.services.lockout.lockedUntil({ userId: user.id })).toBeNull();
    expect((await passwordOnly(user.email, user.password)).url).toContain(API_REDIRECT);

    await enableTotp(t(), clock, user);
    expect((await passwordOnly(user.email, user.password)).html).toContain('name="code"');
    expect((await call("POST", `/api/v1/users/${user.id}/reset-two-factor`, admin.token)).body).toEqual({ wasEnabled: true });
    expect(await row(user.id)).toMatchObject({ totpEnabledAt: null, totpSecretEncrypted: null });
    expect((await passwordOnly(user.email, user.password)).url).toContain(API_REDIRECT);
    await sink.waitFor((m) => m.to.includes(user.email) && m.subject.startsWith("Two-factor authentication changed"));

    const tokens = await api.appTokens(user);
    const out = await call("POST", `/api/v1/users/${user.id}/sign-out-everywhere`, admin.token);
    expect(out.status).toBe(200);
    expect(out.body.sessionsEnded as number).toBeGreaterThanOrEqual(1);
    expect(await tryRefresh(api.rp, tokens.refresh_token!)).toEqual({ ok: false, error: "invalid_grant" });
    expect(await t().app.services.sessions.listActive(user.id)).toEqual([]);
    expect(await row(user.id)).toMatchObject({ disabled: false });

    const sent = await call("POST", `/api/v1/users/${user.id}/password-reset`, admin.token);
    expect([sent.status, sent.body]).toEqual([200, { sent: true }]);
    expect(sent.text).not.toContain("token");
    await sink.waitFor((m) => m.to.includes(user.email) && m.text.includes("/reset-password?token="));
    for (const type of ["user.unlocked", "user.two_factor_reset", "user.signed_out_everywhere", "user.password_reset_sent"]) {
      expect(await eventsOf(user.id, type), type).toEqual([
        expect.objectContaining({
          outcome: "success",
          actorId: admin.id,
          data: expect.objectContaining({ via: "api", apiClientId: api.clientId }),
        }),
      ]);
    }
  });

  it("sets and takes away a system role (it applies at the holder's next call); needs roles.manage too; bad bodies 400", async () => {
    const reader = await api.roleUser(["gatehouse.admin.users.read"]);
    const target = await t().createUser();
    const set = await call("PUT", `/api/v1/users/${target.id}/system-role`, admin.token, { role: reader.role });
    expect([set.status, set.body]).toEqual([200, { systemRole: reader.role, previous: null }]);
    const targetToken = await api.apiToken(target);
    expect((await call("GET", "/api/v1/users?limit=1", targetToken)).status).toBe(200);
    const removed = await call("PUT", `/api/v1/users/${target.id}/system-role`, admin.token, { role: null });
    expect(removed.body).toEqual({ systemRole: null, previous: reader.role });
    expect((await call("GET", "/api/v1/users?limit=1", targetToken)).body.code).toBe("permission.denied");
    const surfaces = (await eventsOf(target.id, "user.system_role_changed")).map((e) => e.data as { via?: string; apiClientId?: string });
    expect(surfaces.map((d) => [d.via, d.apiClientId])).toEqual([
      ["api", api.clientId],
      ["api", api.clientId],
    ]);
    expect((await eventsOf(target.id, "user.system_role_changed")).map((e) => [e.actorId, (e.data as { to: string | null }).to])).toEqual([
      [admin.id, null],
      [admin.id, reader.role],
    ]);

    const userManager = await api.roleUser(["gatehouse.admin.users.*"]);
    const noRoles = await call("PUT", `/api/v1/users/${target.id}/system-role`, userManager.token, { role: "super_admin" });
    expect([noRoles.status, noRoles.body.code, noRoles.body.data]).toEqual([
      403,
      "permission.denied",
      { permission: "gatehouse.admin.roles.manage" },
    ]);
    for (const body of [{ role: "no_such_role" }, {}, { role: 5 }, { role: reader.role, extra: true }, ["super_admin"]]) {
      const bad = await call("PUT", `/api/v1/users/${target.id}/system-role`, admin.token, body);
      expect([bad.status, bad.body.code], JSON.stringify(body)).toEqual([400, "request.invalid"]);
      expect((bad.body.data!.issues as { path: string[] }[])[0]!.path[0]).toBe("body");
    }
    const notJson = await fetch(`${t().url}/api/v1/users/${target.id}/system-role`, {
      method: "PUT",
      headers: { authorization: `Bearer ${admin.token}`, "content-type": "text/plain" },
      body: "super_admin",
    });
    expect(notJson.status).toBe(415);
    expect(await row(target.id)).toMatchObject({ systemRole: null });
    expect(await eventsOf(target.id, "user.system_role_changed")).toHaveLength(2);
  });

  it("refuses every lower role on every route: no token 401; client token, no system role, a role without the code 403; nothing changes", async () => {
    const target = await t().createUser();
    const tokens = await api.appTokens(target);
    const auditor = await api.roleUser(["gatehouse.admin.audit.read"]);
    const reader = await api.roleUser(["gatehouse.admin.users.read"]);
    const plain = await t().createUser();
    const plainToken = await api.apiToken(plain);
    const clientToken = await api.clientToken();
    const u = `/api/v1/users/${target.id}`;
    const reads: [string, string, unknown?][] = [
      ["GET", "/api/v1/users"],
      ["GET", u],
      ["GET", `${u}/sessions`],
    ];
    const writes: [string, string, unknown?][] = [
      ...["disable", "enable", "unlock", "reset-two-factor", "sign-out-everywhere", "password-reset"].map((a): [string, string] => [
        "POST",
        `${u}/${a}`,
      ]),
      ["PUT", `${u}/system-role`, { role: "super_admin" }],
      ["DELETE", `${u}/sessions`],
      ["DELETE", `${u}/sessions/abc`],
    ];
    for (const [method, path, body] of [...reads, ...writes]) {
      const none = await call(method, path, null, body);
      expect(none.status, `${method} ${path}`).toBe(401);
      expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
      const byClient = await call(method, path, clientToken, body);
      expect([byClient.status, byClient.body.code], `${method} ${path}`).toEqual([403, "token.user_required"]);
      for (const token of [plainToken, auditor.token]) {
        const denied = await call(method, path, token, body);
        expect([denied.status, denied.body.code], `${method} ${path}`).toEqual([403, "permission.denied"]);
        expect(typeof denied.body.message).toBe("string");
      }
    }
    for (const [method, path, body] of writes) {
      const denied = await call(method, path, reader.token, body);
      expect([denied.status, denied.body.data], `${method} ${path}`).toEqual([403, { permission: "gatehouse.admin.users.manage" }]);
    }
    expect(await row(target.id)).toMatchObject({ disabled: false, systemRole: null });
    expect((await tryRefresh(api.rp, tokens.refresh_token!)).ok).toBe(true);
    expect(
      (await t().app.queries.auditEvents.listForUser(target.id)).filter(
        (e) => e.type.startsWith("user.") || e.type.startsWith("session.revoked"),
      ),
    ).toEqual([]);
  });

  it("the OpenAPI document lists the routes with their permissions and only the admin fields", async () => {
    const doc = (await (await fetch(`${t().url}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { "x-gatehouse-permission"?: string }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    const permission = (path: string, method: string) => doc.paths[path]?.[method]?.["x-gatehouse-permission"];
    expect(permission("/api/v1/users", "get")).toBe("gatehouse.admin.users.read");
    expect(permission("/api/v1/users/{userId}", "get")).toBe("gatehouse.admin.users.read");
    for (const action of ["disable", "enable", "unlock", "reset-two-factor", "sign-out-everywhere", "password-reset"]) {
      expect(permission(`/api/v1/users/{userId}/${action}`, "post"), action).toBe("gatehouse.admin.users.manage");
    }
    expect(permission("/api/v1/users/{userId}/system-role", "put")).toBe("gatehouse.admin.users.manage");
    expect(Object.keys(doc.components.schemas.AdminUser!.properties!).sort()).toEqual(USER_FIELDS);
  });
});
