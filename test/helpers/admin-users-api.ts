// The provider admin users API tests' setup: a Gatehouse with a first-party confidential client for ISSUER/api
// (authorization code, refresh and client_credentials), access tokens for the API from the real login
// (openid-client), users holding a system role made of given admin codes, and a JSON call helper.
import * as client from "openid-client";
import { startTestApp, type TestApp } from "./test-app.ts";
import { TestBrowser } from "./browser.ts";
import { discover, loginWithCode } from "./oidc-flow.ts";
import type { Clock } from "../../src/lib/clock.ts";

export const ADMIN_REDIRECT = "https://admin-api.example.test/callback";
export type TestUser = { id: string; email: string; username: string; password: string };
export type Json = Record<string, unknown> & { code?: string; message?: string; data?: Record<string, unknown> };
export type Answer = { status: number; body: Json; text: string; headers: Headers };

let roleCounter = 0;

export async function startAdminApi(env: Record<string, string> = {}, opts: { clock?: Clock } = {}) {
  const t: TestApp = await startTestApp(env, opts);
  const API = `${t.url}/api`;
  const { clientId, clientSecret } = await t.createClient({
    name: "Admin console", type: "confidential", grantTypes: ["authorization_code", "refresh_token", "client_credentials"],
    redirectUris: [ADMIN_REDIRECT], resources: [API], firstParty: true,
  });
  const rp = await discover(t.url, clientId, clientSecret);

  /** an access token for the API, signed in through the login pages */
  const apiToken = async (user: { email: string; password: string }) =>
    (await loginWithCode(rp, new TestBrowser(t.url), ADMIN_REDIRECT, { identifier: user.email, password: user.password }, { resource: API, scope: "openid" })).tokens.access_token;
  /** tokens without a resource (a refresh token for the relying party, as a user's app holds) */
  const appTokens = async (user: { email: string; password: string }) =>
    (await loginWithCode(rp, new TestBrowser(t.url), ADMIN_REDIRECT, { identifier: user.email, password: user.password })).tokens;

  /** a new user holding a new system role of `permissions` (or the role `key` given), with an API token */
  async function roleUser(permissions: string[] | "super_admin"): Promise<TestUser & { token: string; role: string }> {
    let role = "super_admin";
    if (permissions !== "super_admin") {
      const made = await t.app.services.systemRoles.create({ key: `r${Date.now().toString(36)}_${++roleCounter}`, name: `Role ${roleCounter}`, permissions });
      if (made.outcome !== "created") throw new Error(`role not created: ${made.message}`);
      role = made.role.key;
    }
    const user = await t.createUser();
    const set = await t.app.services.systemRoles.setUserRole(user.id, role);
    if (set.outcome !== "set") throw new Error(set.outcome);
    return { ...user, role, token: await apiToken(user) };
  }

  async function call(method: string, path: string, token: string | null, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = { accept: "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) };
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(`${t.url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json, text, headers: res.headers };
  }

  const clientToken = async () => (await client.clientCredentialsGrant(rp, { resource: API })).access_token;

  return { t, rp, API, apiToken, appTokens, roleUser, call, clientToken };
}

export type AdminApi = Awaited<ReturnType<typeof startAdminApi>>;
