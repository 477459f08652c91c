// What the admin browser tests share: chromium and a Gatehouse with a Super Admin for the describe block, pages
// that record every Content-Security-Policy violation (a securitypolicyviolation listener in every document,
// reported to the test at once, plus chromium's console message) and every dialog (an XSS payload that ran),
// checked to be none after each test, and signing in as the admin through the real login page.
import { beforeAll, afterAll, afterEach, expect } from "vitest";
import { mkdir } from "node:fs/promises";
import type { Browser, BrowserContext, BrowserContextOptions, Locator, Page } from "playwright-core";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { launchChromium } from "../helpers/chromium.ts";
import { SCREENSHOTS } from "./screens.ts";
import { watchedPage } from "./csp-watch.ts";

export type AdminBrowser = {
  /** the Gatehouse under test and its Super Admin (set in beforeAll) */
  readonly t: TestApp;
  readonly admin: { id: string; email: string; password: string };
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /** opens `path`, signs in as the admin on the real login page, and lands on `path` */
  signInAsAdmin(page: Page, path: string): Promise<void>;
};

/** the console's sidebar navigation; on a phone its Menu is opened first (a <details>, closed on every page) */
export async function adminNav(page: Page): Promise<Locator> {
  const menu = page.locator("summary.console-menu-toggle");
  if ((await menu.isVisible()) && (await page.locator("details.console-menu[open]").count()) === 0) await menu.click();
  return page.getByRole("navigation", { name: "Admin" });
}

/** call inside a describe block: its hooks start and stop everything, and assert no violation or dialog per test */
export function useAdminBrowser(): AdminBrowser {
  let t: TestApp | undefined;
  let browser: Browser | undefined;
  let admin: AdminBrowser["admin"] | undefined;
  const contexts: BrowserContext[] = [];
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
    await Promise.all(contexts.splice(0).map((c) => c.close()));
    const seen = { violations, dialogs };
    violations = [];
    dialogs = [];
    expect(seen, "Content-Security-Policy violations and dialogs").toEqual({ violations: [], dialogs: [] });
  });

  return {
    get t() {
      return t!;
    },
    get admin() {
      return admin!;
    },

    async newPage(options = {}) {
      const context = await browser!.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: "light", ...options });
      contexts.push(context);
      const page = await watchedPage(context, (v) => {
        violations.push(v);
      });
      page.on("dialog", (d) => {
        dialogs.push(`${d.type()}: ${d.message()}`);
        void d.dismiss();
      });
      return page;
    },

    async signInAsAdmin(page, path) {
      await page.goto(`${t!.url}${path}`);
      await page.waitForURL(/\/interaction\/[\w-]+$/); // the real login page
      await page.getByLabel("Email or username").fill(admin!.email);
      await page.locator("#password").fill(admin!.password);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await page.waitForURL((u) => u.pathname === new URL(path, t!.url).pathname);
      await page.waitForLoadState();
      // the login's return_to keeps the path only: open the page asked for
      if (page.url() !== `${t!.url}${path}`) await page.goto(`${t!.url}${path}`);
    },
  };
}
