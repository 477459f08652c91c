// The provider admin API for clients (/api/v1/clients...) against a real Gatehouse (Postgres, Redis) with access
// tokens from the code flow: registering a confidential client answers its secret once (only the hash stored),
// and openid-client then gets tokens with it (client_credentials); the list and the client's page never show a
// secret or hash; PATCH changes only the fields sent and the provider honours new redirect URIs at once;
// rotating the secret refuses the old one; deleting refuses the client's grants and refresh token; every change
// audited with the admin as actor. Bad input (the admin screen's field rules) is 400 request.invalid naming the
// field and changes nothing; an overlapping namespace 409. No token 401, a client token 403, a user without a
// system role or with one lacking gatehouse.admin.clients.manage 403, and nothing changes.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";
import { tryRefresh } from "../helpers/sessions.ts";
import { authorizationRequest } from "../helpers/totp-login.ts";
import { refusals, setUpAdminApi, type AdminApi, type Json } from "../helpers/api.ts";

const REDIRECT = "https://app.example.test/cb";
const REDIRECT2 = "https://app.example.test/new-cb";
const PERMISSION = "gatehouse.admin.clients.manage";
const FIELDS = [
  "backchannelLogoutUri",
  "createdAt",
  "disabled",
  "endsWithSession",
  "firstParty",
  "grantTypes",
  "hasSecret",
  "id",
  "idTokenSigningAlg",
  "name",
  "offlineAccessWithoutPrompt",
  "permissionNamespace",
  "postLogoutRedirectUris",
  "redirectUris",
  "resources",
  "scope",
  "secretRotatedAt",
  "tokenEndpointAuthMethod",
  "type",
  "updatedAt",
];
type Client = Json & { id: string; name: string; redirectUris: string[] };

