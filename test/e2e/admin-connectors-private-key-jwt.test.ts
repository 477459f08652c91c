// private_key_jwt connectors (#17 item 1) on the admin pages and in the CLI: a custom OpenID Connect connector
// made with private_key_jwt and no secret shows its JWKS URL (the notice, the list, the edit page with its keys,
// never a private part); a secret method without a secret is refused with the field's message, nothing stored;
// "Make a new signing key" publishes a second key; the CLI creates one without --client-secret-env and prints the
// JWKS URL, and rotate-key / remove-old-keys work from the command line.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { gatehouseCli, type CliRunner } from "../helpers/cli.ts";
import { TestBrowser, parseForms, type Page } from "../helpers/browser.ts";
import { openAccountPage } from "../helpers/sessions.ts";

describe("private_key_jwt connectors on the admin pages and in the CLI", () => {
  let t: TestApp;
  let browser: TestBrowser;
  async function post(page: Page, action: string, fields: Record<string, string>): Promise<Page> {
    const form = parseForms(page.html, page.url).find((f) => f.action.includes(action));
    if (!form) throw new Error(`no form ${action} on ${page.url}:\n${page.html.slice(0, 1500)}`);
    const body = new URLSearchParams({ ...form.fields, ...fields }).toString();
    return browser.go(form.action, {
      init: { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url }, body },
    });
  }
  const gatehouse: CliRunner = (...args) => gatehouseCli(t)(...args);
  beforeAll(async () => {
    t = await startTestApp();
    const admin = await t.createUser();
    await t.app.services.systemRoles.setUserRole(admin.id, "super_admin");
    browser = new TestBrowser(t.url);
    await openAccountPage(browser, t.url, "/admin/connectors", { identifier: admin.email, password: admin.password });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("the admin page makes a private_key_jwt connector without a secret and shows its JWKS URL and keys", async () => {
    const form = await browser.go(`${t.url}/admin/connectors/new`);
    expect(form.html).toContain('name="tokenAuthMethod"');
    const fields = { slug: "corp", kind: "oidc", name: "Corp", issuer: "https://idp.corp.test", clientId: "corp-client", clientSecret: "" };
    // a secret method needs a secret: refused, nothing stored
    const refused = await post(form, "/admin/connectors/new", { ...fields, tokenAuthMethod: "client_secret_basic" });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain("a client secret is required");
    expect(await t.app.db.prisma.upstreamConnector.count({ where: { slug: "corp" } })).toBe(0);

    const added = await post(form, "/admin/connectors/new", { ...fields, tokenAuthMethod: "private_key_jwt" });
    expect(added.status).toBe(200);
    const jwksUri = `${t.url}/federation/corp/jwks`;
    expect(added.html).toContain(jwksUri);
    const row = await t.app.db.prisma.upstreamConnector.findUniqueOrThrow({ where: { slug: "corp" } });
    expect(row).toMatchObject({ tokenAuthMethod: "private_key_jwt", clientSecretEncrypted: "" });
    const list = await browser.go(`${t.url}/admin/connectors`);
    expect(list.html).toContain(jwksUri);
    const edit = await browser.go(`${t.url}/admin/connectors/${row.id}/edit`);
    expect(edit.html).toContain(jwksUri);
    expect(edit.html).toMatch(/<option value="private_key_jwt" selected>/);
    const kid = (row.clientKeys as { kid: string; privateEncrypted: string }[])[0]!;
    expect(edit.html).toContain(kid.kid);
    for (const page of [added, list, edit]) expect(page.html).not.toContain(kid.privateEncrypted);

    const rotated = await post(edit, `/admin/connectors/${row.id}/rotate-key`, {});
    expect(rotated.status).toBe(200);
    expect(rotated.html).toContain("has a new signing key");
    const jwks = (await (await fetch(jwksUri)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys).toHaveLength(2);
    expect(jwks.keys[1]!.kid).toBe(kid.kid);
    // saving the form again (no secret) keeps private_key_jwt and both keys
    const saved = await post(await browser.go(`${t.url}/admin/connectors/${row.id}/edit`), "/edit", { name: "Corp SSO" });
    expect(saved.status).toBe(200);
    const after = (await t.app.services.connectors.find(row.id))!;
    expect(after).toMatchObject({ name: "Corp SSO", tokenAuthMethod: "private_key_jwt" });
    expect(after.clientKeys).toHaveLength(2);
  });

  it("the CLI creates one without a secret, prints the JWKS URL, rotates and removes keys", async () => {
    const made = await gatehouse(
      "connectors",
      "create",
      "--slug",
      "cli-corp",
      "--name",
      "CLI Corp",
      "--kind",
      "oidc",
      "--issuer",
      "https://idp.cli.test",
      "--client-id",
      "c",
      "--token-auth-method",
      "private_key_jwt",
      "--json",
    );
    expect(made.code).toBe(0);
    const created = JSON.parse(made.stdout) as { id: string; jwksUri: string; tokenAuthMethod: string; signingKeys: unknown[] };
    expect(created).toMatchObject({ tokenAuthMethod: "private_key_jwt", jwksUri: `${t.url}/federation/cli-corp/jwks` });
    expect(created.signingKeys).toHaveLength(1);
    expect(made.stdout).not.toContain("privateEncrypted");
    const rotated = await gatehouse("connectors", "rotate-key", created.id);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain(`JWKS URL:      ${t.url}/federation/cli-corp/jwks`);
    expect(rotated.stdout).toMatch(/published; signs from/);
    expect((await t.app.services.connectors.find(created.id))!.clientKeys).toHaveLength(2);
    // the new key does not sign yet: nothing is older than the signing key, both stay
    expect((await gatehouse("connectors", "remove-old-keys", created.id)).code).toBe(0);
    expect((await t.app.services.connectors.find(created.id))!.clientKeys).toHaveLength(2);
    const plain = await gatehouse(
      "connectors",
      "create",
      "--slug",
      "cli-plain",
      "--name",
      "Plain",
      "--kind",
      "oidc",
      "--issuer",
      "https://idp.cli.test",
      "--client-id",
      "c",
    );
    expect(plain.code).not.toBe(0);
    expect(plain.stderr).toContain("clientSecret");
    // a connector with a client secret has no keys to rotate
    const secretOne = await t.app.services.connectors.create(
      { slug: "cli-secret", name: "Secret", kind: "oidc", issuer: "https://idp.cli.test", clientId: "c", clientSecret: "s3cret" },
      { actorId: "cli", via: "cli" },
    );
    if (secretOne.outcome !== "created") throw new Error(secretOne.outcome);
    const noKeys = await gatehouse("connectors", "rotate-key", secretOne.connector.id);
    expect(noKeys.code).not.toBe(0);
    expect(noKeys.stderr).toContain("does not use private_key_jwt");
    expect((await t.app.services.connectors.find(secretOne.connector.id))!.clientKeys).toEqual([]);
  });
});
