// Branding (lib/brand.ts, BRAND_* settings): WCAG 2 contrast as the spec computes it; the button text derived for
// any colour reaches AA (a sweep of the colour cube), its hover too; links take the colour only where it reads;
// the logo is a same-origin path or a data: image and nothing else (the CSP allows nothing else); the settings
// refuse the rest by name; emails get an absolute logo only for a path.
import { describe, it, expect } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AA, brandOf, contrast, LOGO_URL, textOn } from "../../src/lib/brand.ts";
import { loadConfig, ConfigError } from "../../src/config/load.ts";

const hex = (r: number, g: number, b: number) => `#${[r, g, b].map((v) => v.toString(16).padStart(2, "0")).join("")}`;

describe("brand colours", () => {
  it("computes WCAG 2 contrast ratios", () => {
    expect(contrast("#ffffff", "#000000")).toBeCloseTo(21, 5);
    expect(contrast("#777777", "#ffffff")).toBeCloseTo(4.48, 2);
    expect(contrast("#3443c4", "#3443c4")).toBe(1);
  });

  it("derives button text that reaches AA on every colour, hover included (a sweep of the colour cube)", () => {
    const worst: { colour: string; ratio: number }[] = [];
    for (let r = 0; r < 256; r += 17)
      for (let g = 0; g < 256; g += 17)
        for (let b = 0; b < 256; b += 17) {
          const colour = hex(r, g, b);
          const { button } = brandOf({ primaryColor: colour });
          const ratio = Math.min(contrast(button.background, button.text), contrast(button.hover, button.text));
          if (ratio < AA) worst.push({ colour, ratio });
        }
    expect(worst).toEqual([]);
  });

  it("white text on dark colours, dark text on light ones, black where only black reaches AA", () => {
    expect(textOn("#0b6e4f")).toBe("#ffffff");
    expect(textOn("#ffcc00")).toBe("#161a21");
    expect(textOn("#808080")).toBe("#000000"); // white 3.95:1, the theme's ink 4.41:1, black 5.32:1
  });

  it("links take the colour only where it reads on the light pages; the stylesheet carries the colours", () => {
    const green = brandOf({ primaryColor: "#0B6E4F" });
    expect(green.link).toBe("#0b6e4f");
    expect(green.stylesheet).toContain("--primary: #0b6e4f;");
    expect(green.stylesheet).toContain("--on-primary: #ffffff;");
    expect(green.stylesheet).toContain("--link: #0b6e4f;");
    expect(green.stylesheetHref).toMatch(/^\/brand\.css\?v=[0-9a-f]{12}$/);
    const yellow = brandOf({ primaryColor: "#ffcc00" });
    expect(yellow.link).toBeNull();
    expect(yellow.stylesheet).not.toContain("--link");
    expect(yellow.stylesheet).toContain("--on-primary: #161a21;");
    const none = brandOf({});
    expect(none).toMatchObject({ name: "Gatehouse", logoUrl: null, stylesheet: null, stylesheetHref: null, link: null });
    expect(contrast(none.button.background, none.button.text)).toBeGreaterThanOrEqual(AA);
  });
});

describe("brand logo", () => {
  it("accepts a same-origin path or a base64 data: image, nothing else", () => {
    for (const ok of [
      "/static/brand/logo.svg",
      "/logo.png",
      "data:image/png;base64,iVBORw0KGgo=",
      "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
    ])
      expect(LOGO_URL.test(ok), ok).toBe(true);
    for (const bad of [
      "//evil.test/logo.png",
      "https://cdn.example.test/logo.png",
      "javascript:alert(1)",
      "data:text/html;base64,PHNjcmlwdD4=",
      '/logo.svg" onerror="alert(1)',
      "/logo.svg onerror=alert(1)",
      "logo.svg",
      "data:image/svg+xml,<svg onload=alert(1)>",
      "/\\evil.test/x",
    ]) {
      expect(LOGO_URL.test(bad), bad).toBe(false);
    }
  });

  it("emails get an absolute logo for a path only", () => {
    expect(brandOf({ logoUrl: "/static/logo.svg", issuer: "https://id.example.test" }).emailLogoUrl).toBe(
      "https://id.example.test/static/logo.svg",
    );
    expect(brandOf({ logoUrl: "data:image/png;base64,iVBORw0KGgo=", issuer: "https://id.example.test" }).emailLogoUrl).toBeNull();
  });
});

describe("BRAND_* settings", () => {
  const problems = (env: Record<string, string>): string[] => {
    try {
      loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), "gh-brand-")), ...env });
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
    return [];
  };

  it("refuses another origin's logo, a colour that is not #rrggbb and a name with markup, by name", () => {
    const found = problems({ BRAND_LOGO_URL: "https://cdn.example.test/logo.png", BRAND_PRIMARY_COLOR: "red", BRAND_NAME: "<b>Acme</b>" });
    expect(found.find((p) => p.startsWith("BRAND_LOGO_URL:"))).toMatch(/same-origin path/);
    expect(found.find((p) => p.startsWith("BRAND_PRIMARY_COLOR:"))).toMatch(/#0b6e4f/);
    expect(found.find((p) => p.startsWith("BRAND_NAME:"))).toMatch(/plain text/);
  });

  it("a valid brand reaches the config", () => {
    const config = loadConfig({
      DATA_DIR: mkdtempSync(join(tmpdir(), "gh-brand-")),
      BRAND_NAME: "Acme ID",
      BRAND_LOGO_URL: "/static/favicon.svg",
      BRAND_PRIMARY_COLOR: "#0b6e4f",
    });
    expect(config.brand).toMatchObject({
      name: "Acme ID",
      logoUrl: "/static/favicon.svg",
      button: { background: "#0b6e4f", text: "#ffffff" },
    });
  });
});
