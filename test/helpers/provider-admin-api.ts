// For the provider admin API tests of clients, keys and the audit log: a Gatehouse with a first-party relying
// party for ISSUER/api, access tokens from the real code flow for a Super Admin, a user without a system role and
// users of narrower system roles, a client_credentials token, `call` for JSON requests with a bearer token, and
// `refusals`, which tries every lower caller on a set of routes.
import * as client from "openid-client";
import type { TestApp } from "./test-app.ts";
import { TestBrowser } from "./browser.ts";
import { discover, loginWithCode } from "./oidc-flow.ts";

export const ADMIN_API_REDIRECT = "https://provider-admin-api.example.test/callback";

export type Json = Record<string, unknown> & { code?: string; message?: string; data?: Record<string, unknown>; nextCursor?: string | null };
export type Answer = { status: number; body: Json; headers: Headers };
export type Caller = (method: string, path: string, token: string | null, body?: unknown, contentType?: string) => Promise<Answer>;

export type AdminApi = {
  api: string;
  rp: client.Configuration;
  admin: { id: string; email: string; password: string; token: string };
  plainToken: string;
  clientToken: string;
  /** a user whose system role has only `permissions`: their id and access token */
  roleToken(permissions: string[]): Promise<{ id: string; token: string }>;
  userToken(user: { email: string; password: string }): Promise<string>;
  call: Caller;
};

let roles = 0;

export async function setUpAdminApi(t: TestApp): Promise<AdminApi> {
  const api = `${t.url}/api`;
  const { clientId, clientSecret } = await t.createClient({
    name: "Admin API console", type: "confidential", grantTypes: ["authorization_code", "refresh_token", "client_credentials"],
    redirectUris: [ADMIN_API_REDIRECT], resources: [api], firstParty: true,
  });
  const rp = await discover(t.url, clientId, clientSecret);
  const userToken = async (user: { email: string; password: string }) =>
    (await loginWithCode(rp, new TestBrowser(t.url), ADMIN_API_REDIRECT, { identifier: user.email, password: user.password }, { resource: api, scope: "openid" })).tokens.access_token;
  const adminUser = await t.createUser();
  await t.app.services.systemRoles.setUserRole(adminUser.id, "super_admin");

  const call: Caller = async (method, path, token, body, contentType = "application/json") => {
    const headers: Record<string, string> = { accept: "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) };
    if (body !== undefined) headers["content-type"] = contentType;
    const res = await fetch(`${t.url}${path}`, { method, headers, ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json, headers: res.headers };
  };

  return {
    api, rp, call, userToken,
    admin: { ...adminUser, token: await userToken(adminUser) },
    plainToken: await userToken(await t.createUser()),
    clientToken: (await client.clientCredentialsGrant(rp, { resource: api })).access_token,
    async roleToken(permissions) {
      const created = await t.app.services.systemRoles.create({ key: `d2_role_${Date.now().toString(36)}_${++roles}`, name: `D2 role ${roles}`, permissions });
      if (created.outcome !== "created") throw new Error(`role not created: ${created.outcome}`);
      const user = await t.createUser();
      await t.app.services.systemRoles.setUserRole(user.id, created.role.key);
      return { id: user.id, token: await userToken(user) };
    },
  };
}

/**
 * tries every caller who lacks `permission` on each [method, path, body]: no token must be 401 invalid_token with
 * WWW-Authenticate, a client_credentials token 403 token.user_required, a user without a system role and a user
 * of a role lacking the code (`lackingToken`) 403 permission.denied naming it; the list of what differed
 */
export async function refusals(a: AdminApi, lackingToken: string, routes: [string, string, unknown?][], permission: string): Promise<string[]> {
  const problems: string[] = [];
  const expectAnswer = (what: string, res: Answer, status: number, code: string) => {
    if (res.status !== status || res.body.code !== code) problems.push(`${what}: ${res.status} ${String(res.body.code)} (wanted ${status} ${code})`);
  };
  for (const [method, path, body] of routes) {
    const none = await a.call(method, path, null, body);
    expectAnswer(`${method} ${path} without a token`, none, 401, "invalid_token");
    if (!/^Bearer/.test(none.headers.get("www-authenticate") ?? "")) problems.push(`${method} ${path}: no WWW-Authenticate`);
    expectAnswer(`${method} ${path} with a client token`, await a.call(method, path, a.clientToken, body), 403, "token.user_required");
    expectAnswer(`${method} ${path} without a system role`, await a.call(method, path, a.plainToken, body), 403, "permission.denied");
    const lacking = await a.call(method, path, lackingToken, body);
    expectAnswer(`${method} ${path} with a role lacking ${permission}`, lacking, 403, "permission.denied");
    if (lacking.body.data?.permission !== permission) problems.push(`${method} ${path}: data.permission is ${String(lacking.body.data?.permission)}`);
  }
  return problems;
}
