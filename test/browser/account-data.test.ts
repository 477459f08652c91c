// "Your data" in a real chromium: sign in, open /account/data from the account navigation, download the export (a
// JSON file of this account), and delete the account with the password (a wrong one first). The page is readable
// (4.5:1) and never wider than a 360 px phone in light and dark, and no CSP violation happens.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdir, readFile } from "node:fs/promises";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { launchChromium } from "../helpers/chromium.ts";
import { textContrasts } from "./contrast.ts";
import { SCREENSHOTS, VIEWPORTS, SCHEMES } from "./screens.ts";
import { watchedPage } from "./csp-watch.ts";

describe("your data page in chromium", { timeout: 120_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const violations: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    t = await startTestApp();
    await mkdir(SCREENSHOTS, { recursive: true });
    context = await browser.newContext({ viewport: VIEWPORTS[1], colorScheme: "light", acceptDownloads: true });
    page = await watchedPage(context, (v) => {
      violations.push(v);
    });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
  });

  it("downloads the export, refuses a wrong password, then deletes the account", async () => {
    const user = await t.createUser();
    await page.goto(`${t.url}/login?return_to=/account/profile`);
    await page.fill("#identifier", user.email);
    await page.fill("#password", user.password);
    await page.click("button[type=submit]");
    await page.waitForURL(/\/account\/profile$/);
    await page.click("nav.account-nav a[href='/account/data']");
    await page.waitForURL(/\/account\/data$/);
    expect(await page.locator("h1").textContent()).toBe("Your data");

    for (const viewport of VIEWPORTS) {
      await page.setViewportSize(viewport);
      for (const colorScheme of SCHEMES) {
        await page.emulateMedia({ colorScheme });
        await page.evaluate(() =>
          Promise.all(
            document
              .getAnimations()
              .filter((a) => a instanceof CSSTransition)
              .map((a) => a.finished),
          ),
        );
        const unreadable = (await textContrasts(page, ["h1", "h2", "p", "label", ".account-sections a", ".btn", ".alert p"])).filter(
          (m) => m.ratio < 4.5,
        );
        expect(unreadable, `${viewport.width}px ${colorScheme}`).toEqual([]);
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
        await page.screenshot({
          path: `${SCREENSHOTS}account-data-${viewport.width}x${viewport.height}-${colorScheme}.png`,
          fullPage: true,
          animations: "disabled",
        });
      }
    }
    await page.setViewportSize(VIEWPORTS[1]!);
    await page.emulateMedia({ colorScheme: "light" });

    const [download] = await Promise.all([page.waitForEvent("download"), page.click("form[action='/account/data/export'] button")]);
    expect(download.suggestedFilename()).toMatch(/^gatehouse-.*-data\.json$/);
    const exported = JSON.parse(await readFile((await download.path())!, "utf8")) as { profile: { id: string } };
    expect(exported.profile.id).toBe(user.id);

    await page.fill("form[action='/account/delete'] input[name=password]", "surely not the password");
    await page.click("form[action='/account/delete'] button[type=submit]");
    await expect.poll(() => page.locator(".alert-error").textContent()).toContain("That is not your current password");
    expect(await t.app.db.prisma.user.findUnique({ where: { id: user.id } })).not.toBeNull();
    await page.fill("form[action='/account/delete'] input[name=password]", user.password);
    await page.click("form[action='/account/delete'] button[type=submit]");
    await expect.poll(() => page.locator("h1").textContent()).toBe("Your account was deleted");
    expect(await t.app.db.prisma.user.findUnique({ where: { id: user.id } })).toBeNull();
    expect(violations).toEqual([]);
  });
});
