// The admin Branding screen in a real chromium against a real Gatehouse (useAdminBrowser: signed in through the
// real login, no CSP violation or dialog after each test): the admin sets the product name and colour and uploads
// a PNG logo through the multipart form (no JavaScript needed); the header shows the new name and the logo (loaded
// from /brand/logo/<hash>, our origin), the buttons take the colour from /brand.css; a client's branding page
// too. No serious or critical axe finding, no sideways scroll; screenshots at 360 and 1280 px, light and dark:
// test-artifacts/screenshots/admin-branding-*.png.
import { describe, it, expect, beforeAll } from "vitest";
import { deflateSync } from "node:zlib";
import type { TestApp } from "../helpers/test-app.ts";
import { useAdminBrowser } from "./admin-harness.ts";
import { axeViolations, blocking } from "./axe.ts";
import { SCREENSHOTS, VIEWPORTS, SCHEMES } from "./screens.ts";

/** a real 16×16 PNG of one colour (chromium must decode it) */
function solidPng(rgb: [number, number, number]): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(16, 0);
  ihdr.writeUInt32BE(16, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: 16 }, () => rgb).flat())]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: 16 }, () => row)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", pixels),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

describe("admin branding in chromium", { timeout: 180_000 }, () => {
  const h = useAdminBrowser();
  let t: TestApp;
  beforeAll(() => {
    t = h.t;
  });

  it("sets the name, colour and logo through the form; the header shows them at once", async () => {
    const page = await h.newPage({ viewport: { width: 1280, height: 800 }, javaScriptEnabled: false });
    await h.signInAsAdmin(page, "/admin/branding");
    await page.getByLabel("Product name").fill("Acme Console");
    await page.getByLabel("Primary colour").fill("#0b6e4f");
    await page.getByLabel("Upload a logo").setInputFiles({ name: "acme.png", mimeType: "image/png", buffer: solidPng([11, 110, 79]) });
    await page.getByRole("button", { name: "Save the branding" }).click();
    await page.getByText("The branding was saved").waitFor();

    expect(await page.title()).toBe("Branding · Acme Console");
    const logo = page.locator("header img.brand-logo");
    expect(await logo.getAttribute("src")).toMatch(/^\/brand\/logo\/[0-9a-f]{64}$/);
    expect(await logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(16);
    const button = await page.getByRole("button", { name: "Save the branding" }).evaluate((b) => getComputedStyle(b).backgroundColor);
    expect(button).toBe("rgb(11, 110, 79)");
    expect((await t.app.services.branding.view()).productName).toBe("Acme Console");
  });

  it("the branding screens read well: no serious axe finding, no sideways scroll, at 360 and 1280 px, light and dark", async () => {
    const { clientId } = await t.createClient({ name: "Shop", type: "public", redirectUris: ["https://shop.example.test/cb"] });
    for (const scheme of SCHEMES) {
      for (const viewport of VIEWPORTS) {
        const page = await h.newPage({ viewport, colorScheme: scheme });
        await h.signInAsAdmin(page, "/admin/branding");
        expect(blocking(await axeViolations(page)), `/admin/branding ${scheme} ${viewport.width}`).toEqual([]);
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
        await page.screenshot({ path: `${SCREENSHOTS}admin-branding-${scheme}-${viewport.width}.png`, fullPage: true });

        await page.goto(`${t.url}/admin/clients/${clientId}/branding`);
        await page.getByRole("heading", { name: "Branding of Shop" }).waitFor();
        expect(blocking(await axeViolations(page)), `client branding ${scheme} ${viewport.width}`).toEqual([]);
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
        await page.screenshot({ path: `${SCREENSHOTS}admin-branding-client-${scheme}-${viewport.width}.png`, fullPage: true });
      }
    }
  });
});
