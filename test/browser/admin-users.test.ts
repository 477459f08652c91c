// The admin Users screens in a real chromium against a real Gatehouse: an admin signs in through the real login
// walks the user list (search, then the user's link), opens a user and disables them through the confirmation
// page (the user's session really ends), with screenshots at phone and desktop widths (test-artifacts/
// screenshots/admin-users-*.png), no sideways scroll, readable contrast in light and dark; and the XSS check: a
// user whose display name and email hold `"><svg onload=alert(1)>`-style markup, shown in the list, a search and
// the user's page, runs no script (no dialog, no CSP violation, no injected element) and shows the text as text.
import { describe, it, expect, beforeAll } from "vitest";
import type { Page } from "playwright-core";
import type { TestApp } from "../helpers/test-app.ts";
import { adminNav, useAdminBrowser, type AdminBrowser } from "./admin-harness.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { openAccountPage, asksToSignIn } from "../helpers/sessions.ts";
import { textContrasts } from "./contrast.ts";
import { SCHEMES, SCREENSHOTS, VIEWPORTS } from "./screens.ts";

const XSS_NAME = `"><svg onload=alert(1)>`;
const XSS_EMAIL = `"x\\"><svg/onload=alert(2)>"@xss.example.test`;

describe("admin users pages in chromium", { timeout: 120_000 }, () => {
  const h = useAdminBrowser();
  let t: TestApp;
  let admin: AdminBrowser["admin"];
  beforeAll(() => {
    t = h.t;
    admin = h.admin;
  });
  const { newPage } = h;
  /** the real login page, reached by opening an admin page */
  const signInAsAdmin = (page: Page, path = "/admin/users") => h.signInAsAdmin(page, path);

  const noSideways = async (page: Page, width: number) =>
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);

  it("walks the list, opens a user and disables them after the confirmation, at phone and desktop widths", async () => {
    for (const viewport of VIEWPORTS) {
      const tag = `walk${viewport.width}${Date.now().toString(36)}`;
      const user = await t.createUser({ email: `${tag}@example.test` });
      const theirs = new TestBrowser(t.url);
      await openAccountPage(theirs, t.url, "/account", { identifier: user.email, password: user.password });
      expect(await asksToSignIn(theirs, t.url, "/account")).toBe(false);

      const page = await newPage({ viewport });
      await signInAsAdmin(page);
      expect(await (await adminNav(page)).getByRole("link", { name: "Users" }).getAttribute("aria-current")).toBe("page");
      await page.getByLabel("Email or username").fill(tag);
      await page.getByRole("button", { name: "Search" }).click();
      await page.waitForURL((u) => u.searchParams.get("q") === tag);
      expect(await page.locator("tbody tr").count()).toBe(1);
      await noSideways(page, viewport.width);
      await page.screenshot({ path: `${SCREENSHOTS}admin-users-${viewport.width}x${viewport.height}-light.png`, fullPage: true });

      await page.getByRole("link", { name: user.username }).click();
      await page.waitForURL((u) => u.pathname === `/admin/users/${user.id}`);
      expect(await page.locator("h1").textContent()).toBe(user.username);
      await noSideways(page, viewport.width);
      await page.screenshot({ path: `${SCREENSHOTS}admin-user-${viewport.width}x${viewport.height}-light.png`, fullPage: true });

      await page.getByRole("button", { name: "Disable…" }).click();
      await page.waitForLoadState();
      expect(await page.locator("h1").textContent()).toBe("Disable a user");
      expect((await t.app.queries.users.findSafe(user.id))!.disabled).toBe(false);
      await page.screenshot({ path: `${SCREENSHOTS}admin-user-disable-${viewport.width}x${viewport.height}-light.png`, fullPage: true });
      await page.getByRole("button", { name: `Disable ${user.username}` }).click();
      await page.waitForLoadState();
      expect(await page.getByRole("status").textContent()).toContain("User disabled; 1 session ended.");
      expect(await page.getByRole("button", { name: "Enable" }).isVisible()).toBe(true);
      await page.screenshot({ path: `${SCREENSHOTS}admin-user-disabled-${viewport.width}x${viewport.height}-light.png`, fullPage: true });
      expect((await t.app.queries.users.findSafe(user.id))!.disabled).toBe(true);
      expect(await asksToSignIn(theirs, t.url, "/account")).toBe(true);
    }
  });

  it("the list and the user page are readable in light and dark", async () => {
    for (const scheme of SCHEMES) {
      const page = await newPage({ colorScheme: scheme });
      await signInAsAdmin(page);
      const low = (await textContrasts(page, ["h1", ".subtitle", "label", "th", "td", ".admin-table a", ".btn-primary"])).filter(
        (m) => m.ratio < 4.5,
      );
      expect(low).toEqual([]);
      await page.screenshot({ path: `${SCREENSHOTS}admin-users-1280x800-${scheme}.png`, fullPage: true });
      await page.goto(`${t.url}/admin/users/${admin.id}`);
      const lowDetail = (await textContrasts(page, ["h1", "h2", "dt", "dd", "td", ".badge", ".btn-secondary"])).filter(
        (m) => m.ratio < 4.5,
      );
      expect(lowDetail).toEqual([]);
      await page.screenshot({ path: `${SCREENSHOTS}admin-user-1280x800-${scheme}.png`, fullPage: true });
    }
  });

  it("markup in a user's name and email runs no script in the list, a search or the user's page", async () => {
    const xss = await t.createUser({ email: XSS_EMAIL });
    await t.app.db.prisma.user.update({ where: { id: xss.id }, data: { name: XSS_NAME } });
    const page = await newPage();
    await signInAsAdmin(page);
    const injected = () => page.locator("svg[onload]").count();

    const row = page.locator(`tr[data-user="${xss.id}"]`);
    expect(await row.locator("td").first().textContent()).toContain(XSS_NAME);
    expect(await row.locator("td").nth(1).textContent()).toBe(XSS_EMAIL);
    expect(await injected()).toBe(0);

    // the search text and the team filter are shown back too
    await page.goto(`${t.url}/admin/users?q=${encodeURIComponent(XSS_NAME)}`);
    expect(await page.getByLabel("Email or username").inputValue()).toBe(XSS_NAME);
    await page.goto(`${t.url}/admin/users?team=${encodeURIComponent(`"><svg onload=alert(3)>`)}`);
    expect(await page.getByRole("alert").textContent()).toContain(`"><svg onload=alert(3)>`);
    expect(await injected()).toBe(0);

    await page.goto(`${t.url}/admin/users/${xss.id}`);
    expect(await page.locator(".subtitle").textContent()).toContain(XSS_NAME);
    expect(await page.locator(".meta dd").nth(1).textContent()).toBe(XSS_NAME);
    expect(await page.locator(".meta dd").nth(2).textContent()).toContain(XSS_EMAIL);
    expect(await injected()).toBe(0);
    // the confirmation page names the user too
    await page.getByRole("button", { name: "Sign out everywhere…" }).click();
    await page.waitForLoadState();
    expect(await page.locator(".section p").first().textContent()).toContain(XSS_EMAIL);
    expect(await injected()).toBe(0);
    await page.screenshot({ path: `${SCREENSHOTS}admin-user-xss-1280x800-light.png`, fullPage: true });
  });
});
