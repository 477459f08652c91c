// The admin "Sign-in providers" screens (#17) end to end, the admin signed in through the account pages: add
// GitHub from its preset (only id and secret), the secret never shown back (not in the list, not in the edit
// form), edit with an empty secret field keeps the secret, disable/enable, bad input 400 with the field's message
// and nothing stored, delete after confirmation; a user lacking gatehouse.admin.connectors.manage gets 403; a POST
// without the CSRF token is refused; every change audited with the admin.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, parseForms, type Page } from "../helpers/browser.ts";
import { openAccountPage } from "../helpers/sessions.ts";

describe("admin sign-in provider pages", () => {
  let t: TestApp;
  let admin: { id: string; email: string; password: string };
  let browser: TestBrowser;
  async function post(b: TestBrowser, page: Page, action: string, fields: Record<string, string>): Promise<Page> {
    const form = parseForms(page.html, page.url).find((f) => f.action.includes(action));
    if (!form) throw new Error(`no form ${action} on ${page.url}:\n${page.html.slice(0, 1500)}`);
    const body = new URLSearchParams({ ...form.fields, ...fields }).toString();
    return b.go(form.action, {
      init: { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url }, body },
    });
  }
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.createUser();
    await t.app.services.systemRoles.setUserRole(admin.id, "super_admin");
    browser = new TestBrowser(t.url);
    await openAccountPage(browser, t.url, "/admin/connectors", { identifier: admin.email, password: admin.password });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("adds GitHub from its preset; the secret is never shown back; edit keeps it; disable and delete", async () => {
    const form = await browser.go(`${t.url}/admin/connectors/new`);
    expect(form.status).toBe(200);
    const added = await post(browser, form, "/admin/connectors/new", {
      preset: "github",
      slug: "github",
      clientId: "Iv1.page",
      clientSecret: "page-secret-123",
    });
    expect(added.status).toBe(200);
    expect(added.html).toContain(`${t.url}/federation/github/callback`);
    const row = await t.app.db.prisma.upstreamConnector.findUniqueOrThrow({ where: { slug: "github" } });
    expect(row).toMatchObject({ kind: "oauth2", name: "GitHub", clientId: "Iv1.page", trustEmailVerified: true });
    const edit = await browser.go(`${t.url}/admin/connectors/${row.id}/edit`);
    for (const page of [added, edit]) {
      expect(page.html).not.toContain("page-secret-123");
      expect(page.html).not.toContain(row.clientSecretEncrypted);
    }
    const saved = await post(browser, edit, "/edit", { name: "GitHub (work)", clientSecret: "" });
    expect(saved.status).toBe(200);
    const after = (await t.app.services.connectors.find(row.id))!;
    expect(after.name).toBe("GitHub (work)");
    expect(t.app.services.connectors.secretOf(after)).toBe("page-secret-123");
    const disabled = await post(browser, saved, `/admin/connectors/${row.id}/disable`, {});
    expect(disabled.html).toContain("disabled");
    expect((await t.app.services.connectors.find(row.id))!.enabled).toBe(false);
    const confirm = await browser.go(`${t.url}/admin/connectors/${row.id}/delete`);
    const deleted = await post(browser, confirm, `/admin/connectors/${row.id}/delete`, {});
    expect(deleted.status).toBe(200);
    expect(await t.app.services.connectors.find(row.id)).toBeNull();
    const types = (
      await t.app.db.prisma.auditEvent.findMany({
        where: { actorId: admin.id, type: { startsWith: "connector." } },
        orderBy: { id: "asc" },
      })
    ).map((e) => [e.type, (e.data as { via: string }).via]);
    expect(types).toEqual([
      ["connector.created", "admin_page"],
      ["connector.updated", "admin_page"],
      ["connector.disabled", "admin_page"],
      ["connector.deleted", "admin_page"],
    ]);
  });

  it("bad input re-renders the form with the field's message (400) and stores nothing; no CSRF token is refused", async () => {
    const form = await browser.go(`${t.url}/admin/connectors/new`);
    const bad = await post(browser, form, "/admin/connectors/new", {
      preset: "",
      kind: "oidc",
      slug: "corp",
      name: "Corp",
      issuer: "http://idp.example.test",
      clientId: "x",
      clientSecret: "y",
    });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("must be an https URL");
    const noIssuer = await post(browser, form, "/admin/connectors/new", {
      preset: "microsoft",
      slug: "entra",
      clientId: "x",
      clientSecret: "y",
    });
    expect(noIssuer.status).toBe(400);
    expect(noIssuer.html).toContain("needs its issuer");
    const forged = await browser.go(`${t.url}/admin/connectors/new`, {
      init: {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url },
        body: "preset=google&slug=g&clientId=x&clientSecret=y",
      },
    });
    expect(forged.status).toBe(403);
    expect(await t.app.db.prisma.upstreamConnector.count({ where: { slug: { in: ["corp", "entra", "g"] } } })).toBe(0);
  });

  it("a user whose role lacks the permission gets 403", async () => {
    const user = await t.createUser();
    const made = await t.app.services.systemRoles.create({
      key: `clients_only_${Date.now().toString(36)}`,
      name: "Clients only",
      permissions: ["gatehouse.admin.clients.manage"],
    });
    if (made.outcome !== "created") throw new Error("role");
    await t.app.services.systemRoles.setUserRole(user.id, made.role.key);
    const b = new TestBrowser(t.url);
    const page = await openAccountPage(b, t.url, "/admin/clients", { identifier: user.email, password: user.password });
    expect(page.status).toBe(200);
    expect((await b.go(`${t.url}/admin/connectors`)).status).toBe(403);
    expect((await b.go(`${t.url}/admin/connectors/new`)).status).toBe(403);
  });
});
