// Device approval in a real chromium against a real Gatehouse with real mail: signing in to the account pages
// from a new browser stops at the "Check your email" code page (a wrong code shows an inline error, the resend
// button is disabled during the cool-down), the emailed code goes on to the account, and the Devices page lists
// this browser as "This device" and stops trusting it. Both pages are photographed at phone and desktop widths
// in light and dark (test-artifacts/screenshots/device-*), readable (4.5:1), never wider than the viewport, and
// no CSP violation happens.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdir } from "node:fs/promises";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { launchChromium } from "../helpers/chromium.ts";
import { textContrasts } from "./contrast.ts";
import { manualClock } from "../helpers/totp-login.ts";
import { codeMail } from "../helpers/device-flow.ts";
import { SCREENSHOTS, VIEWPORTS, SCHEMES } from "./screens.ts";
import { watchedPage } from "./csp-watch.ts";

describe("device approval pages in chromium", { timeout: 180_000 }, () => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const violations: string[] = [];
  const clock = manualClock();

  beforeAll(async () => {
    browser = await launchChromium();
    sink = await startSmtpSink();
    t = await startTestApp({ SMTP_URL: sink.url, DEVICE_APPROVAL: "always" }, { clock });
    await mkdir(SCREENSHOTS, { recursive: true });
    context = await browser.newContext({ viewport: VIEWPORTS[1], colorScheme: "light" });
    page = await watchedPage(context, (v) => {
      violations.push(v);
    });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
    await sink?.close();
  });

  // a disabled button is exempt from the contrast minimum (WCAG 1.4.3)
  const contrasts = () =>
    textContrasts(page, [
      "h1",
      "h2",
      "p",
      "label",
      ".hint",
      ".badge",
      ".account-sections a",
      ".btn:not([disabled])",
      ".alert p",
      ".card-links a",
      "dt",
      "dd",
    ]);

  async function photograph(name: string): Promise<void> {
    await page.mouse.move(0, 0);
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
        const unreadable = (await contrasts()).filter((m) => m.ratio < 4.5);
        expect(unreadable, `${name} at ${viewport.width}px, ${colorScheme}: text below 4.5:1`).toEqual([]);
        expect(
          await page.evaluate(() => document.documentElement.scrollWidth),
          `${name} at ${viewport.width}px, ${colorScheme}`,
        ).toBeLessThanOrEqual(viewport.width);
        await page.screenshot({
          path: `${SCREENSHOTS}device-${name}-${viewport.width}x${viewport.height}-${colorScheme}.png`,
          fullPage: true,
          animations: "disabled",
        });
      }
    }
    await page.setViewportSize(VIEWPORTS[1]!);
    await page.emulateMedia({ colorScheme: "light" });
  }

  it("code page, wrong then right code, the Devices page, stop trusting", async () => {
    const user = await t.createUser();
    await page.goto(`${t.url}/login?return_to=/account/devices`);
    await page.getByLabel("Email or username").fill(user.email);
    await page.locator("#password").fill(user.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(/\/interaction\/[\w-]+\/device$/);
    expect(await page.locator("h1").textContent()).toBe("Check your email");
    expect(await page.getByRole("button", { name: "Send a new code" }).isDisabled()).toBe(true);
    const { code } = await codeMail(sink, user.email, 1);

    const field = page.getByLabel("Code from the email");
    expect(await field.getAttribute("autocomplete")).toBe("one-time-code");
    await field.fill(code === "000000" ? "111111" : "000000");
    await page.getByRole("button", { name: "Verify" }).click();
    await page.waitForLoadState();
    expect(await page.locator(".alert-error").textContent()).toContain("4 attempts left");
    expect(await page.getByLabel("Code from the email").getAttribute("aria-invalid")).toBe("true");
    await photograph("code-page");

    // past the cool-down the resend button is live again (reloading the page is enough, no JavaScript needed)
    clock.advance(t.config.deviceApproval.resendCooldown);
    await page.reload();
    expect(await page.getByRole("button", { name: "Send a new code" }).isDisabled()).toBe(false);

    await page.getByLabel("Code from the email").fill(code);
    await page.getByRole("button", { name: "Verify" }).click();
    await page.waitForURL(/\/account\/devices$/);
    expect(await page.locator(".badge").first().textContent()).toBe("This device");
    const cookie = (await context.cookies()).find((c) => c.name === "gh.device");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
    await photograph("devices-page");

    await page.getByRole("button", { name: "Stop trusting this device" }).click();
    await page.waitForLoadState();
    expect(await page.locator(".alert-success").textContent()).toContain("no longer trusted");
    expect(await page.locator(".badge").count()).toBe(0);
    expect(violations).toEqual([]);
  });
});
