// The API docs pages in a real chromium against a real Gatehouse: Swagger UI (/api/docs, under the site's
// strict CSP) renders every operation and schema of the OpenAPI document and calls GET /api/v1/me with a real
// access token through "Try it out", without a single CSP violation and without any request to another origin
// (no CDN). (ReDoc was dropped for the lean image: /api/redoc redirects to /api/docs.) Screenshots in
// test-artifacts/screenshots/.
import { describe, it, expect, beforeAll, afterAll, afterEach } from "vitest";
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";
import { launchChromium } from "../helpers/chromium.ts";
import { watchedPage } from "./csp-watch.ts";

const REDIRECT = "https://docs.example.test/callback";
const SCREENSHOTS = fileURLToPath(new URL("../../test-artifacts/screenshots/", import.meta.url));

describe("API docs pages in chromium", { timeout: 120_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let operations: number;
  const contexts: BrowserContext[] = [];
  let violations: string[] = [];
  let foreign: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    t = await startTestApp();
    const doc = (await (await fetch(`${t.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    operations = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
    await mkdir(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
    const seen = { violations, foreign };
    violations = [];
    foreign = [];
    expect(seen.violations, "Content-Security-Policy violations").toEqual([]);
    expect(seen.foreign, "requests to other origins").toEqual([]);
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await watchedPage(context, (v) => {
      violations.push(v);
    });
    // what the browser actually got from elsewhere (a request the CSP blocks gets no response)
    page.on("response", (res) => {
      const url = res.url();
      if (!url.startsWith(`${t.url}/`) && !url.startsWith("blob:") && !url.startsWith("data:")) foreign.push(url);
    });
    return page;
  }

  it("the CSP listener reports an inline script on the docs page (so an empty list means something)", async () => {
    const page = await newPage();
    await page.goto(`${t.url}/api/docs`);
    await page.evaluate(() => {
      const s = document.createElement("script");
      s.textContent = "window.__inline = true";
      document.head.appendChild(s);
    });
    await expect.poll(() => violations.length).toBeGreaterThan(0);
    expect(await page.evaluate(() => "__inline" in window)).toBe(false);
    violations = [];
  });

  it("Swagger UI renders every operation and runs GET /api/v1/me with a real access token", async () => {
    const { clientId, clientSecret } = await t.createClient({
      name: "Docs",
      type: "confidential",
      redirectUris: [REDIRECT],
      resources: [`${t.url}/api`],
      firstParty: true,
    });
    const rp = await discover(t.url, clientId, clientSecret);
    const user = await t.createUser();
    const { tokens } = await loginWithCode(
      rp,
      new TestBrowser(t.url),
      REDIRECT,
      { identifier: user.email, password: user.password },
      { resource: `${t.url}/api` },
    );

    const page = await newPage();
    await page.goto(`${t.url}/api/docs`);
    await expect.poll(() => page.locator(".opblock").count(), { timeout: 20_000 }).toBe(operations);
    expect(await page.locator(".info .title").textContent()).toContain("Gatehouse REST API");

    await page.locator("button.authorize").first().click();
    await page.locator(".auth-container input").first().fill(tokens.access_token);
    await page.locator(".auth-btn-wrapper button.authorize").click();
    await page.locator(".auth-btn-wrapper button.btn-done, .modal-ux .close-modal").first().click();

    const me = page.locator(".opblock-get", { has: page.locator('[data-path="/api/v1/me"]') }).first();
    await me.locator(".opblock-summary").first().click();
    await me.locator("button.try-out__btn").click();
    await me.locator("button.execute").click();
    const status = me.locator(".live-responses-table tbody .response-col_status").first();
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toContain("200");
    expect(await me.locator(".live-responses-table tbody .response-col_description").first().textContent()).toContain(user.email);
    await page.screenshot({ path: `${SCREENSHOTS}api-docs-swagger.png`, fullPage: false });
    // the schemas at the bottom expand too (more of Swagger UI's rendering under the strict CSP)
    const model = page
      .locator("section.models article.json-schema-2020-12", {
        has: page.locator(".json-schema-2020-12__title", { hasText: /^MeSession$/ }),
      })
      .first();
    await model.locator("button.json-schema-2020-12-expand-deep-button").first().click();
    await expect.poll(() => model.getByText("lastActiveAt").count(), { timeout: 10_000 }).toBeGreaterThan(0);
  });
});
