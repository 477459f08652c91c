// axe-core (the accessibility engine) in a page the browser tests opened: its source is evaluated through the
// DevTools protocol, which the page's Content-Security-Policy does not govern (a <script> tag would be refused and
// reported as a violation), then axe.run checks the document against WCAG 2.x A/AA and axe's best practices.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

const require = createRequire(import.meta.url);
let source: Promise<string> | undefined;

export type AxeFinding = { id: string; impact: string | null; help: string; nodes: string[] };

/** every violation axe finds on the page as it is now (all impacts; callers decide which fail) */
export async function axeViolations(page: Page): Promise<AxeFinding[]> {
  source ??= readFile(require.resolve("axe-core/axe.min.js"), "utf8");
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(await source);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            ctx: Document,
            opts: object,
          ): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
      resultTypes: ["violations"],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
    }));
  });
}

/** the findings that fail a test: serious and critical */
export const blocking = (findings: AxeFinding[]) => findings.filter((f) => f.impact === "serious" || f.impact === "critical");
