// The provider admin API for upstream identity providers (/api/v1/connectors; #17) against a real Gatehouse:
// create from a preset (only id and secret), the secret never in an answer nor in the audit data, change only
// what is sent (no secret: kept), bad input 400 naming the field and nothing stored, a taken slug 409, delete
// refused (409) while an account is linked; every change audited with data.via = "api"; callers lacking
// gatehouse.admin.connectors.manage refused like the clients API.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { refusals, setUpAdminApi, type AdminApi, type Json } from "../helpers/api.ts";

describe("admin connectors API", () => {
  let t: TestApp;
  let a: AdminApi;
  beforeAll(async () => {
    t = await startTestApp();
    a = await setUpAdminApi(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("adds Google from its preset, lists and shows it; the secret is never shown back or audited", async () => {
    const res = await a.call("POST", "/api/v1/connectors", a.admin.token, {
      slug: "google",
      preset: "google",
      clientId: "gid.apps",
      clientSecret: "very-secret-google",
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      slug: "google",
      name: "Google",
      kind: "oidc",
      issuer: "https://accounts.google.com",
      clientId: "gid.apps",
      hasSecret: true,
      enabled: true,
      redirectUri: `${t.url}/federation/google/callback`,
    });
    const id = res.body.id as string;
    const list = await a.call("GET", "/api/v1/connectors", a.admin.token);
    expect((list.body.connectors as Json[]).map((c) => c.slug)).toEqual(["google"]);
    const shown = await a.call("GET", `/api/v1/connectors/${id}`, a.admin.token);
    for (const text of [res.text, list.text, shown.text]) {
      expect(text).not.toContain("very-secret-google");
      expect(text).not.toContain("clientSecretEncrypted");
    }
    const audit = await t.app.db.prisma.auditEvent.findMany({ where: { type: "connector.created", actorId: a.admin.id } });
    expect(audit.map((e) => e.data)).toEqual([expect.objectContaining({ slug: "google", via: "api", preset: "google" })]);
    expect(JSON.stringify(audit.map((e) => e.data))).not.toContain("very-secret-google");
  });

  it("changes only what is sent; no secret keeps the secret; disabling is audited as connector.disabled", async () => {
    const made = await a.call("POST", "/api/v1/connectors", a.admin.token, {
      slug: "gitlab",
      preset: "gitlab",
      clientId: "gl",
      clientSecret: "gl-secret",
    });
    const id = made.body.id as string;
    const res = await a.call("PATCH", `/api/v1/connectors/${id}`, a.admin.token, { name: "GitLab (work)", enabled: false });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: "GitLab (work)", enabled: false, clientId: "gl", issuer: "https://gitlab.com" });
    const row = (await t.app.services.connectors.find(id))!;
    expect(t.app.services.connectors.secretOf(row)).toBe("gl-secret");
    expect(await t.app.db.prisma.auditEvent.count({ where: { type: "connector.disabled", actorId: a.admin.id } })).toBe(1);
  });

  it("bad input is a 400 naming the field and stores nothing; a taken slug is 409", async () => {
    const before = await t.app.db.prisma.upstreamConnector.count();
    const http = await a.call("POST", "/api/v1/connectors", a.admin.token, {
      slug: "plain",
      name: "Plain",
      kind: "oidc",
      issuer: "http://idp.example.test",
      clientId: "x",
      clientSecret: "y",
    });
    expect(http.status).toBe(400);
    expect(http.body.code).toBe("request.invalid");
    expect(http.text).toContain("https");
    const noIssuer = await a.call("POST", "/api/v1/connectors", a.admin.token, {
      slug: "entra",
      preset: "microsoft",
      clientId: "x",
      clientSecret: "y",
    });
    expect(noIssuer).toMatchObject({ status: 400, body: { code: "request.invalid", data: { field: "issuer" } } });
    const badSlug = await a.call("POST", "/api/v1/connectors", a.admin.token, {
      slug: "Not A Slug",
      preset: "google",
      clientId: "x",
      clientSecret: "y",
    });
    expect(badSlug.status).toBe(400);
    const taken = await a.call("POST", "/api/v1/connectors", a.admin.token, {
      slug: "google",
      preset: "google",
      clientId: "x",
      clientSecret: "y",
    });
    expect(taken).toMatchObject({ status: 409, body: { code: "connector.slug_taken" } });
    expect(await t.app.db.prisma.upstreamConnector.count()).toBe(before);
  });

  it("delete is refused while an account is linked, then works once it is not", async () => {
    const made = await a.call("POST", "/api/v1/connectors", a.admin.token, {
      slug: "github",
      preset: "github",
      clientId: "gh",
      clientSecret: "gh-secret",
    });
    const id = made.body.id as string;
    const user = await t.createUser();
    const link = await t.app.db.prisma.linkedIdentity.create({
      data: { userId: user.id, connectorId: id, subject: "42", email: user.email },
    });
    const refused = await a.call("DELETE", `/api/v1/connectors/${id}`, a.admin.token);
    expect(refused).toMatchObject({ status: 409, body: { code: "connector.in_use", data: { linked: 1 } } });
    expect(await t.app.services.connectors.find(id)).not.toBeNull();
    await t.app.db.prisma.linkedIdentity.delete({ where: { id: link.id } });
    expect((await a.call("DELETE", `/api/v1/connectors/${id}`, a.admin.token)).status).toBe(204);
    expect(await t.app.services.connectors.find(id)).toBeNull();
    expect((await a.call("GET", `/api/v1/connectors/${id}`, a.admin.token)).status).toBe(404);
    expect(await t.app.db.prisma.auditEvent.count({ where: { type: "connector.deleted", actorId: a.admin.id } })).toBe(1);
  });

  it("callers without gatehouse.admin.connectors.manage are refused", async () => {
    const lacking = await a.roleToken(["gatehouse.admin.clients.manage"]);
    const id = "00000000-0000-4000-8000-000000000000";
    const problems = await refusals(
      a,
      lacking.token,
      [
        ["GET", "/api/v1/connectors"],
        ["POST", "/api/v1/connectors", { slug: "x1", preset: "google", clientId: "a", clientSecret: "b" }],
        ["GET", `/api/v1/connectors/${id}`],
        ["PATCH", `/api/v1/connectors/${id}`, { name: "n" }],
        ["DELETE", `/api/v1/connectors/${id}`],
      ],
      "gatehouse.admin.connectors.manage",
    );
    expect(problems).toEqual([]);
  });
});
