// The dashboard chart's layout (pure): nice y-axis steps, stacked bars in proportion and inside the plot, empty
// buckets drawn as nothing, a readable subset of x labels, and a description that names the totals.
import { describe, it, expect } from "vitest";
import { layoutLoginChart, niceStep, bucketLabel } from "../../src/http/routes/admin/chart-svg.ts";

const hours = (counts: [number, number][]) =>
  counts.map(([succeeded, failed], h) => ({ start: `2026-10-10T${String(h).padStart(2, "0")}:00:00.000Z`, succeeded, failed }));
const RANGE = { from: "2026-10-10 00:00 UTC", to: "2026-10-11 00:00 UTC" };

describe("login chart layout", () => {
  it("nice steps", () => {
    expect([0, 3, 4, 7, 10, 23, 99, 180, 1234].map((n) => niceStep(n))).toEqual([1, 1, 1, 2, 5, 10, 50, 50, 500]);
  });

  it("labels hours and days", () => {
    expect(bucketLabel("2026-10-10T07:00:00.000Z", "hour")).toBe("07:00");
    expect(bucketLabel("2026-10-10T00:00:00.000Z", "day")).toBe("10-10");
  });

  it("stacks failed above succeeded, in proportion, inside the plot; zero parts draw nothing", () => {
    const c = layoutLoginChart(
      hours([
        [2, 1],
        [0, 0],
        [4, 0],
        [0, 2],
      ]),
      "hour",
      RANGE,
    );
    expect(c.max).toBe(4);
    expect(c.bars.map((b) => [b.kind, b.label])).toEqual([
      ["succeeded", "2026-10-10T00:00:00.000Z: 2 succeeded"],
      ["failed", "2026-10-10T00:00:00.000Z: 1 failed"],
      ["succeeded", "2026-10-10T02:00:00.000Z: 4 succeeded"],
      ["failed", "2026-10-10T03:00:00.000Z: 2 failed"],
    ]);
    const [ok0, fail0, ok2] = c.bars;
    expect(ok0!.height).toBeCloseTo(2 * fail0!.height, 1);
    expect(fail0!.y + fail0!.height).toBeCloseTo(ok0!.y, 1); // stacked
    expect(ok2!.y).toBeCloseTo(c.plot.top, 1); // the highest bar reaches the top
    for (const b of c.bars) {
      expect(b.y).toBeGreaterThanOrEqual(c.plot.top - 0.01);
      expect(b.y + b.height).toBeLessThanOrEqual(c.plot.bottom + 0.01);
      expect(b.x).toBeGreaterThanOrEqual(c.plot.left);
      expect(b.x + b.width).toBeLessThanOrEqual(c.plot.right + 0.01);
    }
    expect(c.yTicks.map((t) => t.label)).toEqual(["0", "1", "2", "3", "4"]);
    expect(c.desc).toBe(
      "Sign-ins per hour from 2026-10-10 00:00 UTC to 2026-10-11 00:00 UTC: 6 succeeded and 3 failed in 4 hours; the busiest hour began 2026-10-10T02:00:00.000Z with 4.",
    );
  });

  it("24 hours: at most 8 x labels; no sign-ins: no bars, an axis to 1, 'no sign-ins'", () => {
    const c = layoutLoginChart(hours(Array.from({ length: 24 }, () => [0, 0] as [number, number])), "hour", RANGE);
    expect(c.bars).toEqual([]);
    expect(c.xLabels.map((l) => l.label)).toEqual(["00:00", "03:00", "06:00", "09:00", "12:00", "15:00", "18:00", "21:00"]);
    expect(c.max).toBe(1);
    expect(c.desc).toMatch(/; no sign-ins\.$/);
  });
});
