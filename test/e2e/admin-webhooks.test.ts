// The admin Webhooks screen against a real Gatehouse: an admin registers an endpoint (CSRF) and sees its secret
// once (never again on the screen); a bad URL is refused with the reason and registers nothing; disable, enable,
// rotate (a new secret, shown once) and delete (asks first) work and are audited with the admin and "admin_page";
// a user without gatehouse.admin.webhooks.manage gets a 403 page, and a POST without the CSRF token changes nothing.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { openAccountPage } from "../helpers/sessions.ts";

describe("webhooks for administrators: the admin page", () => {
  let t: TestApp;
  let admin: TestBrowser;
  let adminId: string;

  beforeAll(async () => {
    t = await startTestApp();
    const user = await t.createUser();
    adminId = user.id;
    await t.app.services.systemRoles.setUserRole(user.id, "super_admin");
    admin = new TestBrowser(t.url);
    await openAccountPage(admin, t.url, "/admin/webhooks", { identifier: user.email, password: user.password });
  });
  afterAll(async () => {
    await t?.close();
  });

  const audited = async (type: string) =>
    (await t.app.db.prisma.auditEvent.findMany({ where: { type }, orderBy: { id: "asc" } })).map((e) => [
      e.actorId,
      (e.data as { via: string }).via,
    ]);

  it("registers an endpoint and shows its secret once; refuses a bad URL; disables, enables, rotates and deletes", async () => {
    const page = await admin.go(`${t.url}/admin/webhooks`);
    expect(page.status).toBe(200);
    expect(page.html).toContain("No endpoints yet.");
    expect(page.html).toContain('value="user.created"');

    const bad = await admin.submit(page, "/admin/webhooks", { url: "ftp://hooks.example.test/in" });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("url must use https or http");
    expect(await t.app.db.prisma.webhookEndpoint.count()).toBe(0);

    const made = await admin.submit(page, "/admin/webhooks", {
      url: "https://hooks.example.test/in",
      description: "SIEM",
      eventTypes: "login.failed",
    });
    expect(made.status).toBe(200);
    const secret = /<code class="admin-secret" data-secret>(whsec_[^<]+)<\/code>/.exec(made.html)?.[1];
    expect(secret).toBeTruthy();
    const [endpoint] = await t.app.services.webhooks.list();
    expect(endpoint).toMatchObject({
      url: "https://hooks.example.test/in",
      description: "SIEM",
      eventTypes: ["login.failed"],
      enabled: true,
    });
    expect(made.html).toContain(`data-webhook-id="${endpoint!.id}"`);
    const again = await admin.go(`${t.url}/admin/webhooks`);
    expect(again.html).not.toContain(secret!);
    expect(again.html).not.toContain("data-secret");

    const disabled = await admin.submit(again, `/admin/webhooks/${endpoint!.id}/disable`, {});
    expect(disabled.url).toBe(`${t.url}/admin/webhooks?notice=disabled`);
    expect((await t.app.services.webhooks.find(endpoint!.id))?.enabled).toBe(false);
    const enabled = await admin.submit(disabled, `/admin/webhooks/${endpoint!.id}/enable`, {});
    expect((await t.app.services.webhooks.find(endpoint!.id))?.enabled).toBe(true);

    const rotated = await admin.submit(enabled, `/admin/webhooks/${endpoint!.id}/rotate-secret`, {});
    const next = /<code class="admin-secret" data-secret>(whsec_[^<]+)<\/code>/.exec(rotated.html)?.[1];
    expect(next).toBeTruthy();
    expect(next).not.toBe(secret);
    expect(rotated.html).toContain("The previous secret also signs messages for 24 hours");

    const confirm = await admin.submit(rotated, `/admin/webhooks/${endpoint!.id}/delete`, {});
    expect(confirm.html).toContain("Nothing more will be sent to https://hooks.example.test/in");
    expect(await t.app.services.webhooks.find(endpoint!.id)).not.toBeNull(); // asked, not done
    const deleted = await admin.submit(confirm, `/admin/webhooks/${endpoint!.id}/delete`, {});
    expect(deleted.html).toContain("The endpoint was deleted.");
    expect(await t.app.services.webhooks.find(endpoint!.id)).toBeNull();

    for (const type of ["webhook.created", "webhook.secret_rotated", "webhook.deleted"])
      expect(await audited(type), type).toEqual([[adminId, "admin_page"]]);
    expect(await audited("webhook.updated")).toEqual([
      [adminId, "admin_page"],
      [adminId, "admin_page"],
    ]);
  });

  it("refuses a user without the permission, and a POST without its CSRF token", async () => {
    const plain = await t.createUser();
    const browser = new TestBrowser(t.url);
    const denied = await openAccountPage(browser, t.url, "/admin/webhooks", { identifier: plain.email, password: plain.password });
    expect(denied.status).toBe(403);
    const forged = await admin.request(`${t.url}/admin/webhooks`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url },
      body: "url=https%3A%2F%2Fevil.example.test%2F",
    });
    expect(forged.status).toBe(403);
    expect(await t.app.db.prisma.webhookEndpoint.count()).toBe(0);
  });
});
