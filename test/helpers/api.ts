// The REST API tests' setup, in one place: a first-party confidential relying party for ISSUER/api
// (authorization code, refresh and client_credentials), access tokens for the API from the real login pages
// (openid-client), a client_credentials token, `call` for JSON (or other) requests with a bearer token, and users
// holding a system role. On top: `startAdminApi` (a fresh Gatehouse for the admin users and system roles tests),
// `setUpAdminApi` (a Super Admin, a user without a system role and narrower roles, with `refusals`, for the
// clients, keys and audit tests) and `startTeamApi` (an SMTP sink, cached tokens naming a team, the team
// helpers) with `teamRouteCalls`.
import * as client from "openid-client";
import { startTestApp, type TestApp } from "./test-app.ts";
import { startSmtpSink } from "./smtp-sink.ts";
import { TestBrowser } from "./browser.ts";
import { discover, loginWithCode } from "./oidc-flow.ts";
import type { Clock } from "../../src/lib/clock.ts";

export const API_REDIRECT = "https://api-tests.example.test/callback";
export const UA = "gatehouse-api-test/1.0";

export type Json = Record<string, unknown> & {
  code?: string;
  message?: string;
  data?: Record<string, unknown>;
  nextCursor?: string | null;
};
export type Answer = { status: number; body: Json; text: string; headers: Headers };
export type Caller = (method: string, path: string, token: string | null, body?: unknown, contentType?: string) => Promise<Answer>;
export type ApiUser = { id: string; email: string; username: string; password: string };
type Credentials = { email: string; password: string };

let roleCounter = 0;

