// The admin Signing keys screen end to end (real Postgres, Redis, openid-client; the admin signed in through the
// account pages): the list shows every key's kid, alg and state; "rotate now" asks first, then this process
// signs with the former next key at once, the JWKS publishes the new next key, and a token signed before still
// verifies against the JWKS; audited with the actor. Forbidden without the permission (GET and POST) and CSRF.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from "jose";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { openAccountPage } from "../helpers/sessions.ts";

describe("admin signing keys page", () => {
  let t: TestApp;
  let admin: { id: string; email: string; password: string };
  let browser: TestBrowser;
  let rp: client.Configuration;
  let api: string;

  const signedIn = async (user: { email: string; password: string }, path = "/admin/keys") => {
    const b = new TestBrowser(t.url);
    await openAccountPage(b, t.url, path, { identifier: user.email, password: user.password });
    return b;
  };
  const jwks = async () => (await (await fetch(`${t.url}/jwks`)).json()) as JSONWebKeySet;
  // the ES256 keys' states (access tokens and default ID tokens); the RS256 keys are listed and rotate with them
  const rows = (html: string) =>
    [
      ...html.matchAll(
        /<tr data-kid="([^"]+)">\s*<td><code>[^<]*<\/code><\/td>\s*<td>(\w+)<\/td>\s*<td><span class="badge admin-key-(\w+)">/g,
      ),
    ].map((m) => ({ kid: m[1]!, alg: m[2]!, state: m[3]! }));
  const states = (html: string) =>
    Object.fromEntries(
      rows(html)
        .filter((r) => r.alg === "ES256")
        .map((r) => [r.kid, r.state]),
    );
  const token = async () => (await client.clientCredentialsGrant(rp, { resource: api })).access_token;

  beforeAll(async () => {
    t = await startTestApp();
    api = `${t.url}/api`;
    admin = await t.createUser();
    await t.app.services.systemRoles.setUserRole(admin.id, "super_admin");
    browser = await signedIn(admin);
    const { clientId, clientSecret } = await t.createClient({
      name: "Keys RP",
      type: "confidential",
      grantTypes: ["client_credentials"],
      resources: [api],
    });
    rp = await discover(t.url, clientId, clientSecret);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("lists the keys with their states; rotating signs with the new key at once and old tokens still verify", async () => {
    const list = await browser.go(`${t.url}/admin/keys`);
    expect(list.status).toBe(200);
    const before = states(list.html);
    const current = Object.keys(before).find((k) => before[k] === "current")!;
    const next = Object.keys(before).find((k) => before[k] === "next")!;
    expect(current && next).toBeTruthy();
    expect(
      rows(list.html)
        .map((r) => r.alg)
        .sort(),
    ).toEqual(["ES256", "ES256", "RS256", "RS256"]);

    const oldToken = await token();
    expect(decodeProtectedHeader(oldToken).kid).toBe(current);

    const confirm = await browser.go(`${t.url}/admin/keys/rotate`);
    expect(confirm.status).toBe(200);
    expect(states((await browser.go(`${t.url}/admin/keys`)).html)).toEqual(before);
    const done = await browser.submit(confirm, "/admin/keys/rotate", {});
    expect(done.status).toBe(200);
    expect(done.html).toContain(`Key ${next} now signs new tokens`);
    const after = states(done.html);
    expect(after[next]).toBe("current");
    expect(after[current]).toBe("previous");
    const fresh = Object.keys(after).find((k) => after[k] === "next")!;
    expect(fresh).toBeTruthy();
    expect(before[fresh]).toBeUndefined();

    const set = await jwks();
    expect(
      set.keys
        .filter((k) => k.alg === "ES256")
        .map((k) => k.kid)
        .sort(),
    ).toEqual([current, next, fresh].sort());
    expect(
      rows(done.html)
        .filter((r) => r.alg === "RS256")
        .map((r) => r.state)
        .sort(),
    ).toEqual(["current", "next", "previous"]);
    const newToken = await token();
    expect(decodeProtectedHeader(newToken).kid).toBe(next);
    const keySet = createLocalJWKSet(set);
    await expect(jwtVerify(oldToken, keySet, { issuer: t.url })).resolves.toBeTruthy();
    await expect(jwtVerify(newToken, keySet, { issuer: t.url })).resolves.toBeTruthy();

    const audit = await t.app.db.prisma.auditEvent.findMany({ where: { type: "keys.rotated" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: admin.id, outcome: "success", data: { current: next } });
  });

  it("forbids the screen without the permission (GET and POST) and refuses a POST without a CSRF token", async () => {
    const role = await t.app.services.systemRoles.create({
      key: `cm${Date.now().toString(36)}`,
      name: "Client admin",
      permissions: ["gatehouse.admin.clients.manage"],
    });
    if (role.outcome !== "created") throw new Error(role.outcome);
    const noRole = await t.createUser();
    const wrongRole = await t.createUser();
    await t.app.services.systemRoles.setUserRole(wrongRole.id, role.role.key);
    const fingerprint = async () =>
      (await t.app.services.keys.list())
        .map((k) => `${k.id}:${k.state}`)
        .sort()
        .join(",");
    const before = await fingerprint();
    const postRotate = (b: TestBrowser) =>
      b.request(`${t.url}/admin/keys/rotate`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url },
        body: "",
      });
    for (const user of [noRole, wrongRole]) {
      const b = await signedIn(user, "/account");
      expect((await b.request(`${t.url}/admin/keys`)).status).toBe(403);
      expect((await b.request(`${t.url}/admin/keys/rotate`)).status).toBe(403);
      const res = await postRotate(b);
      expect(res.status).toBe(403);
      expect(await res.text()).toContain("does not have access");
    }
    expect((await postRotate(browser)).status).toBe(403);
    expect(await fingerprint()).toBe(before);
  });
});
