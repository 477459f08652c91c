// SAML connectors (#17) through the admin surfaces: the REST API imports an IdP's metadata (entity id, SSO URL,
// signing certificate) and answers with our SP metadata URL and ACS; unusable metadata (a DOCTYPE, no signing
// certificate, no HTTP-Redirect sign-on, not XML) is a 400 naming idpMetadata and stores nothing; the CLI reads
// the metadata from a file; the admin page's form takes it pasted.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { setUpAdminApi, type AdminApi } from "../helpers/api.ts";
import { TestBrowser, parseForms } from "../helpers/browser.ts";
import { openAccountPage } from "../helpers/sessions.ts";
import { startSamlIdp, type SamlIdp } from "../helpers/saml-idp.ts";
import { cliEnv, runGatehouse } from "../helpers/cli.ts";

describe("SAML connectors through the API and the CLI", () => {
  let t: TestApp;
  let a: AdminApi;
  let idp: SamlIdp;
  beforeAll(async () => {
    t = await startTestApp();
    a = await setUpAdminApi(t);
    idp = await startSamlIdp({ nameId: "x" });
  });
  afterAll(async () => {
    await idp?.close();
    await t?.close();
  });

  it("the API imports the IdP's metadata and names our SP metadata and ACS; audited", async () => {
    const res = await a.call("POST", "/api/v1/connectors", a.admin.token, {
      slug: "corp",
      name: "Corp",
      kind: "saml",
      idpMetadata: idp.metadata,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      kind: "saml",
      issuer: idp.entityId,
      authorizationEndpoint: `${idp.url}/sso`,
      hasSecret: false,
      spMetadataUrl: `${t.url}/federation/saml/corp/metadata`,
      acsUrl: `${t.url}/federation/saml/corp/acs`,
    });
    expect(res.body.samlCertificates).toHaveLength(1);
    const audit = await t.app.db.prisma.auditEvent.findMany({ where: { type: "connector.created", actorId: a.admin.id } });
    expect(audit.map((e) => e.data)).toEqual([expect.objectContaining({ slug: "corp", kind: "saml", via: "api" })]);
  });

  it("unusable metadata is a 400 naming idpMetadata and stores nothing", async () => {
    const before = await t.app.db.prisma.upstreamConnector.count();
    const cases: [string, RegExp][] = [
      [`<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${idp.metadata.replace(/^<\?xml[^>]*>/, "")}`, /DOCTYPE/],
      [idp.metadata.replace(/<md:KeyDescriptor[\s\S]*?<\/md:KeyDescriptor>/, ""), /no signing certificate/],
      [
        idp.metadata.replace(/<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"[^>]*>/, ""),
        /HTTP-Redirect/,
      ],
      ["<md:EntityDescriptor", /not usable XML/],
    ];
    for (const [idpMetadata, message] of cases) {
      const res = await a.call("POST", "/api/v1/connectors", a.admin.token, { slug: "bad", name: "Bad", kind: "saml", idpMetadata });
      expect(res).toMatchObject({ status: 400, body: { code: "request.invalid", data: { field: "idpMetadata" } } });
      expect(res.text).toMatch(message);
    }
    const none = await a.call("POST", "/api/v1/connectors", a.admin.token, { slug: "bad", name: "Bad", kind: "saml" });
    expect(none).toMatchObject({ status: 400, body: { data: { field: "idpEntityId" } } });
    expect(await t.app.db.prisma.upstreamConnector.count()).toBe(before);
  });

  it("the admin page takes the metadata pasted, shows the SP metadata URL, and edits keep the certificates", async () => {
    const admin = await t.createUser();
    await t.app.services.systemRoles.setUserRole(admin.id, "super_admin");
    const browser = new TestBrowser(t.url);
    await openAccountPage(browser, t.url, "/admin/connectors", { identifier: admin.email, password: admin.password });
    const post = async (url: string, action: string, fields: Record<string, string>) => {
      const page = await browser.go(url);
      const form = parseForms(page.html, page.url).find((f) => f.action.includes(action))!;
      return browser.go(form.action, {
        init: {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url },
          body: new URLSearchParams({ ...form.fields, ...fields }).toString(),
        },
      });
    };
    const bad = await post(`${t.url}/admin/connectors/new`, "/admin/connectors/new", {
      slug: "page-bad",
      name: "Bad",
      kind: "saml",
      idpMetadata: "<md:EntityDescriptor",
    });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("not usable XML");
    const added = await post(`${t.url}/admin/connectors/new`, "/admin/connectors/new", {
      slug: "page-saml",
      name: "Page SAML",
      kind: "saml",
      idpMetadata: idp.metadata,
    });
    expect(added.status).toBe(200);
    expect(added.html).toContain(`${t.url}/federation/saml/page-saml/metadata`);
    const row = await t.app.db.prisma.upstreamConnector.findUniqueOrThrow({ where: { slug: "page-saml" } });
    expect(row).toMatchObject({ kind: "saml", issuer: idp.entityId });
    const saved = await post(`${t.url}/admin/connectors/${row.id}/edit`, `/admin/connectors/${row.id}/edit`, { name: "Page SAML 2" });
    expect(saved.status).toBe(200);
    expect(await t.app.db.prisma.upstreamConnector.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      name: "Page SAML 2",
      issuer: idp.entityId,
      samlCertificates: row.samlCertificates,
    });
  });

  it("the CLI reads the metadata from a file", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "saml-")), "idp.xml");
    writeFileSync(file, idp.metadata);
    const { stdout } = await runGatehouse(
      cliEnv(t),
      ["connectors", "create", "--slug", "corp-cli", "--name", "Corp CLI", "--kind", "saml", "--idp-metadata", file, "--json"],
      { check: true },
    );
    expect(JSON.parse(stdout)).toMatchObject({
      kind: "saml",
      issuer: idp.entityId,
      spMetadataUrl: `${t.url}/federation/saml/corp-cli/metadata`,
    });
  });
});
