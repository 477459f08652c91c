// Branding in a real chromium against a Gatehouse started with BRAND_NAME, BRAND_LOGO_URL (a path on this server)
// and a light BRAND_PRIMARY_COLOR (#ffcc00, on which white text would fail AA): the sign-in pages show the name
// (header, title) and the logo (loaded, from our origin), the buttons take the colour with dark text that reaches
// AA in light and dark, no CSP violation (the colours come from /brand.css), no serious axe finding; the emails
// carry the name in the subject and header, the logo as an absolute URL and the colour on their buttons.
import { describe, it, expect, beforeAll, afterAll, afterEach } from "vitest";
import type { Browser, BrowserContext } from "playwright-core";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink.ts";
import { launchChromium } from "../helpers/chromium.ts";
import { watchedPage } from "./csp-watch.ts";
import { textContrasts } from "./contrast.ts";
import { axeViolations, blocking } from "./axe.ts";
import { SCREENSHOTS, SCHEMES } from "./screens.ts";

describe("branding in chromium", { timeout: 180_000 }, () => {
  let t: TestApp;
  let sink: SmtpSink;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let violations: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    sink = await startSmtpSink();
    t = await startTestApp({
      BRAND_NAME: "Acme ID",
      BRAND_LOGO_URL: "/static/favicon.svg",
      BRAND_PRIMARY_COLOR: "#ffcc00",
      SMTP_URL: sink.url,
      OUTBOX_POLL_MS: "100",
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await sink?.close();
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
    const seen = violations;
    violations = [];
    expect(seen, "Content-Security-Policy violations").toEqual([]);
  });

  for (const scheme of SCHEMES) {
    it(`the sign-in pages carry the name, the logo and the colour with legible button text (${scheme})`, async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: scheme });
      contexts.push(context);
      const page = await watchedPage(context, (v) => {
        violations.push(v);
      });
      await page.goto(`${t.url}/login`);
      await page.waitForURL(/\/interaction\/[\w-]+$/);
      expect(await page.title()).toMatch(/ · Acme ID$/);
      expect(await page.locator(".site-header .brand span").textContent()).toBe("Acme ID");
      const logo = page.locator(".site-header img.brand-logo");
      expect(await logo.getAttribute("src")).toBe("/static/favicon.svg");
      expect(await logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
      expect(await page.locator(".site-header .brand-mark").count()).toBe(0);

      const button = page.getByRole("button", { name: "Sign in", exact: true });
      const colours = await button.evaluate((b) => ({ bg: getComputedStyle(b).backgroundColor, fg: getComputedStyle(b).color }));
      expect(colours).toEqual({ bg: "rgb(255, 204, 0)", fg: "rgb(22, 26, 33)" });
      const measured = await textContrasts(page, [".btn-primary", "a", "label", "h1"]);
      expect(measured.filter((m) => m.ratio < 4.5)).toEqual([]);
      expect(blocking(await axeViolations(page))).toEqual([]);
      await page.screenshot({ path: `${SCREENSHOTS}branding-login-1280x800-${scheme}.png` });

      // the stylesheet is ours, and says what the pages use
      const css = await context.request.get(`${t.url}${await page.locator('link[href^="/brand.css"]').getAttribute("href")}`);
      expect(css.status()).toBe(200);
      expect(css.headers()["content-type"]).toBe("text/css; charset=utf-8");
      expect(await css.text()).toContain("--primary: #ffcc00;");
    });
  }

  it("emails: the name in the subject and header, the logo as an absolute URL, the colour on the button", async () => {
    const user = await t.createUser();
    const context = await browser.newContext();
    contexts.push(context);
    const page = await watchedPage(context, (v) => {
      violations.push(v);
    });
    await page.goto(`${t.url}/forgot-password`);
    await page.getByLabel("Email or username").fill(user.email);
    await page.getByRole("button", { name: "Send me a link" }).click();
    const mail = await sink.waitFor((m) => m.to.includes(user.email), 15_000);
    expect(mail.subject).toBe("Reset your Acme ID password");
    expect(mail.html).toContain(`<img src="${t.url}/static/favicon.svg"`);
    expect(mail.html).toMatch(/Acme ID<\/p>/);
    expect(mail.html).toContain("background:#ffcc00;color:#161a21");
    expect(mail.html).not.toContain("Gatehouse");
  });
});
