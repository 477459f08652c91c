// The admin Clients screens end to end (real Postgres, Redis, openid-client; the admin signed in through the
// account pages): registering a confidential client through the form (the secret shown once, only its hash
// stored; openid-client then uses it with client_credentials and the code flow), editing its redirect URIs (the
// provider honours the change at once), rotating the secret (old refused, new works), deleting it (no more
// tokens, its refresh token refused), validation errors (400, nothing created), audit records with the actor,
// forbidden access (no system role, a role without the permission: 403 on every route, GET and POST) and CSRF.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, parseForms, type Page } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";
import { openAccountPage, tryRefresh } from "../helpers/sessions.ts";
import { authorizationRequest } from "../helpers/totp-login.ts";

const REDIRECT = "https://rp.example.test/cb";
const REDIRECT2 = "https://rp.example.test/new-cb";

describe("admin clients pages", () => {
  let t: TestApp;
  let admin: { id: string; email: string; password: string };
  let browser: TestBrowser;
  let api: string;

  const signedIn = async (user: { email: string; password: string }, path = "/admin/clients") => {
    const b = new TestBrowser(t.url);
    const page = await openAccountPage(b, t.url, path, { identifier: user.email, password: user.password });
    return { browser: b, page };
  };
  /** submits the form of `page` whose action contains `action` with (repeatable) fields, as a browser would */
  async function post(b: TestBrowser, page: Page, action: string, fields: [string, string][]): Promise<Page> {
    const form = parseForms(page.html, page.url).find((f) => f.action.includes(action));
    if (!form) throw new Error(`no form ${action} on ${page.url}`);
    const body = new URLSearchParams([...Object.entries(form.fields), ...fields]).toString();
    return b.go(form.action, {
      init: { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url }, body },
    });
  }
  const clientForm = (name: string, extra: [string, string][] = []): [string, string][] => [
    ["name", name],
    ["type", "confidential"],
    ["redirectUris", `${REDIRECT}\n`],
    ["postLogoutRedirectUris", ""],
    ["grantTypes", "authorization_code"],
    ["grantTypes", "refresh_token"],
    ["grantTypes", "client_credentials"],
    ["firstParty", "yes"],
    ["resources", api],
    ["backchannelLogoutUri", ""],
    ["permissionNamespace", ""],
    ...extra,
  ];
  const events = async (type: string) => await t.app.db.prisma.auditEvent.findMany({ where: { type } });
  const creds = () => ({ identifier: admin.email, password: admin.password });

  async function register(name: string): Promise<{ clientId: string; secret: string; page: Page }> {
    const form = await browser.go(`${t.url}/admin/clients/new`);
    expect(form.status).toBe(200);
    const page = await post(browser, form, "/admin/clients/new", clientForm(name));
    expect(page.status).toBe(200);
    const clientId = /data-client-id>([^<]+)</.exec(page.html)![1]!;
    const secret = /data-client-secret>([^<]+)</.exec(page.html)![1]!;
    return { clientId, secret, page };
  }

  beforeAll(async () => {
    t = await startTestApp();
    api = `${t.url}/api`;
    admin = await t.createUser();
    await t.app.services.systemRoles.setUserRole(admin.id, "super_admin");
    browser = (await signedIn(admin)).browser;
  });
  afterAll(async () => {
    await t?.close();
  });

  it("registers a confidential client: the secret is shown once, works with openid-client, and is never shown again", async () => {
    const { clientId, secret, page } = await register("Billing app");
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(secret.length).toBeGreaterThan(30);
    const row = await t.app.db.prisma.oidcClient.findUniqueOrThrow({ where: { id: clientId } });
    expect(row).toMatchObject({ name: "Billing app", type: "confidential", redirectUris: [REDIRECT], firstParty: true, resources: [api] });
    expect(row.secretHash).not.toBe(secret);

    for (const path of [`/admin/clients/${clientId}`, "/admin/clients", `/admin/clients/${clientId}/edit`]) {
      const again = await browser.go(`${t.url}${path}`);
      expect(again.status).toBe(200);
      expect(again.html).toContain(clientId);
      expect(again.html).not.toContain(secret);
    }
    const created = (await events("client.created")).find((e) => e.clientId === clientId)!;
    expect(created).toMatchObject({ actorId: admin.id, outcome: "success" });
    expect(JSON.stringify(created.data)).not.toContain(secret);

    const rp = await discover(t.url, clientId, secret);
    expect((await client.clientCredentialsGrant(rp, { resource: api })).access_token).toBeTruthy();
    const { tokens } = await loginWithCode(rp, new TestBrowser(t.url), REDIRECT, creds());
    expect(tokens.claims()!.sub).toBe(admin.id);
  });

  it("edits the redirect URIs: the provider refuses the old one and accepts the new one at once", async () => {
    const { clientId, secret } = await register("Edited app");
    // a scope set elsewhere (the API, the CLI) survives the form, which has no scope field
    const made = (await t.app.services.clients.find(clientId))!;
    await t.app.services.clients.update(clientId, {
      name: made.name,
      redirectUris: made.redirectUris,
      postLogoutRedirectUris: made.postLogoutRedirectUris,
      grantTypes: made.grantTypes as ["authorization_code"],
      resources: made.resources,
      firstParty: made.firstParty,
      backchannelLogoutUri: made.backchannelLogoutUri,
      permissionNamespace: made.permissionNamespace,
      scope: "openid profile email offline_access",
    });
    const rp = await discover(t.url, clientId, secret);
    const edit = await browser.go(`${t.url}/admin/clients/${clientId}/edit`);
    expect(edit.html).toContain(REDIRECT);
    const saved = await post(
      browser,
      edit,
      "/edit",
      clientForm("Edited app 2")
        .filter(([k]) => k !== "redirectUris" && k !== "type")
        .concat([["redirectUris", REDIRECT2]]),
    );
    expect(saved.status).toBe(200);
    expect(saved.html).toContain("Client saved");
    expect(saved.html).toContain("Edited app 2");
    const row = await t.app.db.prisma.oidcClient.findUniqueOrThrow({ where: { id: clientId } });
    expect(row.redirectUris).toEqual([REDIRECT2]);
    expect(row.type).toBe("confidential");
    expect(row.scope).toBe("openid profile email offline_access"); // not reset to the default (which adds roles)

    const old = await new TestBrowser(t.url).go((await authorizationRequest(rp, REDIRECT)).url);
    expect(old.status).toBe(400);
    expect(old.html).toContain("has not registered");
    const { tokens } = await loginWithCode(rp, new TestBrowser(t.url), REDIRECT2, creds());
    expect(tokens.access_token).toBeTruthy();
    expect((await events("client.updated")).find((e) => e.clientId === clientId)).toMatchObject({ actorId: admin.id });
  });

  it("the edit page sets the ID token signature to RS256 and back; a value not offered is refused inline", async () => {
    const { clientId } = await register("Signature app");
    const edit = await browser.go(`${t.url}/admin/clients/${clientId}/edit`);
    expect(edit.html).toContain('name="idTokenSigningAlg"');
    const keep = clientForm("Signature app").filter(([k]) => k !== "type");
    const saved = await post(browser, edit, "/edit", keep.concat([["idTokenSigningAlg", "RS256"]]));
    expect(saved.status).toBe(200);
    expect((await t.app.db.prisma.oidcClient.findUniqueOrThrow({ where: { id: clientId } })).idTokenSigningAlg).toBe("RS256");
    expect((await browser.go(`${t.url}/admin/clients/${clientId}`)).html).toMatch(/ID token signature<\/dt><dd>RS256/);
    const refused = await post(
      browser,
      await browser.go(`${t.url}/admin/clients/${clientId}/edit`),
      "/edit",
      keep.concat([["idTokenSigningAlg", "HS256"]]),
    );
    expect(refused.status).toBe(400);
    expect((await t.app.db.prisma.oidcClient.findUniqueOrThrow({ where: { id: clientId } })).idTokenSigningAlg).toBe("RS256");
    await post(browser, await browser.go(`${t.url}/admin/clients/${clientId}/edit`), "/edit", keep.concat([["idTokenSigningAlg", ""]]));
    expect((await t.app.db.prisma.oidcClient.findUniqueOrThrow({ where: { id: clientId } })).idTokenSigningAlg).toBeNull();
  });

  it("the edit page sets offline access without prompt=consent and clears it", async () => {
    const { clientId } = await register("Partner app");
    const keep = clientForm("Partner app").filter(([k, v]) => k !== "type" && !(k === "firstParty" && v === "yes"));
    const row = async () => t.app.db.prisma.oidcClient.findUniqueOrThrow({ where: { id: clientId } });
    const edit = await browser.go(`${t.url}/admin/clients/${clientId}/edit`);
    expect(edit.html).toContain('name="offlineAccessWithoutPrompt"');
    expect((await post(browser, edit, "/edit", keep.concat([["offlineAccessWithoutPrompt", "yes"]]))).status).toBe(200);
    expect(await row()).toMatchObject({ firstParty: false, offlineAccessWithoutPrompt: true });
    expect((await browser.go(`${t.url}/admin/clients/${clientId}`)).html).toMatch(
      /Offline access<\/dt><dd>asking offline_access is enough/,
    );
    await post(browser, await browser.go(`${t.url}/admin/clients/${clientId}/edit`), "/edit", keep);
    expect((await row()).offlineAccessWithoutPrompt).toBe(false);
    expect((await browser.go(`${t.url}/admin/clients/${clientId}`)).html).toMatch(/Offline access<\/dt><dd>needs prompt=consent/);
  });

  it("rotates the secret after a confirmation: the old secret is refused, the new one works", async () => {
    const { clientId, secret } = await register("Rotated app");
    const confirm = await browser.go(`${t.url}/admin/clients/${clientId}/rotate-secret`);
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain("Rotated app");
    expect(await t.app.db.prisma.oidcClient.findUniqueOrThrow({ where: { id: clientId } }).then((r) => r.secretRotatedAt)).toBeNull();
    const done = await post(browser, confirm, "/rotate-secret", []);
    expect(done.status).toBe(200);
    const fresh = /data-client-secret>([^<]+)</.exec(done.html)![1]!;
    expect(fresh).not.toBe(secret);

    await expect(client.clientCredentialsGrant(await discover(t.url, clientId, secret), { resource: api })).rejects.toMatchObject({
      error: "invalid_client",
    });
    expect((await client.clientCredentialsGrant(await discover(t.url, clientId, fresh), { resource: api })).access_token).toBeTruthy();
    expect((await browser.go(`${t.url}/admin/clients/${clientId}`)).html).not.toContain(fresh);
    expect((await events("client.secret_rotated")).find((e) => e.clientId === clientId)).toMatchObject({ actorId: admin.id });
  });

  it("deletes a client after a confirmation naming it: no more tokens, its refresh token and userinfo token refused", async () => {
    const { clientId, secret } = await register("Doomed app");
    const rp = await discover(t.url, clientId, secret);
    const { tokens } = await loginWithCode(rp, new TestBrowser(t.url), REDIRECT, creds());
    expect(tokens.refresh_token).toBeTruthy();
    const userinfo = () => fetch(rp.serverMetadata().userinfo_endpoint!, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect((await userinfo()).status).toBe(200);

    const confirm = await browser.go(`${t.url}/admin/clients/${clientId}/delete`);
    expect(confirm.html).toContain("Doomed app");
    expect(confirm.html).toContain("can no longer authenticate");
    expect(await t.app.db.prisma.oidcClient.count({ where: { id: clientId } })).toBe(1);
    const done = await post(browser, confirm, "/delete", []);
    expect(done.status).toBe(200);
    expect(done.html).toContain("Client Doomed app deleted.");
    expect(done.html).not.toContain(`data-client="${clientId}"`);
    expect(await t.app.db.prisma.oidcClient.count({ where: { id: clientId } })).toBe(0);

    await expect(client.clientCredentialsGrant(rp, { resource: api })).rejects.toMatchObject({ error: "invalid_client" });
    expect(await tryRefresh(rp, tokens.refresh_token!)).toMatchObject({ ok: false, error: "invalid_client" });
    expect((await userinfo()).status).toBe(401);
    expect((await new TestBrowser(t.url).go((await authorizationRequest(rp, REDIRECT)).url)).status).toBe(400);
    expect((await browser.go(`${t.url}/admin/clients/${clientId}`)).status).toBe(404);
    expect((await events("client.deleted")).find((e) => e.clientId === clientId)).toMatchObject({ actorId: admin.id });
  });

  it("registers a public client without a secret; it has nothing to rotate", async () => {
    const form = await browser.go(`${t.url}/admin/clients/new`);
    const fields = clientForm("Phone app")
      .filter(([k, v]) => k !== "type" && v !== "client_credentials" && k !== "resources")
      .concat([["type", "public"]]);
    const page = await post(browser, form, "/admin/clients/new", fields);
    expect(page.status).toBe(200);
    expect(page.html).not.toContain("data-client-secret");
    expect(page.html).toContain("A public client has no secret");
    const clientId = /data-client-id>([^<]+)</.exec(page.html)![1]!;
    expect(await t.app.db.prisma.oidcClient.findUniqueOrThrow({ where: { id: clientId } })).toMatchObject({
      type: "public",
      secretHash: null,
      tokenEndpointAuthMethod: "none",
    });
    const detail = await browser.go(`${t.url}/admin/clients/${clientId}`);
    expect(detail.html).not.toContain("/rotate-secret");
    expect((await browser.go(`${t.url}/admin/clients/${clientId}/rotate-secret`)).status).toBe(409);
    const { tokens } = await loginWithCode(await discover(t.url, clientId, null), new TestBrowser(t.url), REDIRECT, creds());
    expect(tokens.access_token).toBeTruthy();
  });

  it("refuses invalid forms with 400 and the messages inline, and creates nothing", async () => {
    const before = await t.app.db.prisma.oidcClient.count();
    const form = await browser.go(`${t.url}/admin/clients/new`);
    const cases: { fields: [string, string][]; field: string }[] = [
      { fields: clientForm("", []), field: "name" },
      {
        fields: clientForm("Bad URI")
          .filter(([k]) => k !== "redirectUris")
          .concat([["redirectUris", "not a url"]]),
        field: "redirectUris",
      },
      {
        fields: clientForm("Public CC")
          .filter(([k]) => k !== "type")
          .concat([["type", "public"]]),
        field: "grantTypes",
      },
      {
        fields: clientForm("Bad resource")
          .filter(([k]) => k !== "resources")
          .concat([["resources", "https://elsewhere.example/api"]]),
        field: "resources",
      },
      {
        fields: clientForm("Bad ns", [["permissionNamespace", "gatehouse.x"]]).filter(([k, v]) => k !== "permissionNamespace" || v),
        field: "permissionNamespace",
      },
    ];
    for (const c of cases) {
      const page = await post(browser, form, "/admin/clients/new", c.fields);
      expect(page.status, c.field).toBe(400);
      expect(page.html).toContain("The client was not saved");
      expect(page.html).toContain(`id="${c.field}-error"`);
    }
    expect(await t.app.db.prisma.oidcClient.count()).toBe(before);
  });

  it("forbids every route, GET and POST, without the permission, and refuses a POST without a CSRF token", async () => {
    const { clientId } = await register("Guarded app");
    const role = await t.app.services.systemRoles.create({
      key: `ua${Date.now().toString(36)}`,
      name: "User admin",
      permissions: ["gatehouse.admin.users.*"],
    });
    if (role.outcome !== "created") throw new Error(role.outcome);
    const noRole = await t.createUser();
    const wrongRole = await t.createUser();
    await t.app.services.systemRoles.setUserRole(wrongRole.id, role.role.key);
    const gets = [
      "/admin/clients",
      "/admin/clients/new",
      `/admin/clients/${clientId}`,
      `/admin/clients/${clientId}/edit`,
      `/admin/clients/${clientId}/rotate-secret`,
      `/admin/clients/${clientId}/delete`,
    ];
    const posts = [
      "/admin/clients/new",
      `/admin/clients/${clientId}/edit`,
      `/admin/clients/${clientId}/rotate-secret`,
      `/admin/clients/${clientId}/delete`,
    ];
    const before = await t.app.db.prisma.oidcClient.findUniqueOrThrow({ where: { id: clientId } });
    for (const user of [noRole, wrongRole]) {
      const { browser: b } = await signedIn(user, "/account");
      for (const path of gets) expect((await b.request(`${t.url}${path}`)).status, path).toBe(403);
      for (const path of posts) {
        const res = await b.request(`${t.url}${path}`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url },
          body: new URLSearchParams(clientForm("Hacked")).toString(),
        });
        expect(res.status, path).toBe(403);
        expect(await res.text()).toContain("does not have access");
      }
    }
    for (const path of posts) {
      const res = await browser.request(`${t.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url },
        body: new URLSearchParams(clientForm("Hacked")).toString(),
      });
      expect(res.status, path).toBe(403);
    }
    expect(await t.app.db.prisma.oidcClient.findUniqueOrThrow({ where: { id: clientId } })).toEqual(before);
    expect(await t.app.db.prisma.oidcClient.count({ where: { name: "Hacked" } })).toBe(0);
  });
});
