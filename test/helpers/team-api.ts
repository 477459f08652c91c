// The team admin API's tests: a Gatehouse with an SMTP sink, a first-party client for ISSUER/api, real user
// access tokens from the authorization code flow (openid-client; a user in several teams names one so no team
// page is asked), a client_credentials token, JSON calls, and admins whose system role has or lacks
// gatehouse.admin.teams.manage.
import * as client from "openid-client";
import { startTestApp, type TestApp } from "./test-app.ts";
import { startSmtpSink } from "./smtp-sink.ts";
import { TestBrowser } from "./browser.ts";
import { discover, loginWithCode } from "./oidc-flow.ts";

export const UA = "gatehouse-api-teams-test/1.0";
export type Json = Record<string, unknown> & { code?: string; message?: string; data?: Record<string, unknown>; nextCursor?: string | null };
export type Answer = { status: number; body: Json; headers: Headers };
export type ApiUser = { id: string; email: string; username: string; password: string };

const REDIRECT = "https://teams-api.example.test/callback";
let roleCounter = 0;

export async function startTeamApi(env: Record<string, string> = {}) {
  const sink = await startSmtpSink();
  const t: TestApp = await startTestApp({ SMTP_URL: sink.url, ...env });
  const API = `${t.url}/api`;
  const created = await t.createClient({
    name: "Teams console", type: "confidential", grantTypes: ["authorization_code", "refresh_token", "client_credentials"], redirectUris: [REDIRECT], resources: [API], firstParty: true,
  });
  const rp = await discover(t.url, created.clientId, created.clientSecret);
  const tokens = new Map<string, string>();

  /** a user's access token for ISSUER/api (one sign-in per user) */
  async function tokenFor(user: ApiUser): Promise<string> {
    const cached = tokens.get(user.id);
    if (cached) return cached;
    const memberships = await t.app.services.teams.membershipsOf(user.id);
    const extra: Record<string, string> = { resource: API, ...(memberships.length > 1 ? { team: memberships[0]!.team.id } : {}) };
    const { tokens: got } = await loginWithCode(rp, new TestBrowser(t.url), REDIRECT, { identifier: user.email, password: user.password }, extra);
    tokens.set(user.id, got.access_token);
    return got.access_token;
  }

  async function call(method: string, path: string, token: string | null, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = { accept: "application/json", "user-agent": UA, ...(token ? { authorization: `Bearer ${token}` } : {}) };
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(`${t.url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json, headers: res.headers };
  }

  /** a user whose system role has exactly these admin permissions */
  async function admin(permissions: string[]): Promise<ApiUser> {
    const user = await t.createUser();
    const key = `api_teams_${++roleCounter}`;
    const role = await t.app.services.systemRoles.create({ key, name: `API teams ${roleCounter}`, permissions });
    if (role.outcome !== "created") throw new Error(`system role not created: ${JSON.stringify(role)}`);
    const set = await t.app.services.systemRoles.setUserRole(user.id, key);
    if (set.outcome !== "set") throw new Error(`system role not set: ${set.outcome}`);
    return user;
  }

  return {
    t, sink, API, tokenFor, call, admin,
    clientToken: async () => (await client.clientCredentialsGrant(rp, { resource: API })).access_token,
    roleId: async (teamId: string, key: string) => (await t.app.queries.teams.roleByKey(teamId, key))!.id,
    /** the team's members as user id -> role key, from the database */
    rolesInDb: async (teamId: string) => Object.fromEntries((await t.app.queries.teams.members(teamId)).map((m) => [m.userId, m.role.key])),
    /** the latest audit events of a type about a team */
    audited: async (type: string, teamId: string) => (await t.app.queries.auditEvents.listByType(type, 500)).filter((e) => (e.data as { teamId?: string } | null)?.teamId === teamId),
    close: async () => { await t?.close(); await sink?.close(); },
  };
}

export type TeamApiHarness = Awaited<ReturnType<typeof startTeamApi>>;

/** every route of a team, with real ids where a route needs them */
export function teamRouteCalls(teamId: string, ids: { userId: string; roleId: string; invitationId: string; email: string }): [string, string, unknown?][] {
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
