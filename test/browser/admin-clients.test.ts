// The admin Clients and Signing keys screens in a real chromium against a real Gatehouse: an admin signs in
// through the real login, registers a confidential client through the form and sees its secret once (screenshots
// of that page at phone and desktop widths: test-artifacts/screenshots/admin-clients-secret-*.png, no sideways
// scroll), rotates the signing keys through the confirmation page; and the XSS check: a client named
// `"><svg onload=alert(1)>` in the list and on its page runs no script (no dialog, no CSP violation, no injected
// element) and shows the name as text.
import { describe, it, expect, beforeAll } from "vitest";

import type { TestApp } from "../helpers/test-app.ts";
import { useAdminBrowser } from "./admin-harness.ts";
import { SCREENSHOTS, VIEWPORTS } from "./screens.ts";

const XSS_NAME = `"><svg onload=alert(1)>`;

describe("admin clients and keys pages in chromium", { timeout: 120_000 }, () => {
  const h = useAdminBrowser();
  let t: TestApp;
  beforeAll(() => {
    t = h.t;
  });
  const { newPage } = h;
  const { signInAsAdmin } = h;

  it("registers a client through the form and shows its secret once, at phone and desktop widths", async () => {
    for (const viewport of VIEWPORTS) {
      const page = await newPage({ viewport });
      await signInAsAdmin(page, "/admin/clients");
      await page.getByRole("link", { name: "New client" }).click();
      await page.getByLabel("Name", { exact: true }).fill(`Shop ${viewport.width}`);
      await page.getByLabel("Redirect URIs", { exact: true }).fill("https://shop.example.test/cb");
      await page.getByRole("checkbox", { name: /^First-party/ }).check();
      await page.getByRole("button", { name: "Register the client" }).click();
      await page.getByRole("heading", { name: "Client registered" }).waitFor(); // the form posts and navigates: wait for the new page
      const secret = (await page.locator("[data-client-secret]").textContent())!.trim();
      const clientId = (await page.locator("[data-client-id]").textContent())!.trim();
      expect(secret.length).toBeGreaterThan(30);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      await page.screenshot({ path: `${SCREENSHOTS}admin-clients-secret-${viewport.width}.png`, fullPage: true });

      await page.getByRole("link", { name: "Done" }).click();
      await page.waitForURL((u) => u.pathname === `/admin/clients/${clientId}`);
      expect(await page.content()).not.toContain(secret);
      expect(await t.app.db.prisma.oidcClient.count({ where: { name: `Shop ${viewport.width}` } })).toBe(1);
    }
  });

  it("rotates the signing keys through the confirmation page", async () => {
    const before = await t.app.services.keys.list();
    // the signing algorithm's next key is the one named (the RS256 keys rotate with it)
    const next = before.find((k) => k.state === "next" && k.alg === t.config.tokens.signingAlg)!;
    const page = await newPage();
    await signInAsAdmin(page, "/admin/keys");
    await page.getByRole("link", { name: "Rotate now" }).click();
    await page.waitForURL((u) => u.pathname === "/admin/keys/rotate");
    await page.getByRole("button", { name: "Rotate now" }).click();
    await page.getByText(`Key ${next.id} now signs new tokens`).waitFor();
    expect(await page.locator(`tr[data-kid="${next.id}"] .badge`).textContent()).toBe("current");
    expect((await t.app.services.keys.list()).find((k) => k.id === next.id)!.state).toBe("current");
  });

  it("shows a client named like markup as text in the list and on its page, running no script", async () => {
    const { clientId } = await t.createClient({ name: XSS_NAME, type: "confidential", redirectUris: ["https://xss.example.test/cb"] });
    const page = await newPage();
    await signInAsAdmin(page, "/admin/clients");
    const row = page.locator(`tr[data-client="${clientId}"]`);
    expect(await row.getByRole("link").textContent()).toBe(XSS_NAME);
    expect(await page.locator("main svg[onload]").count()).toBe(0);

    await row.getByRole("link").click();
    await page.waitForURL((u) => u.pathname === `/admin/clients/${clientId}`);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(XSS_NAME);
    expect(await page.locator("svg[onload]").count()).toBe(0);
    for (const path of [`/admin/clients/${clientId}/edit`, `/admin/clients/${clientId}/delete`]) {
      await page.goto(`${t.url}${path}`);
      expect(await page.locator("svg[onload]").count()).toBe(0);
      expect(await page.content()).toContain("&lt;svg onload=alert(1)&gt;");
    }
  });
});