describe("admin clients API", () => {
  let t: TestApp;
  let a: AdminApi;

  const register = async (name: string, extra: Record<string, unknown> = {}) => {
    const res = await a.call("POST", "/api/v1/clients", a.admin.token, {
      name,
      type: "confidential",
      redirectUris: [REDIRECT],
      grantTypes: ["authorization_code", "refresh_token", "client_credentials"],
      resources: [a.api],
      firstParty: true,
      ...extra,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { client: res.body.client as Client, secret: res.body.secret as string };
  };
  const events = (type: string, clientId: string) => t.app.db.prisma.auditEvent.findMany({ where: { type, clientId } });
  const row = (id: string) => t.app.db.prisma.oidcClient.findUniqueOrThrow({ where: { id } });
  const creds = () => ({ identifier: a.admin.email, password: a.admin.password });

  beforeAll(async () => {
    t = await startTestApp();
    a = await setUpAdminApi(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("registers a confidential client: its secret in that answer only (hash stored), usable with openid-client; audited", async () => {
    const { client: created, secret } = await register("Billing app", {
      backchannelLogoutUri: "https://app.example.test/bcl",
      permissionNamespace: "acme.billing",
    });
    expect(Object.keys(created).sort()).toEqual(FIELDS);
    expect(created).toMatchObject({
      name: "Billing app",
      type: "confidential",
      hasSecret: true,
      secretRotatedAt: null,
      tokenEndpointAuthMethod: "client_secret_basic",
      redirectUris: [REDIRECT],
      firstParty: true,
      resources: [a.api],
      backchannelLogoutUri: "https://app.example.test/bcl",
      permissionNamespace: "acme.billing",
    });
    expect(secret.length).toBeGreaterThan(30);
    const stored = await row(created.id);
    expect(stored.secretHash).toBeTruthy();
    expect(stored.secretHash).not.toBe(secret);

    const rp = await discover(t.url, created.id, secret);
    expect((await client.clientCredentialsGrant(rp, { resource: a.api })).access_token).toBeTruthy();

    const one = await a.call("GET", `/api/v1/clients/${created.id}`, a.admin.token);
    expect(one.status).toBe(200);
    expect(one.headers.get("cache-control")).toBe("no-store");
    expect(one.body).toEqual(created);
    const list = await a.call("GET", "/api/v1/clients", a.admin.token);
    expect((list.body.clients as Client[]).map((c) => c.id)).toContain(created.id);
    for (const answer of [one, list]) {
      expect(JSON.stringify(answer.body)).not.toContain(secret);
      expect(JSON.stringify(answer.body)).not.toContain(stored.secretHash!);
      expect(JSON.stringify(answer.body)).not.toMatch(/secretHash/);
    }
    const [event] = await events("client.created", created.id);
    expect(event).toMatchObject({
      actorId: a.admin.id,
      outcome: "success",
      data: expect.objectContaining({ name: "Billing app", type: "confidential", via: "api" }),
    });
    expect(JSON.stringify(event!.data)).not.toContain(secret);
  });

  it("registers a public client without a secret; it has nothing to rotate (409) and signs users in", async () => {
    const res = await a.call("POST", "/api/v1/clients", a.admin.token, { name: "Phone app", type: "public", redirectUris: [REDIRECT] });
    expect(res.status).toBe(201);
    const created = res.body.client as Client;
    expect(res.body.secret).toBeNull();
    expect(created).toMatchObject({
      type: "public",
      hasSecret: false,
      tokenEndpointAuthMethod: "none",
      grantTypes: ["authorization_code", "refresh_token"],
    });
    const rotate = await a.call("POST", `/api/v1/clients/${created.id}/secret`, a.admin.token);
    expect(rotate.status).toBe(409);
    expect(rotate.body.code).toBe("client.public");
    expect((await row(created.id)).secretHash).toBeNull();
    const { tokens } = await loginWithCode(await discover(t.url, created.id, null), new TestBrowser(t.url), REDIRECT, creds());
    expect(tokens.access_token).toBeTruthy();
  });

  it("registers a public app with a private-use scheme and a loopback http redirect (RFC 8252); users sign in through both", async () => {
    const app = "com.example.phone:/oauth2/cb";
    const loopback = "http://127.0.0.1:7357/cb";
    const res = await a.call("POST", "/api/v1/clients", a.admin.token, {
      name: "Native app",
      type: "public",
      redirectUris: [app, loopback],
      postLogoutRedirectUris: ["com.example.phone:/signed-out"],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const created = res.body.client as Client;
    expect(created.redirectUris).toEqual([app, loopback]);
    const rp = await discover(t.url, created.id, null);
    for (const uri of [app, loopback]) {
      expect((await loginWithCode(rp, new TestBrowser(t.url), uri, creds())).tokens.access_token, uri).toBeTruthy();
    }
  });

  it("lists clients newest first, paged by cursor without repeats", async () => {
    for (const n of [1, 2, 3]) await register(`Paged app ${n}`);
    const whole = (await a.call("GET", "/api/v1/clients?limit=100", a.admin.token)).body.clients as Client[];
    const dbOrder = (await t.app.db.prisma.oidcClient.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }] })).map((c) => c.id);
    expect(whole.map((c) => c.id)).toEqual(dbOrder);
    const seen: string[] = [];
    let cursor: string | null | undefined;
    do {
      const page = await a.call("GET", `/api/v1/clients?limit=2${cursor ? `&cursor=${cursor}` : ""}`, a.admin.token);
      expect(page.status).toBe(200);
      seen.push(...(page.body.clients as Client[]).map((c) => c.id));
      cursor = page.body.nextCursor;
      expect(seen.length).toBeLessThan(50);
    } while (cursor);
    expect(seen).toEqual(dbOrder);
  });

  it("PATCH sets whether sign-out ends the client's refresh tokens; other changes keep it; a non-boolean is 400", async () => {
    const { client: c } = await register("Session-bound app");
    expect(c.endsWithSession).toBe(false);
    expect((await a.call("PATCH", `/api/v1/clients/${c.id}`, a.admin.token, { endsWithSession: true })).body.endsWithSession).toBe(true);
    expect(
      (await a.call("PATCH", `/api/v1/clients/${c.id}`, a.admin.token, { name: "Renamed session-bound app" })).body.endsWithSession,
    ).toBe(true);
    expect((await a.call("PATCH", `/api/v1/clients/${c.id}`, a.admin.token, { endsWithSession: "yes" })).status).toBe(400);
    expect((await row(c.id)).endsWithSession).toBe(true);
  });

  it("PATCH sets offline access without prompt=consent; other changes keep it; a non-boolean is 400", async () => {
    const { client: c } = await register("Partner with offline access");
    expect(c.offlineAccessWithoutPrompt).toBe(false);
    expect(
      (await a.call("PATCH", `/api/v1/clients/${c.id}`, a.admin.token, { offlineAccessWithoutPrompt: true })).body
        .offlineAccessWithoutPrompt,
    ).toBe(true);
    expect(
      (await a.call("PATCH", `/api/v1/clients/${c.id}`, a.admin.token, { name: "Renamed partner" })).body.offlineAccessWithoutPrompt,
    ).toBe(true);
    expect((await a.call("PATCH", `/api/v1/clients/${c.id}`, a.admin.token, { offlineAccessWithoutPrompt: 1 })).status).toBe(400);
    expect((await row(c.id)).offlineAccessWithoutPrompt).toBe(true);
  });

  it("PATCH changes only the fields sent: the provider refuses the old redirect URI and accepts the new one at once; audited", async () => {
    const { client: c, secret } = await register("Edited app");
    const before = await row(c.id);
    const res = await a.call("PATCH", `/api/v1/clients/${c.id}`, a.admin.token, { redirectUris: [REDIRECT2], name: "Edited app 2" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      id: c.id,
      name: "Edited app 2",
      redirectUris: [REDIRECT2],
      type: "confidential",
      firstParty: true,
      resources: [a.api],
    });
    const after = await row(c.id);
    expect(after).toMatchObject({
      redirectUris: [REDIRECT2],
      name: "Edited app 2",
      scope: before.scope,
      grantTypes: before.grantTypes,
      secretHash: before.secretHash,
    });

    const rp = await discover(t.url, c.id, secret);
    const old = await new TestBrowser(t.url).go((await authorizationRequest(rp, REDIRECT)).url);
    expect(old.status).toBe(400);
    expect((await loginWithCode(rp, new TestBrowser(t.url), REDIRECT2, creds())).tokens.access_token).toBeTruthy();
    expect((await events("client.updated", c.id))[0]).toMatchObject({
      actorId: a.admin.id,
      data: expect.objectContaining({ changed: ["name", "redirectUris"], via: "api" }),
    });

    const cleared = await a.call("PATCH", `/api/v1/clients/${c.id}`, a.admin.token, { permissionNamespace: "acme.edited" });
    expect(cleared.body.permissionNamespace).toBe("acme.edited");
    expect(
      (await a.call("PATCH", `/api/v1/clients/${c.id}`, a.admin.token, { permissionNamespace: null })).body.permissionNamespace,
    ).toBeNull();
    expect((await row(c.id)).permissionNamespace).toBeNull();
  });

  it("rotates the secret: the new one in that answer only, the old one refused at once; audited", async () => {
    const { client: c, secret } = await register("Rotated app");
    const res = await a.call("POST", `/api/v1/clients/${c.id}/secret`, a.admin.token);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(["clientId", "secret"]);
    const fresh = res.body.secret as string;
    expect(res.body.clientId).toBe(c.id);
    expect(fresh).not.toBe(secret);
    await expect(client.clientCredentialsGrant(await discover(t.url, c.id, secret), { resource: a.api })).rejects.toMatchObject({
      error: "invalid_client",
    });
    expect((await client.clientCredentialsGrant(await discover(t.url, c.id, fresh), { resource: a.api })).access_token).toBeTruthy();
    const view = await a.call("GET", `/api/v1/clients/${c.id}`, a.admin.token);
    expect(JSON.stringify(view.body)).not.toContain(fresh);
    expect(view.body.secretRotatedAt).toEqual(expect.any(String));
    const [event] = await events("client.secret_rotated", c.id);
    expect(event).toMatchObject({ actorId: a.admin.id, outcome: "success" });
    expect(JSON.stringify(event!.data)).not.toContain(fresh);
  });

  it("deletes a client: no more tokens, its refresh token refused, then 404; audited", async () => {
    const { client: c, secret } = await register("Doomed app");
    const rp = await discover(t.url, c.id, secret);
    const { tokens } = await loginWithCode(rp, new TestBrowser(t.url), REDIRECT, creds());
    const res = await a.call("DELETE", `/api/v1/clients/${c.id}`, a.admin.token);
    expect(res.status).toBe(204);
    expect(await t.app.db.prisma.oidcClient.count({ where: { id: c.id } })).toBe(0);
    await expect(client.clientCredentialsGrant(rp, { resource: a.api })).rejects.toMatchObject({ error: "invalid_client" });
    expect(await tryRefresh(rp, tokens.refresh_token!)).toMatchObject({ ok: false, error: "invalid_client" });
    for (const [method, path] of [
      ["GET", `/api/v1/clients/${c.id}`],
      ["DELETE", `/api/v1/clients/${c.id}`],
      ["PATCH", `/api/v1/clients/${c.id}`],
      ["POST", `/api/v1/clients/${c.id}/secret`],
    ] as const) {
      const gone = await a.call(method, path, a.admin.token, method === "PATCH" ? { name: "Back" } : undefined);
      expect(gone.status, `${method} ${path}`).toBe(404);
      expect(gone.body.code).toBe("client.not_found");
    }
    expect(await events("client.deleted", c.id)).toEqual([expect.objectContaining({ actorId: a.admin.id, outcome: "success" })]);
  });

  it("refuses bad input with 400 request.invalid naming the field, or 409 for a taken namespace, and changes nothing", async () => {
    const { client: c } = await register("Guarded input app", { permissionNamespace: "acme.taken" });
    const before = await row(c.id);
    const count = await t.app.db.prisma.oidcClient.count();
    const base = { name: "Bad app", type: "confidential", redirectUris: [REDIRECT] };
    const creates: [Record<string, unknown>, string][] = [
      [{ ...base, name: "  " }, "name"],
      [{ ...base, redirectUris: ["https://app.example.test/cb#frag"] }, "redirectUris"],
      [{ ...base, redirectUris: ["not a url"] }, "redirectUris"],
      [{ ...base, redirectUris: ["javascript:alert(1)"] }, "redirectUris"],
      [{ ...base, redirectUris: ["http://evil.example/cb"] }, "redirectUris"],
      [{ ...base, redirectUris: [REDIRECT, "data:text/html,<script>alert(1)</script>"] }, "redirectUris"],
      [{ ...base, redirectUris: ["file:///etc/passwd"] }, "redirectUris"],
      [{ ...base, redirectUris: ["https://user:pw@app.example.test/cb"] }, "redirectUris"],
      [{ ...base, redirectUris: ["com.example.app:/cb"] }, "redirectUris"],
      [{ ...base, type: "public", redirectUris: ["javascript:alert(1)"] }, "redirectUris"],
      [{ ...base, type: "public", redirectUris: ["com.example.app:/cb", "https://localhost/cb"] }, "redirectUris"],
      [{ ...base, postLogoutRedirectUris: ["javascript:alert(1)"] }, "postLogoutRedirectUris"],
      [{ ...base, postLogoutRedirectUris: ["http://evil.example/"] }, "postLogoutRedirectUris"],
      [{ ...base, postLogoutRedirectUris: ["https://app.example.test/#x"] }, "postLogoutRedirectUris"],
      [{ ...base, backchannelLogoutUri: "http://evil.example/bcl" }, "backchannelLogoutUri"],
      [{ ...base, backchannelLogoutUri: "com.example.app:/bcl" }, "backchannelLogoutUri"],
      [{ ...base, redirectUris: [] }, "redirectUris"],
      [{ ...base, type: "public", grantTypes: ["client_credentials"] }, "grantTypes"],
      [{ ...base, grantTypes: ["password"] }, "grantTypes"],
      [{ ...base, resources: ["https://elsewhere.example/api"] }, "resources"],
      [{ ...base, permissionNamespace: "gatehouse.mine" }, "permissionNamespace"],
      [{ ...base, permissionNamespace: "Not Dotted" }, "permissionNamespace"],
      [{ ...base, backchannelLogoutUri: "nope" }, "backchannelLogoutUri"],
      [{ ...base, type: "secret" }, "type"],
      [{ ...base, scope: "openid" }, ""],
      [{ redirectUris: [REDIRECT] }, "name"],
    ];
    for (const [body, field] of creates) {
      const res = await a.call("POST", "/api/v1/clients", a.admin.token, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe("request.invalid");
      const paths = (res.body.data!.issues as { path: (string | number)[] }[]).map((i) => i.path);
      expect(
        paths.some((p) => p[0] === "body" && (field === "" || p[1] === field)),
        `${field}: ${JSON.stringify(paths)}`,
      ).toBe(true);
    }
    const script = await a.call("POST", "/api/v1/clients", a.admin.token, { ...base, redirectUris: ["javascript:alert(1)"] });
    expect(script.body.data!.problems).toEqual([
      expect.stringMatching(/^redirectUris\.0: must use https \(http only on 127\.0\.0\.1, \[::1\] or localhost\)/),
    ]);
    const patches: Record<string, unknown>[] = [
      {},
      { type: "public" },
      { redirectUris: [] },
      { grantTypes: [] },
      { name: "" },
      { resources: ["https://elsewhere.example/api"] },
      { permissionNamespace: "gatehouse.x" },
      { redirectUris: ["javascript:alert(1)"] },
      { redirectUris: ["http://evil.example/cb"] },
      { redirectUris: ["com.example.app:/cb"] },
      { postLogoutRedirectUris: ["data:,x"] },
      { backchannelLogoutUri: "http://evil.example/bcl" },
    ];
    for (const body of patches) {
      const res = await a.call("PATCH", `/api/v1/clients/${c.id}`, a.admin.token, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe("request.invalid");
    }
    const taken = await a.call("POST", "/api/v1/clients", a.admin.token, { ...base, permissionNamespace: "acme.taken.sub" });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ code: "client.namespace_taken", data: { takenBy: c.id } });
    const other = await register("Other namespace app");
    expect((await a.call("PATCH", `/api/v1/clients/${other.client.id}`, a.admin.token, { permissionNamespace: "acme" })).status).toBe(409);
    expect((await a.call("POST", "/api/v1/clients", a.admin.token, "name=x", "application/x-www-form-urlencoded")).status).toBe(415);
    expect((await a.call("POST", "/api/v1/clients", a.admin.token, "{not json")).status).toBe(400);
    expect((await a.call("GET", "/api/v1/clients/bad%20id!", a.admin.token)).status).toBe(400);
    expect((await a.call("GET", "/api/v1/clients?limit=0", a.admin.token)).status).toBe(400);

    expect(await row(c.id)).toEqual(before);
    expect(await t.app.db.prisma.oidcClient.count()).toBe(count + 1);
    expect((await row(other.client.id)).permissionNamespace).toBeNull();
  });

  it("refuses every lower caller on every route (401 / 403) and changes nothing", async () => {
    const { client: c, secret } = await register("Forbidden app");
    const keysAdmin = await a.roleToken(["gatehouse.admin.keys.manage", "gatehouse.admin.users.*"]);
    const before = await row(c.id);
    const count = await t.app.db.prisma.oidcClient.count();
    const problems = await refusals(
      a,
      keysAdmin.token,
      [
        ["GET", "/api/v1/clients"],
        ["POST", "/api/v1/clients", { name: "Hacked", type: "confidential", redirectUris: [REDIRECT] }],
        ["GET", `/api/v1/clients/${c.id}`],
        ["PATCH", `/api/v1/clients/${c.id}`, { name: "Hacked" }],
        ["POST", `/api/v1/clients/${c.id}/secret`],
        ["DELETE", `/api/v1/clients/${c.id}`],
      ],
      PERMISSION,
    );
    expect(problems).toEqual([]);
    expect(await row(c.id)).toEqual(before);
    expect(await t.app.db.prisma.oidcClient.count()).toBe(count);
    expect((await client.clientCredentialsGrant(await discover(t.url, c.id, secret), { resource: a.api })).access_token).toBeTruthy();
    expect(
      await t.app.db.prisma.auditEvent.count({ where: { clientId: c.id, type: { startsWith: "client.", not: "client.created" } } }),
    ).toBe(0);
  });
});
