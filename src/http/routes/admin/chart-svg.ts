// The layout of the dashboard's "logins over time" chart: stacked bars (succeeded below, failed above) per bucket
// of the analytics series, y-axis ticks at round numbers, a readable subset of x-axis labels, and the chart's
// title and description (in the words of `say`, lib/i18n's admin.chart.* messages; English by default). Pure:
// numbers and strings only; views/partials/admin-chart.eta draws it as inline SVG
// (escaped, no script, colours from CSS custom properties so light and dark themes both work).

/** `local`: the bucket's start on the dashboard's clock ("YYYY-MM-DD HH:MM"), what the axis labels show */
export type ChartPoint = { start: string; succeeded: number; failed: number; local?: string };
export type ChartBar = { x: number; y: number; width: number; height: number; kind: "succeeded" | "failed"; label: string };
export type ChartLayout = {
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  bars: ChartBar[];
  yTicks: { y: number; label: string }[];
  xLabels: { x: number; label: string }[];
  max: number;
  title: string;
  desc: string;
};

export const CHART_WIDTH = 640;
export const CHART_HEIGHT = 240;
import { translator } from "../../../lib/i18n/index.ts";

/** a message of lib/i18n/en-admin.ts with its {placeholders}, in the page's language */
export type ChartSay = (
  key:
    | "admin.chart.bar.succeeded"
    | "admin.chart.bar.failed"
    | "admin.chart.titleHour"
    | "admin.chart.titleDay"
    | "admin.chart.descHour"
    | "admin.chart.descDay"
    | "admin.chart.busiestHour"
    | "admin.chart.busiestDay"
    | "admin.chart.none",
  vars?: Record<string, string | number>,
) => string;
const english: ChartSay = translator("en");

const MARGIN = { left: 40, right: 8, top: 10, bottom: 28 };
const MAX_X_LABELS = 8;

/** the smallest "nice" step (1, 2, 5 × 10^n) giving at most `ticks` intervals up to `max` */
export function niceStep(max: number, ticks = 4): number {
  if (max <= ticks) return 1;
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * magnitude >= raw) return m * magnitude;
  return 10 * magnitude;
}

/** a bucket's short label from its start ("YYYY-MM-DD?HH:MM…"): "HH:00" for hours, "MM-DD" for days */
export function bucketLabel(start: string, bucket: "hour" | "day"): string {
  return bucket === "hour" ? `${start.slice(11, 13)}:00` : start.slice(5, 10);
}

const round = (n: number) => Math.round(n * 100) / 100;

export function layoutLoginChart(
  series: ChartPoint[],
  bucket: "hour" | "day",
  range: { from: string; to: string },
  say: ChartSay = english,
): ChartLayout {
  const plot = { left: MARGIN.left, top: MARGIN.top, right: CHART_WIDTH - MARGIN.right, bottom: CHART_HEIGHT - MARGIN.bottom };
  const plotW = plot.right - plot.left;
  const plotH = plot.bottom - plot.top;
  const highest = Math.max(0, ...series.map((p) => p.succeeded + p.failed));
  const step = niceStep(highest);
  const max = Math.max(step, Math.ceil(highest / step) * step);
  const scale = (n: number) => (n / max) * plotH;
  const slot = series.length ? plotW / series.length : plotW;
  const barW = Math.max(1, slot * 0.7);

  const bars: ChartBar[] = [];
  series.forEach((p, i) => {
    const x = round(plot.left + i * slot + (slot - barW) / 2);
    const okH = scale(p.succeeded);
    const failH = scale(p.failed);
    if (p.succeeded > 0)
      bars.push({
        x,
        y: round(plot.bottom - okH),
        width: round(barW),
        height: round(okH),
        kind: "succeeded",
        label: say("admin.chart.bar.succeeded", { start: p.start, n: p.succeeded }),
      });
    if (p.failed > 0)
      bars.push({
        x,
        y: round(plot.bottom - okH - failH),
        width: round(barW),
        height: round(failH),
        kind: "failed",
        label: say("admin.chart.bar.failed", { start: p.start, n: p.failed }),
      });
  });

  const yTicks = [];
  for (let v = 0; v <= max; v += step) yTicks.push({ y: round(plot.bottom - scale(v)), label: String(v) });

  const every = Math.max(1, Math.ceil(series.length / MAX_X_LABELS));
  const xLabels = series
    .map((p, i) => ({ i, x: round(plot.left + i * slot + slot / 2), label: bucketLabel(p.local ?? p.start, bucket) }))
    .filter((l) => l.i % every === 0)
    .map(({ x, label }) => ({ x, label }));

  const succeeded = series.reduce((n, p) => n + p.succeeded, 0);
  const failed = series.reduce((n, p) => n + p.failed, 0);
  const busiest = series.reduce<ChartPoint | null>((b, p) => (p.succeeded + p.failed > (b ? b.succeeded + b.failed : 0) ? p : b), null);
  const hourly = bucket === "hour";
  const desc =
    say(hourly ? "admin.chart.descHour" : "admin.chart.descDay", {
      from: range.from,
      to: range.to,
      succeeded,
      failed,
      count: series.length,
    }) +
    (busiest
      ? say(hourly ? "admin.chart.busiestHour" : "admin.chart.busiestDay", { start: busiest.start, n: busiest.succeeded + busiest.failed })
      : say("admin.chart.none"));
  return {
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    plot,
    bars,
    yTicks,
    xLabels,
    max,
    title: say(hourly ? "admin.chart.titleHour" : "admin.chart.titleDay"),
    desc,
  };
}
