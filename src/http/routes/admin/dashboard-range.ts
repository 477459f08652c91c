// The date ranges the admin screens accept from a GET form: dashboard presets (the last 24 clock hours, 7 or 30
// calendar days, ending now, in the dashboard's time zone, so each bar is a whole hour or day, the current one
// last) or from/to dates. A date is a whole day (UTC unless a zone is given): "from" starts at its 00:00, "to"
// includes its day (ends at the next day's 00:00). A full ISO 8601 date-time with an offset is taken as it is.
// Bad input -> RangeInputError (its English message, and its message key and vars for the page's language).
import { localMidnight, startOfLocal } from "../../../lib/time-zone.ts";
import { translator } from "../../../lib/i18n/index.ts";

/** the messages of lib/i18n/en-admin.ts a range refusal says */
export type RangeMessage =
  "admin.range.notRealDate" | "admin.range.notDate" | "admin.range.both" | "admin.range.order" | "admin.range.unknown";
const english = translator("en");

export class RangeInputError extends Error {
  constructor(
    readonly key: RangeMessage,
    readonly vars: Record<string, string> = {},
  ) {
    super(english(key, vars));
    this.name = "RangeInputError";
  }
}

/** the preset ranges; `label` is a message key */
export const RANGE_PRESETS = [
  { key: "24h", label: "admin.range.24h", unit: "hour", count: 24 },
  { key: "7d", label: "admin.range.7d", unit: "day", count: 7 },
  { key: "30d", label: "admin.range.30d", unit: "day", count: 30 },
] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number]["key"];

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** a form's date (or date-time) as an instant; `end` makes a date mean the end of its day (in `zone`) */
export function parseDateInput(field: string, value: string, end: boolean, zone = "UTC"): Date {
  const v = value.trim();
  if (DATE.test(v)) {
    const d = new Date(`${v}T00:00:00.000Z`);
    if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== v)
      throw new RangeInputError("admin.range.notRealDate", { field, value: v });
    return localMidnight(zone, end ? new Date(d.getTime() + 86_400_000).toISOString().slice(0, 10) : v);
  }
  if (DATE_TIME.test(v) && !Number.isNaN(new Date(v).getTime())) return new Date(v);
  throw new RangeInputError("admin.range.notDate", { field });
}

const one = (q: Record<string, unknown>, key: string): string => {
  const v = q[key];
  return typeof v === "string" ? v.trim() : Array.isArray(v) ? String(v[0] ?? "").trim() : "";
};

export type DashboardRange = { preset: RangePreset | null; from: Date; to: Date; fromInput: string; toInput: string };

/** the dashboard's range from its query string: ?range=24h|7d|30d (default 7d), or ?from=&to= dates (days in `zone`) */
export function dashboardRange(query: Record<string, unknown>, now: Date, zone = "UTC"): DashboardRange {
  const fromInput = one(query, "from");
  const toInput = one(query, "to");
  const range = one(query, "range");
  if (fromInput || toInput) {
    if (!fromInput || !toInput) throw new RangeInputError("admin.range.both");
    const from = parseDateInput("from", fromInput, false, zone);
    const to = parseDateInput("to", toInput, true, zone);
    if (from >= to) throw new RangeInputError("admin.range.order");
    return { preset: null, from, to, fromInput, toInput };
  }
  const preset = RANGE_PRESETS.find((p) => p.key === (range || "7d"));
  if (!preset) throw new RangeInputError("admin.range.unknown", { range });
  return { preset: preset.key, from: startOfLocal(zone, now, preset.unit, preset.count - 1), to: now, fromInput: "", toInput: "" };
}
