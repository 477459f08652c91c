// The admin Clients and Signing keys screens in a real chromium against a real Gatehouse: an admin signs in
// through the real login, registers a confidential client through the form and sees its secret once (screenshots
// of that page at phone and desktop widths: test-artifacts/screenshots/admin-clients-secret-*.png, no sideways
// scroll), rotates the signing keys through the confirmation page; and the XSS check: a client named
// `"><svg onload=alert(1)>` in the list and on its page runs no script (no dialog, no CSP violation, no injected
// element) and shows the name as text.
import { describe, it, expect, beforeAll, afterAll, afterEach } from "vitest";
import { mkdir } from "node:fs/promises";
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { launchChromium } from "../helpers/chromium.ts";
import { SCREENSHOTS, VIEWPORTS } from "./screens.ts";

const XSS_NAME = `"><svg onload=alert(1)>`;

describe("admin clients and keys pages in chromium", { timeout: 120_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let admin: { id: string; email: string; password: string };
  const contexts: BrowserContext[] = [];
  const pages: Page[] = [];
  let violations: string[] = [];
  let dialogs: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    t = await startTestApp();
    admin = await t.createUser();
    await t.app.services.systemRoles.setUserRole(admin.id, "super_admin");
    await mkdir(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  afterEach(async () => {
    for (const p of pages.splice(0)) {
      if (!p.isClosed()) violations.push(...(await p.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? [])));
    }
    await Promise.all(contexts.splice(0).map((c) => c.close()));
    const seen = { violations, dialogs };
    violations = [];
    dialogs = [];
    expect(seen, "Content-Security-Policy violations and dialogs").toEqual({ violations: [], dialogs: [] });
  });

  async function newPage(options: BrowserContextOptions = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: "light", ...options });
    contexts.push(context);
    const page = await context.newPage();
    pages.push(page);
    // a securitypolicyviolation listener in every document (init scripts run outside the page's CSP)
    await page.addInitScript(() => {
      const w = window as unknown as { __cspViolations: string[] };
      w.__cspViolations = [];
      document.addEventListener("securitypolicyviolation", (e) => w.__cspViolations.push(`${e.violatedDirective}: ${e.blockedURI}`));
    });
    page.on("console", (msg) => { if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text()); });
    page.on("dialog", (d) => { dialogs.push(`${d.type()}: ${d.message()}`); void d.dismiss(); });
    return page;
  }
  const collectViolations = async (page: Page) => violations.push(...(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)));

  async function signInAsAdmin(page: Page, path: string) {
    await page.goto(`${t.url}${path}`);
    await page.waitForURL(/\/interaction\/[\w-]+$/);
    await page.getByLabel("Email or username").fill(admin.email);
    await page.locator("#password").fill(admin.password);
    await page.getByRole("button", { name: "Login", exact: true }).click();
    await page.waitForURL((u) => u.pathname === path);
  }

  it("registers a client through the form and shows its secret once, at phone and desktop widths", async () => {
    for (const viewport of VIEWPORTS) {
      const page = await newPage({ viewport });
      await signInAsAdmin(page, "/admin/clients");
      await page.getByRole("link", { name: "New client" }).click();
      await page.getByLabel("Name", { exact: true }).fill(`Shop ${viewport.width}`);
      await page.getByLabel("Redirect URIs", { exact: true }).fill("https://shop.example.test/cb");
      await page.getByLabel("First-party", { exact: false }).check();
      await page.getByRole("button", { name: "Register the client" }).click();
      await expect(page.getByRole("heading", { name: "Client registered" }).isVisible()).resolves.toBe(true);
      const secret = (await page.locator("[data-client-secret]").textContent())!.trim();
      const clientId = (await page.locator("[data-client-id]").textContent())!.trim();
      expect(secret.length).toBeGreaterThan(30);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      await page.screenshot({ path: `${SCREENSHOTS}admin-clients-secret-${viewport.width}.png`, fullPage: true });
      await collectViolations(page);

      await page.getByRole("link", { name: "Done" }).click();
      await page.waitForURL((u) => u.pathname === `/admin/clients/${clientId}`);
      expect(await page.content()).not.toContain(secret);
      expect(await t.app.db.prisma.oidcClient.count({ where: { name: `Shop ${viewport.width}` } })).toBe(1);
    }
  });

  it("rotates the signing keys through the confirmation page", async () => {
    const before = await t.app.services.keys.list();
    const next = before.find((k) => k.state === "next")!;
    const page = await newPage();
    await signInAsAdmin(page, "/admin/keys");
    await page.getByRole("link", { name: "Rotate now" }).click();
    await page.waitForURL((u) => u.pathname === "/admin/keys/rotate");
    await page.getByRole("button", { name: "Rotate now" }).click();
    await expect(page.getByText(`Key ${next.id} now signs new tokens`).isVisible()).resolves.toBe(true);
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
    await collectViolations(page);

    await row.getByRole("link").click();
    await page.waitForURL((u) => u.pathname === `/admin/clients/${clientId}`);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(XSS_NAME);
    expect(await page.locator("svg[onload]").count()).toBe(0);
    await collectViolations(page);
    for (const path of [`/admin/clients/${clientId}/edit`, `/admin/clients/${clientId}/delete`]) {
      await page.goto(`${t.url}${path}`);
      expect(await page.locator("svg[onload]").count()).toBe(0);
      expect(await page.content()).toContain("&lt;svg onload=alert(1)&gt;");
      await collectViolations(page);
    }
  });
});
