// Relying parties register their own permissions through PUT /api/v1/permissions with a client_credentials
// token from openid-client: happy path, idempotent repeat, namespace and ownership refusals, bad bodies,
// missing and wrong tokens; GET lists everything by tab. Every registration attempt is audited.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { SignJWT, generateKeyPair } from "jose";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";

const OTHER_API = "https://api.example.test";

type Answer = {
  code?: string;
  message?: string;
  data?: Record<string, unknown>;
  namespace?: string;
  added?: string[];
  permissions?: { code: string; label: string; tab: string; roles: string[] }[];
  tabs?: { tab: string; permissions: { code: string; label: string; roles: string[] }[] }[];
};
const json = async (res: Response): Promise<Answer> => (await res.json()) as Answer;
const REDIRECT = "https://crm.example.test/callback";

describe("permission registration API", () => {
  let t: TestApp;
  let API: string;
  let crm: { clientId: string; rp: client.Configuration };
  const ns = `acme.crm${Date.now().toString(36)}`;

  const rpFor = async (input: Parameters<TestApp["createClient"]>[0]) => {
    const { clientId, clientSecret } = await t.createClient(input);
    return { clientId, rp: await discover(t.url, clientId, clientSecret) };
  };
  const tokenFor = async (rp: client.Configuration, resource = API) => (await client.clientCredentialsGrant(rp, { resource })).access_token;
  const call = (method: string, token: string | null, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${t.url}/api/v1/permissions`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        accept: "application/json",
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
    });
  const put = (token: string | null, permissions: unknown) => call("PUT", token, { permissions });
  const crmCodes = () => ({
    [`${ns}.lead.read`]: { label: "Read leads", tab: "CRM", roles: ["manager", "developer"] },
    [`${ns}.lead.update`]: { label: "Edit leads", tab: "CRM", roles: ["manager"] },
  });

  beforeAll(async () => {
    t = await startTestApp({ PLUGINS: "plugins/acme-notes/index.ts" });
    API = `${t.url}/api`;
    crm = await rpFor({
      name: "CRM",
      type: "confidential",
      grantTypes: ["authorization_code", "client_credentials"],
      redirectUris: [REDIRECT],
      resources: [API, OTHER_API],
      permissionNamespace: ns,
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("registers the client's codes; existing teams' built-in roles get their defaults; audited", async () => {
    const owner = await t.createUser();
    const team = await t.app.services.teams.createTeam(owner.id, { name: `CRM team ${Date.now()}` });
    if (team.outcome !== "created") throw new Error(team.message);

    const res = await put(await tokenFor(crm.rp), crmCodes());
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await json(res)).toEqual({
      namespace: ns,
      added: [`${ns}.lead.read`, `${ns}.lead.update`],
      permissions: [
        { code: `${ns}.lead.read`, label: "Read leads", tab: "CRM", roles: ["manager", "developer"] },
        { code: `${ns}.lead.update`, label: "Edit leads", tab: "CRM", roles: ["manager"] },
      ],
    });
    expect(t.app.services.permissions.get(`${ns}.lead.read`)?.owner).toBe(`client:${crm.clientId}`);
    expect((await t.app.queries.teams.roleByKey(team.teamId, "manager"))!.permissions).toEqual(
      expect.arrayContaining([`${ns}.lead.read`, `${ns}.lead.update`]),
    );
    const developer = (await t.app.queries.teams.roleByKey(team.teamId, "developer"))!.permissions;
    expect(developer).toContain(`${ns}.lead.read`);
    expect(developer).not.toContain(`${ns}.lead.update`);

    const events = (await t.app.queries.auditEvents.listByType("permission.registered")).filter(
      (e) => e.clientId === crm.clientId && e.outcome === "success",
    );
    expect(events[0]!.data).toMatchObject({
      namespace: ns,
      codes: [`${ns}.lead.read`, `${ns}.lead.update`],
      added: [`${ns}.lead.read`, `${ns}.lead.update`],
    });
    expect(events[0]!.ip).toBeTruthy();
  });

  it("is idempotent: the same request again changes nothing and adds nothing", async () => {
    const token = await tokenFor(crm.rp);
    const rowsBefore = await t.app.queries.permissions.list();
    const res = await put(token, crmCodes());
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.added).toEqual([]);
    expect(body.permissions!.map((p) => p.code)).toEqual([`${ns}.lead.read`, `${ns}.lead.update`]);
    expect((await t.app.queries.permissions.list()).length).toBe(rowsBefore.length);
    // a relabel is fine and keeps the code; a new code is added beside the old ones
    const more = await put(token, {
      [`${ns}.lead.read`]: { label: "See leads", tab: "CRM" },
      [`${ns}.deal.read`]: { label: "See deals", tab: "CRM" },
    });
    expect(more.status).toBe(200);
    const after = await json(more);
    expect(after.added).toEqual([`${ns}.deal.read`]);
    expect(after.permissions!.map((p) => p.code)).toEqual([`${ns}.deal.read`, `${ns}.lead.read`, `${ns}.lead.update`]);
    expect(t.app.services.permissions.get(`${ns}.lead.read`)?.label).toBe("See leads");
  });

  it("refuses codes outside the client's namespace (403), look-alike prefixes included, and registers none of the batch", async () => {
    const token = await tokenFor(crm.rp);
    for (const code of [`${ns}er.lead.read`, "acme.billing.invoice.read", "gatehouse.admin.users.manage"]) {
      const res = await put(token, { [`${ns}.task.read`]: { label: "Tasks", tab: "CRM" }, [code]: { label: "Sneaky", tab: "CRM" } });
      expect(res.status).toBe(403);
      const body = await json(res);
      expect(body).toMatchObject({ code: "permissions.outside_namespace", data: { namespace: ns, codes: [code] } });
      expect(typeof body.message).toBe("string");
    }
    expect(t.app.services.permissions.has(`${ns}.task.read`)).toBe(false);
    const failures = (await t.app.queries.auditEvents.listByType("permission.registered")).filter(
      (e) => e.clientId === crm.clientId && e.outcome === "failure",
    );
    expect(failures.length).toBeGreaterThanOrEqual(3);
    expect(failures[0]!.data).toMatchObject({ reason: "outside_namespace" });
  });

  it("refuses a client without a namespace (403)", async () => {
    const plain = await rpFor({ name: "No namespace", type: "confidential", grantTypes: ["client_credentials"], resources: [API] });
    const res = await put(await tokenFor(plain.rp), { "acme.misc.thing.read": { label: "x", tab: "y" } });
    expect(res.status).toBe(403);
    expect((await json(res)).code).toBe("permissions.no_namespace");
  });

  it("refuses codes in a namespace someone else owns (409): here, the acme.notes plugin's, even codes it has not registered", async () => {
    // a plugin's namespace is the plugin's: a client holding it could otherwise slip codes (with default roles)
    // into every team's built-in roles under the plugin's name
    const notes = await rpFor({
      name: "Notes app",
      type: "confidential",
      grantTypes: ["client_credentials"],
      resources: [API],
      permissionNamespace: "acme.notes",
    });
    const token = await tokenFor(notes.rp);
    const res = await put(token, {
      "acme.notes.note.read": { label: "Mine now", tab: "Notes" },
      "acme.notes.tag.read": { label: "Tags", tab: "Notes" },
    });
    expect(res.status).toBe(409);
    expect(await json(res)).toMatchObject({ code: "permissions.taken", data: { codes: ["acme.notes.note.read", "acme.notes.tag.read"] } });
    expect(t.app.services.permissions.get("acme.notes.note.read")).toMatchObject({ owner: "acme.notes", label: "Read notes" });
    expect(t.app.services.permissions.has("acme.notes.tag.read")).toBe(false);
    expect((await put(token, { "acme.notes.tag.read": { label: "Tags", tab: "Notes" } })).status).toBe(409);
    expect(t.app.services.permissions.has("acme.notes.tag.read")).toBe(false);
  });

  it("two clients' namespaces cannot overlap", async () => {
    await expect(
      t.createClient({ name: "Overlap", type: "confidential", grantTypes: ["client_credentials"], permissionNamespace: `${ns}.sub` }),
    ).rejects.toMatchObject({ code: "client.namespace_taken" });
    await expect(
      t.createClient({ name: "Core", type: "confidential", grantTypes: ["client_credentials"], permissionNamespace: "gatehouse.extra" }),
    ).rejects.toThrow(/reserved/);
  });

  it("without a valid token: 401 with WWW-Authenticate: Bearer, nothing registered", async () => {
    const body = { [`${ns}.quote.read`]: { label: "Quotes", tab: "CRM" } };
    const none = await put(null, body);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe(`Bearer realm="${API}"`);
    expect(await json(none)).toMatchObject({ code: "invalid_token", data: {} });

    const garbage = await put("not-a-jwt", body);
    expect(garbage.status).toBe(401);
    expect(garbage.headers.get("www-authenticate")).toMatch(/^Bearer realm=".*", error="invalid_token", error_description=".+"$/);

    // a real Gatehouse token, but for another API
    const elsewhere = await put(await tokenFor(crm.rp, OTHER_API), body);
    expect(elsewhere.status).toBe(401);
    expect((await json(elsewhere)).message).toMatch(/not for this service/);

    // a token with the right claims signed by someone else's key
    const { privateKey } = await generateKeyPair("ES256");
    const forged = await new SignJWT({ client_id: crm.clientId, scope: "api" })
      .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: "forged" })
      .setIssuer(t.url)
      .setAudience(API)
      .setSubject(crm.clientId)
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(privateKey);
    expect((await put(forged, body)).status).toBe(401);

    const basic = await call("PUT", null, { permissions: body }, { authorization: "Basic Zm9vOmJhcg==" });
    expect(basic.status).toBe(401);
    expect(t.app.services.permissions.has(`${ns}.quote.read`)).toBe(false);
  });

  it("a token of a client disabled since is refused (401)", async () => {
    const ns2 = `acme.gone${Date.now().toString(36)}`;
    const gone = await rpFor({
      name: "Gone",
      type: "confidential",
      grantTypes: ["client_credentials"],
      resources: [API],
      permissionNamespace: ns2,
    });
    const token = await tokenFor(gone.rp);
    await t.app.db.prisma.oidcClient.update({ where: { id: gone.clientId }, data: { disabled: true } });
    const res = await put(token, { [`${ns2}.x.read`]: { label: "x", tab: "y" } });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/error="invalid_token"/);
    expect(t.app.services.permissions.has(`${ns2}.x.read`)).toBe(false);
  });

  it("needs the client's own token: a user's access token for the API may list but not register", async () => {
    const user = await t.createUser();
    const { tokens } = await loginWithCode(
      crm.rp,
      new TestBrowser(t.url),
      REDIRECT,
      { identifier: user.email, password: user.password },
      { resource: API, scope: "openid" },
    );
    const res = await put(tokens.access_token, { [`${ns}.quote.read`]: { label: "Quotes", tab: "CRM" } });
    expect(res.status).toBe(403);
    expect((await json(res)).code).toBe("token.client_credentials_required");
    expect((await call("GET", tokens.access_token)).status).toBe(200);
  });

  it("refuses bad bodies with 400 or 415 and a JSON error", async () => {
    const token = await tokenFor(crm.rp);
    const cases: [unknown, number, string][] = [
      [{ permissions: { [`${ns}.Lead.read`]: { label: "x", tab: "y" } } }, 400, "request.invalid"],
      [{ permissions: { [`${ns}.lead.read`]: { tab: "CRM" } } }, 400, "request.invalid"],
      [{ permissions: { [`${ns}.lead.read`]: { label: "x", tab: "CRM", roles: ["owner"] } } }, 400, "request.invalid"],
      [{ permissions: { [`${ns}.lead.read`]: { label: "x", tab: "CRM", extra: 1 } } }, 400, "request.invalid"],
      [{ permissions: [] }, 400, "request.invalid"],
      [{}, 400, "request.invalid"],
      ["{not json", 400, "request.invalid_json"],
    ];
    for (const [body, status, code] of cases) {
      const res = await call("PUT", token, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect((await json(res)).code).toBe(code);
    }
    const huge = await call("PUT", token, { permissions: { [`${ns}.lead.read`]: { label: "x".repeat(70_000), tab: "CRM" } } });
    expect(huge.status).toBe(413);
    expect((await json(huge)).code).toBe("request.too_large");
    const form = await call("PUT", token, undefined, { "content-type": "application/x-www-form-urlencoded" });
    expect(form.status).toBe(415);
    expect((await json(form)).code).toBe("request.unsupported_type");
    expect(t.app.services.permissions.get(`${ns}.lead.read`)?.label).toBe("See leads");
  });

  it("GET lists every registered permission grouped by tab (any valid token)", async () => {
    const res = await call("GET", await tokenFor(crm.rp));
    expect(res.status).toBe(200);
    const { tabs } = (await json(res)) as Required<Answer>;
    const byTab = Object.fromEntries(tabs.map((x) => [x.tab, x.permissions.map((p) => p.code)]));
    expect(byTab.CRM).toEqual([`${ns}.deal.read`, `${ns}.lead.read`, `${ns}.lead.update`]);
    expect(byTab.Notes).toEqual(["acme.notes.note.delete", "acme.notes.note.read", "acme.notes.note.update"]);
    expect(byTab.Team).toContain("gatehouse.team.read");
    expect((await call("GET", null)).status).toBe(401);
  });

  it("accepts tokens signed after a key rotation (the next key was already published)", async () => {
    await t.app.services.keys.rotate();
    await t.app.oidc.refreshKeys();
    const res = await call("GET", await tokenFor(crm.rp));
    expect(res.status).toBe(200);
  });

  it("unknown API paths and methods answer JSON", async () => {
    const missing = await fetch(`${t.url}/api/v1/nothing`, { headers: { accept: "text/html" } });
    expect(missing.status).toBe(404);
    expect((await json(missing)).code).toBe("not_found");
    const post = await call("POST", await tokenFor(crm.rp), { permissions: {} });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD, PUT");
  });
});
