// #18, what a newcomer sees in chromium: the administrator signs in at /login and lands in the admin console with
// an Admin link in the header; registers a client and copies the issuer from the page; turns on two-factor
// authentication and copies and downloads the backup codes; the development mailbox's links are clickable; an
// unknown URL is the styled 404 page. No CSP violation anywhere (copy.js is served from our origin); screenshots at
// 360 and 1280 px, light and dark, in test-artifacts/screenshots/newcomer-*.
import { describe, it, expect } from "vitest";
import { readFile } from "node:fs/promises";
import type { Page } from "playwright-core";
import { useAdminBrowser } from "./admin-harness.ts";
import { SCREENSHOTS, VIEWPORTS, SCHEMES } from "./screens.ts";
import { totpCode } from "../helpers/totp-login.ts";

describe("the newcomer path in chromium", { timeout: 180_000 }, () => {
  const h = useAdminBrowser();

  async function photograph(page: Page, name: string): Promise<void> {
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize(viewport);
      for (const colorScheme of SCHEMES) {
        await page.emulateMedia({ colorScheme });
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(width, `${name} at ${viewport.width}px, ${colorScheme}`).toBeLessThanOrEqual(viewport.width);
        await page.screenshot({
          path: `${SCREENSHOTS}newcomer-${name}-${viewport.width}x${viewport.height}-${colorScheme}.png`,
          fullPage: true,
          animations: "disabled",
        });
      }
    }
    await page.setViewportSize(VIEWPORTS[1]!);
    await page.emulateMedia({ colorScheme: "light" });
  }

  /** /login with nothing asked: the real sign-in page, then wherever it lands */
  async function signInAtLogin(page: Page): Promise<void> {
    await page.goto(`${h.t.url}/login`);
    await page.waitForURL(/\/interaction\/[\w-]+$/);
    await page.getByLabel("Email or username").fill(h.admin.email);
    await page.locator("#password").fill(h.admin.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL((u) => !u.pathname.startsWith("/interaction/") && !u.pathname.startsWith("/account/callback"));
  }

  it("the administrator lands in the admin console, with an Admin link in the header; registers a client and copies the issuer", async () => {
    const page = await h.newPage({ permissions: ["clipboard-read", "clipboard-write"] });
    await signInAtLogin(page);
    expect(new URL(page.url()).pathname).toBe("/admin/dashboard");
    const adminLink = page.locator(".site-header").getByRole("link", { name: "Admin", exact: true });
    expect(await adminLink.isVisible()).toBe(true);
    await page.goto(`${h.t.url}/account/profile`);
    await adminLink.click();
    await page.waitForURL((u) => u.pathname === "/admin/dashboard");

    await page.goto(`${h.t.url}/admin/clients/new`);
    await page.getByLabel("Name", { exact: true }).fill("My first app");
    await page.getByLabel(/Redirect URIs/).fill("http://localhost:8080/callback");
    await page.getByRole("button", { name: /Register/ }).click();
    await page.locator("[data-issuer]").waitFor();
    expect(await page.locator("[data-issuer]").textContent()).toBe(h.t.url);
    expect(await page.locator("[data-discovery]").textContent()).toBe(`${h.t.url}/.well-known/openid-configuration`);
    const copyIssuer = page.getByRole("button", { name: "Copy issuer" });
    expect(await copyIssuer.isVisible()).toBe(true); // copy.js ran: the buttons are shown
    await copyIssuer.click();
    await expect.poll(() => copyIssuer.textContent()).toBe("Copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(h.t.url);
    await page.getByRole("button", { name: "Copy discovery URL" }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(`${h.t.url}/.well-known/openid-configuration`);
    await photograph(page, "client-created");
  });

  it("backup codes: copied and downloaded as a text file", async () => {
    const page = await h.newPage({ permissions: ["clipboard-read", "clipboard-write"], acceptDownloads: true });
    // someone else than the administrator: the other tests sign the administrator in without a code
    const user = await h.t.createUser();
    await page.goto(`${h.t.url}/login?return_to=/account/two-factor`);
    await page.getByLabel("Email or username").fill(user.email);
    await page.locator("#password").fill(user.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL((u) => u.pathname === "/account/two-factor");
    await page.getByLabel("Current password").fill(user.password);
    await page.getByRole("button", { name: "Set up two-factor authentication" }).click();
    const secret = (await page.locator("#totp-secret").textContent())!.replace(/\s+/g, "");
    await page.getByLabel("Authentication code").fill(await totpCode(secret, Math.floor(Date.now() / 1000)));
    await page.getByRole("button", { name: "Turn on two-factor authentication" }).click();
    const items = page.getByRole("list", { name: "Backup codes" }).locator("li");
    await items.first().waitFor();
    const codes = (await items.allTextContents()).map((c) => c.trim());
    expect(codes).toHaveLength(10);

    await page.getByRole("button", { name: "Copy codes" }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(`${codes.join("\n")}\n`);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download as a text file" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("gatehouse-backup-codes.txt");
    expect(await readFile((await download.path())!, "utf8")).toBe(`${codes.join("\n")}\n`);
    await photograph(page, "backup-codes");
  });

  it("without JavaScript the copy buttons stay hidden and the codes stay readable", async () => {
    const page = await h.newPage({ javaScriptEnabled: false });
    await page.goto(`${h.t.url}/admin/clients`);
    await page.waitForURL(/\/interaction\//);
    await page.getByLabel("Email or username").fill(h.admin.email);
    await page.locator("#password").fill(h.admin.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL((u) => u.pathname === "/admin/clients");
    await page.goto(`${h.t.url}/admin/clients/new`);
    await page.getByLabel("Name", { exact: true }).fill("No script app");
    await page.getByLabel(/Redirect URIs/).fill("http://localhost:8081/callback");
    await page.getByRole("button", { name: /Register/ }).click();
    await page.locator("[data-issuer]").waitFor();
    expect(await page.getByRole("button", { name: "Copy issuer" }).isVisible()).toBe(false);
    expect(await page.locator("[data-issuer]").isVisible()).toBe(true);
  });

  it("the development mailbox's links are links; an unknown URL is the styled 404 page", async () => {
    const page = await h.newPage();
    const user = await h.t.createUser();
    await page.goto(`${h.t.url}/forgot-password`);
    await page.getByLabel(/Email or username/).fill(user.email);
    await page.getByRole("button", { name: "Send me a link" }).click();
    await page.waitForLoadState();
    const link = page
      .locator(".mail")
      .filter({ hasText: user.email })
      .getByRole("link", { name: /\/reset-password/ });
    await expect
      .poll(
        async () => {
          await page.goto(`${h.t.url}/dev/mailbox`);
          return link.count();
        },
        { timeout: 10_000 },
      )
      .toBe(1);
    await photograph(page, "dev-mailbox");
    await link.click();
    await page.waitForURL((u) => u.pathname === "/reset-password");

    const res = await page.goto(`${h.t.url}/no/such/page`);
    expect(res!.status()).toBe(404);
    expect(await page.locator("h1").textContent()).toBe("Page not found");
    expect(await page.getByRole("link", { name: "Go to the start page" }).isVisible()).toBe(true);
    await photograph(page, "not-found");
  });
});