/** the relying party, tokens, `call` and system-role users against a running test app */
export async function apiClient(t: TestApp, opts: { name?: string; userAgent?: string } = {}) {
  const API = `${t.url}/api`;
  const { clientId, clientSecret } = await t.createClient({
    name: opts.name ?? "API console",
    type: "confidential",
    grantTypes: ["authorization_code", "refresh_token", "client_credentials"],
    redirectUris: [API_REDIRECT],
    resources: [API],
    firstParty: true,
  });
  const rp = await discover(t.url, clientId, clientSecret);
  const signIn = (user: Credentials, extra: Record<string, string> = {}) =>
    loginWithCode(rp, new TestBrowser(t.url), API_REDIRECT, { identifier: user.email, password: user.password }, extra);

  /** an access token for the API, signed in through the login pages (scope openid unless `extra` says) */
  const apiToken = async (user: Credentials, extra: Record<string, string> = { scope: "openid" }) =>
    (await signIn(user, { resource: API, ...extra })).tokens.access_token;
  /** tokens without a resource (a refresh token for the relying party, as a user's app holds) */
  const appTokens = async (user: Credentials) => (await signIn(user)).tokens;
  const clientToken = async () => (await client.clientCredentialsGrant(rp, { resource: API })).access_token;

  const call: Caller = async (method, path, token, body, contentType = "application/json") => {
    const headers: Record<string, string> = {
      accept: "application/json",
      ...(opts.userAgent ? { "user-agent": opts.userAgent } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    };
    if (body !== undefined) headers["content-type"] = contentType;
    const res = await fetch(`${t.url}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json, text, headers: res.headers };
  };

  /** a new user holding a new system role of exactly `permissions` (or the built-in super_admin) */
  async function systemRoleUser(permissions: string[] | "super_admin"): Promise<ApiUser & { role: string }> {
    let role = "super_admin";
    if (permissions !== "super_admin") {
      const n = ++roleCounter;
      const made = await t.app.services.systemRoles.create({
        key: `api_role_${Date.now().toString(36)}_${n}`,
        name: `API role ${n}`,
        permissions,
      });
      if (made.outcome !== "created") throw new Error(`system role not created: ${JSON.stringify(made)}`);
      role = made.role.key;
    }
    const user = await t.createUser();
    const set = await t.app.services.systemRoles.setUserRole(user.id, role);
    if (set.outcome !== "set") throw new Error(`system role not set: ${set.outcome}`);
    return { ...user, role };
  }

  return { t, rp, API, clientId, call, apiToken, appTokens, clientToken, systemRoleUser };
}

/** a fresh Gatehouse with the API client; `roleUser` also signs the user in */
export async function startAdminApi(env: Record<string, string> = {}, opts: { clock?: Clock } = {}) {
  const t = await startTestApp(env, opts);
  const api = await apiClient(t, { name: "Admin console" });
  const roleUser = async (permissions: string[] | "super_admin") => {
    const user = await api.systemRoleUser(permissions);
    return { ...user, token: await api.apiToken(user) };
  };
  return { ...api, roleUser };
}

export type AdminUsersApi = Awaited<ReturnType<typeof startAdminApi>>;

/** for the clients, keys and audit tests: a Super Admin, a user without a system role and a client, with tokens */
export async function setUpAdminApi(t: TestApp) {
  const api = await apiClient(t, { name: "Admin API console" });
  const admin = await api.systemRoleUser("super_admin");
  return {
    ...api,
    api: api.API,
    userToken: (user: Credentials) => api.apiToken(user),
    admin: { ...admin, token: await api.apiToken(admin) },
    plainToken: await api.apiToken(await t.createUser()),
    clientToken: await api.clientToken(),
    /** a user whose system role has only `permissions`: their id and access token */
    async roleToken(permissions: string[]) {
      const user = await api.systemRoleUser(permissions);
      return { id: user.id, token: await api.apiToken(user) };
    },
  };
}

export type AdminApi = Awaited<ReturnType<typeof setUpAdminApi>>;

/**
 * tries every caller who lacks `permission` on each [method, path, body]: no token must be 401 invalid_token with
 * WWW-Authenticate, a client_credentials token 403 token.user_required, a user without a system role and a user
 * of a role lacking the code (`lackingToken`) 403 permission.denied naming it; the list of what differed
 */
export async function refusals(
  a: AdminApi,
  lackingToken: string,
  routes: [string, string, unknown?][],
  permission: string,
): Promise<string[]> {
  const problems: string[] = [];
  const expectAnswer = (what: string, res: Answer, status: number, code: string) => {
    if (res.status !== status || res.body.code !== code)
      problems.push(`${what}: ${res.status} ${String(res.body.code)} (wanted ${status} ${code})`);
  };
  for (const [method, path, body] of routes) {
    const none = await a.call(method, path, null, body);
    expectAnswer(`${method} ${path} without a token`, none, 401, "invalid_token");
    if (!/^Bearer/.test(none.headers.get("www-authenticate") ?? "")) problems.push(`${method} ${path}: no WWW-Authenticate`);
    expectAnswer(`${method} ${path} with a client token`, await a.call(method, path, a.clientToken, body), 403, "token.user_required");
    expectAnswer(`${method} ${path} without a system role`, await a.call(method, path, a.plainToken, body), 403, "permission.denied");
    const lacking = await a.call(method, path, lackingToken, body);
    expectAnswer(`${method} ${path} with a role lacking ${permission}`, lacking, 403, "permission.denied");
    if (lacking.body.data?.permission !== permission)
      problems.push(`${method} ${path}: data.permission is ${String(lacking.body.data?.permission)}`);
  }
  return problems;
}

/** for the team API tests: an SMTP sink, calls with the UA header, one sign-in per user (naming a team when several) */
export async function startTeamApi(env: Record<string, string> = {}) {
  const sink = await startSmtpSink();
  const t = await startTestApp({ SMTP_URL: sink.url, ...env });
  const api = await apiClient(t, { name: "Teams console", userAgent: UA });
  const tokens = new Map<string, string>();

  /** a user's access token for ISSUER/api (one sign-in per user) */
  async function tokenFor(user: ApiUser): Promise<string> {
    const cached = tokens.get(user.id);
    if (cached) return cached;
    const memberships = await t.app.services.teams.membershipsOf(user.id);
    const token = await api.apiToken(user, memberships.length > 1 ? { team: memberships[0]!.team.id } : {});
    tokens.set(user.id, token);
    return token;
  }

  return {
    t,
    sink,
    API: api.API,
    call: api.call,
    tokenFor,
    clientToken: api.clientToken,
    /** a user whose system role has exactly these admin permissions */
    admin: async (permissions: string[]): Promise<ApiUser> => api.systemRoleUser(permissions),
    /** `call` as this user */
    as: async (user: ApiUser) => {
      const token = await tokenFor(user);
      return (method: string, path: string, body?: unknown) => api.call(method, path, token, body);
    },
    roleId: async (teamId: string, key: string) => (await t.app.queries.teams.roleByKey(teamId, key))!.id,
    /** the team's members as user id -> role key, from the database */
    rolesInDb: async (teamId: string) => Object.fromEntries((await t.app.queries.teams.members(teamId)).map((m) => [m.userId, m.role.key])),
    /** the latest audit events of a type about a team */
    audited: async (type: string, teamId: string) =>
      (await t.app.queries.auditEvents.listByType(type, 500)).filter((e) => (e.data as { teamId?: string } | null)?.teamId === teamId),
    close: async () => {
      await t?.close();
      await sink?.close();
    },
  };
}

export type TeamApiHarness = Awaited<ReturnType<typeof startTeamApi>>;

/** every route of a team, with real ids where a route needs them */
export function teamRouteCalls(
  teamId: string,
  ids: { userId: string; roleId: string; invitationId: string; email: string },
): [string, string, unknown?][] {
  const base = `/api/v1/teams/${teamId}`;
  return [
    ["GET", base],
    ["GET", `${base}/members`],
    ["PATCH", `${base}/members/${ids.userId}`, { roleId: ids.roleId }],
    ["DELETE", `${base}/members/${ids.userId}`],
    ["GET", `${base}/roles`],
    ["POST", `${base}/roles`, { name: "Intruders", permissions: ["gatehouse.team.read"] }],
    ["PATCH", `${base}/roles/${ids.roleId}`, { name: "Renamed by a stranger" }],
    ["DELETE", `${base}/roles/${ids.roleId}`],
    ["GET", `${base}/invitations`],
    ["POST", `${base}/invitations`, { email: ids.email, roleId: ids.roleId }],
    ["POST", `${base}/invitations/${ids.invitationId}/resend`],
    ["DELETE", `${base}/invitations/${ids.invitationId}`],
    ["GET", `${base}/ownership-transfer`],
    ["POST", `${base}/ownership-transfer`, { toUserId: ids.userId }],
    ["DELETE", `${base}/ownership-transfer`],
  ];
}
