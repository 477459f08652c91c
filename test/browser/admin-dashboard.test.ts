// The admin dashboard and audit log in a real chromium against a real Gatehouse: an admin signs in through the real
// login page; the dashboard's chart is inline SVG that chromium's XML parser accepts, drawn with its bars, labelled
// (title/desc), coloured from the theme in light and dark, with no sideways scroll at 360 and 1280 (screenshots in
// test-artifacts/screenshots/admin-dashboard-*.png); the audit log's filter form narrows the list; and events whose
// user agent, data and client id hold `"><svg onload=alert(1)>` render as text: no dialog, no CSP violation, no
// injected element.
import { describe, it, expect, beforeAll } from "vitest";

import type { TestApp } from "../helpers/test-app.ts";
import { useAdminBrowser } from "./admin-harness.ts";
import { SCREENSHOTS, VIEWPORTS, SCHEMES } from "./screens.ts";

const XSS = '"><svg onload=alert(1)>';

describe("admin dashboard and audit log in chromium", { timeout: 120_000 }, () => {
  const h = useAdminBrowser();
  let t: TestApp;
  beforeAll(() => {
    t = h.t;
  });
  const { newPage } = h;
  const { signInAsAdmin } = h;

  beforeAll(async () => {
    const user = await t.createUser();
    const now = Date.now();
    for (let i = 0; i < 40; i++) {
      const type = i % 3 === 0 ? "login.failed" : "login.succeeded";
      await t.app.db.prisma.auditEvent.create({
        data: {
          type,
          outcome: type === "login.failed" ? "failure" : "success",
          userId: user.id,
          createdAt: new Date(now - (i * 37 + 5) * 60_000),
          data: {},
        },
      });
    }
  });

  for (const scheme of SCHEMES) {
    for (const viewport of VIEWPORTS) {
      it(`the dashboard chart at ${viewport.width}x${viewport.height}, ${scheme}: well-formed SVG, labelled, themed, no sideways scroll`, async () => {
        const page = await newPage({ viewport, colorScheme: scheme });
        await signInAsAdmin(page, "/admin/dashboard?range=24h");
        const chart = page.getByRole("img", { name: /^Sign-ins per hour Sign-ins per hour from/ });
        expect(await chart.count()).toBe(1);
        // chromium's own XML parser accepts the SVG as served
        const parsed = await page.evaluate(() => {
          const svg = document.querySelector("svg.admin-chart-svg")!;
          const doc = new DOMParser().parseFromString(svg.outerHTML, "image/svg+xml");
          return {
            error: doc.querySelector("parsererror")?.textContent ?? null,
            bars: doc.querySelectorAll("rect").length,
            root: doc.documentElement.localName,
          };
        });
        expect(parsed).toEqual({ error: null, bars: expect.any(Number), root: "svg" });
        expect(parsed.bars).toBeGreaterThan(10);
        expect(await page.locator("svg.admin-chart-svg desc").textContent()).toMatch(/succeeded and \d+ failed in 24 hours/);
        // the bars take their colours from the theme's custom properties
        const colours = await page.evaluate(() => {
          const fill = (sel: string) => getComputedStyle(document.querySelector(sel)!).fill;
          const prop = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
          return {
            ok: fill(".chart-bar-succeeded"),
            failed: fill(".chart-bar-failed"),
            success: prop("--success"),
            error: prop("--error"),
          };
        });
        const rgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(", ")})`;
        expect(colours.ok).toBe(rgb(colours.success));
        expect(colours.failed).toBe(rgb(colours.error));
        const box = await chart.boundingBox();
        expect(box!.width).toBeGreaterThan(200);
        expect(await page.locator("table[data-series] tbody tr").count()).toBe(24);
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
        await page.screenshot({ path: `${SCREENSHOTS}admin-dashboard-${viewport.width}x${viewport.height}-${scheme}.png`, fullPage: true });
      });
    }
  }

  it("filters the audit log through its form; hostile user agent, data and client id render as text", async () => {
    const victim = await t.createUser();
    const insert = t.app.queries.auditEvents.insert;
    await insert({
      type: "xss.probe",
      outcome: "failure",
      userId: victim.id,
      userAgent: XSS,
      clientId: XSS,
      ip: "198.51.100.7",
      data: { name: XSS, [XSS]: "key" },
    });
    await insert({ type: "xss.other", outcome: "success", userId: victim.id });
    for (const viewport of VIEWPORTS) {
      const page = await newPage({ viewport });
      await signInAsAdmin(page, "/admin/audit");
      await page.getByLabel("Event type").fill("xss.probe");
      await page.getByLabel("Outcome").selectOption("failure");
      await page.getByRole("button", { name: "Filter" }).click();
      await page.waitForURL((u) => u.searchParams.get("type") === "xss.probe");
      const rows = page.locator("tr[data-event]");
      expect(await rows.count()).toBe(1);
      const row = rows.first();
      expect(await row.textContent()).toContain("xss.probe");
      // shown as text, nothing injected
      const details = page.locator("tbody.admin-audit-group").first(); // the row and the row of its details
      expect(await details.locator(".admin-audit-ua").textContent()).toBe(XSS);
      expect(await details.locator(".admin-audit-client").textContent()).toBe(XSS);
      expect(await details.locator(".admin-audit-json").textContent()).toContain(`"name": "\\"><svg onload=alert(1)>"`);
      expect(await page.locator("table svg, table [onload]").count()).toBe(0);
      await expect(row.getByRole("link", { name: victim.email }).getAttribute("href")).resolves.toBe(`/admin/users/${victim.id}`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      await page.screenshot({ path: `${SCREENSHOTS}admin-audit-${viewport.width}x${viewport.height}-light.png`, fullPage: true });
      // the prefix finds both
      await page.getByLabel("Event type").fill("xss.");
      await page.getByLabel("Outcome").selectOption("");
      await page.getByRole("button", { name: "Filter" }).click();
      await page.waitForURL((u) => u.searchParams.get("type") === "xss.");
      expect(await page.locator("tr[data-event] code").allTextContents()).toEqual(expect.arrayContaining(["xss.probe", "xss.other"]));
    }
  });
});
