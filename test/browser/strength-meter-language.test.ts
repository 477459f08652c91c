// The live strength meter in chromium follows the page's language: on a German registration page its label and
// the server's answers are German (the meter sends the page's lang), on an English one English.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import type { Browser } from "playwright-core";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { launchChromium } from "../helpers/chromium.ts";

const PASSPHRASE = "violet harbour juggles seventeen quiet lanterns";

describe("the strength meter's language in chromium", { timeout: 120_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
    t = await startTestApp();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  for (const [locale, label, said] of [
    ["de-DE", "Passwortstärke", /^(Sehr schwach|Schwach|Mittel|Gut|Stark): Dieses Passwort (ist schwer zu erraten|wird akzeptiert)\.$/],
    ["en-US", "Password strength", /^(Very weak|Weak|Fair|Good|Strong): this password is (hard to guess|accepted)\.$/],
  ] as const) {
    it(`${locale}: the meter's label and answers`, async () => {
      const context = await browser.newContext({ locale });
      try {
        const page = await context.newPage();
        await page.goto(`${t.url}/register`);
        expect(await page.locator("html").getAttribute("lang")).toBe(locale.slice(0, 2));
        await page.locator("#password").fill(PASSPHRASE);
        const text = page.locator(".strength-text");
        await expect.poll(() => text.textContent(), { timeout: 15_000 }).toMatch(said);
        expect(await page.locator("meter.strength-meter").getAttribute("aria-label")).toBe(label);
      } finally {
        await context.close();
      }
    });
  }
});
