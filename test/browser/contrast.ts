// WCAG contrast of the visible text on a page, measured in the browser: each element matching the selectors
// against the first opaque background behind it. One measurement for every browser test.
import type { Page } from "playwright-core";

export type Contrast = { sel: string; text: string; ratio: number };

export function textContrasts(page: Page, selectors: string[]): Promise<Contrast[]> {
  return page.evaluate((wanted) => {
    // computed colours come as rgb()/rgba(), or as color(srgb r g b / a) from color-mix()
    const channels = (c: string): number[] => {
      const n = (c.match(/[\d.]+/g) ?? []).map(Number);
      const [r = 0, g = 0, b = 0, a = 1] = n;
      return c.startsWith("color(") ? [r * 255, g * 255, b * 255, a] : [r, g, b, a];
    };
    const luminance = ([r, g, b]: number[]) => {
      const lin = (v: number) => {
        const x = v / 255;
        return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!);
    };
    const background = (el: Element | null): string => {
      for (; el; el = el.parentElement) {
        const c = getComputedStyle(el).backgroundColor;
        if (c !== "transparent" && channels(c)[3] !== 0) return c;
      }
      return "rgb(255, 255, 255)";
    };
    return wanted.flatMap((sel) =>
      Array.from(document.querySelectorAll(sel))
        .filter((el) => el.checkVisibility() && el.textContent!.trim())
        .map((el) => {
          const [a, b] = [luminance(channels(getComputedStyle(el).color)), luminance(channels(background(el)))];
          return { sel, text: el.textContent!.trim().slice(0, 30), ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) };
        }),
    );
  }, selectors);
}
