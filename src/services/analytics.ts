// Login analytics for a chosen range [from, to), computed in SQL (queries/login-analytics.ts) from the audit events and the
// session records, returned as numbers plus a series, ready for a chart and a table. Definitions:
// - attempts = login.succeeded + login.failed + login.second_factor_failed; successRate = succeeded / attempts,
//   failureRate = failed (both failure types) / attempts. (login.locked is a consequence of failures, not counted.)
// - suspiciousRate = login.held / login.risk_evaluated (sign-ins the risk rules evaluated; none when RISK_RULES=off).
// - deviceApprovalRate = successful sign-ins that needed an emailed device code (login.succeeded with
//   data.device = "code") / login.succeeded; codesSent (device.code_sent, resends included) is given alongside.
// - averageSessionSeconds: sessions started in the range and over by now (ended_at, or expires_at when past it
//   with no end recorded; never past expires_at); sessions still alive are left out.
// - passwordResetRate = password_reset.requested (unknown addresses included) / attempts: resets per sign-in attempt.
// - series: hour buckets when the range is at most 48 hours, else day buckets, starting at `from`; every bucket
//   present (zeros when empty); the last one may be cut short by `to`. With a time zone (the dashboard's
//   DASHBOARD_TIME_ZONE) the buckets are that zone's calendar days or clock hours instead (the first one cut short
//   by `from` when it starts mid-day), each with its local start as `local` ("YYYY-MM-DD HH:MM").
// A rate whose denominator is 0 is null (no data: "n/a"), never 0 or NaN. Bad ranges throw AnalyticsQueryError.
import type { AdminCountQueries } from "../queries/admin-counts.ts";
import { z } from "zod";
import type { Clock } from "../lib/clock.ts";
import type { Bucket, LoginAnalyticsQueries } from "../queries/login-analytics.ts";
import { fromWallClock, localText, startOfLocal, zoneOffset } from "../lib/time-zone.ts";

export const HOURLY_MAX_HOURS = 48;
export const RANGE_MAX_DAYS = 400;

export class AnalyticsQueryError extends Error {
  readonly code = "analytics.invalid_range";
  /** the range end at fault */
  constructor(
    message: string,
    readonly field: "from" | "to" = "from",
  ) {
    super(message);
    this.name = "AnalyticsQueryError";
  }
}

export const analyticsRangeSchema = z
  .object({
    from: z.iso.datetime({ offset: true, message: "from must be an ISO 8601 date-time" }),
    to: z.iso.datetime({ offset: true, message: "to must be an ISO 8601 date-time" }),
  })
  .strict();

export type LoginAnalytics = {
  from: string;
  to: string;
  bucket: Bucket;
  logins: { attempts: number; succeeded: number; failed: number; successRate: number | null; failureRate: number | null };
  suspicious: { evaluated: number; held: number; rate: number | null };
  deviceApproval: { succeeded: number; withEmailedCode: number; codesSent: number; rate: number | null };
  sessions: { measured: number; averageSeconds: number | null };
  passwordResets: { requested: number; rate: number | null };
  series: { start: string; succeeded: number; failed: number; local?: string }[];
};

/** the bucket edges of [from, to) on the zone's calendar days or clock hours: from, each boundary inside, to */
export function localEdges(from: Date, to: Date, bucket: Bucket, zone: string): Date[] {
  const step = bucket === "day" ? 86_400_000 : 3_600_000;
  const first = startOfLocal(zone, from, bucket);
  const wall = first.getTime() + zoneOffset(zone, first.getTime());
  const edges = [from];
  for (let k = 1; ; k++) {
    const edge = new Date(fromWallClock(zone, wall + k * step));
    if (edge >= to) break;
    if (edge > edges[edges.length - 1]!) edges.push(edge);
  }
  edges.push(to);
  return edges;
}

const ratio = (n: number, d: number) => (d === 0 ? null : n / d);

export function bucketFor(from: Date, to: Date): Bucket {
  return to.getTime() - from.getTime() <= HOURLY_MAX_HOURS * 3_600_000 ? "hour" : "day";
}

export function parseRange(input: unknown): { from: Date; to: Date } {
  const result = analyticsRangeSchema.safeParse(input ?? {});
  if (!result.success) {
    const field = result.error.issues[0]?.path[0] === "to" ? "to" : "from";
    throw new AnalyticsQueryError(result.error.issues.map((i) => `${i.path.join(".") || "range"}: ${i.message}`).join("; "), field);
  }
  const from = new Date(result.data.from);
  const to = new Date(result.data.to);
  if (from >= to) throw new AnalyticsQueryError("from must be before to");
  if (to.getTime() - from.getTime() > RANGE_MAX_DAYS * 86_400_000)
    throw new AnalyticsQueryError(`the range may be at most ${RANGE_MAX_DAYS} days`);
  return { from, to };
}

export function createAnalytics(deps: { queries: LoginAnalyticsQueries; counts: AdminCountQueries; clock: Clock }) {
  const { queries: q, clock } = deps;
  async function seriesOf(from: Date, to: Date, bucket: Bucket, timeZone?: string) {
    if (!timeZone) return q.loginSeries(from, to, bucket);
    const edges = localEdges(from, to, bucket, timeZone);
    return (await q.loginSeriesAt(edges)).map((b, i) => ({ start: edges[i]!, ...b }));
  }
  return {
    /** the dashboard's totals at `now` (users, teams, clients, sessions, ...) */
    counts: (now: Date) => deps.counts.counts(now),

    /** every figure for [from, to) (ISO 8601 strings, as from a query string) */
    async logins(input: { from: string; to: string }, timeZone?: string): Promise<LoginAnalytics> {
      const { from, to } = parseRange(input);
      const bucket = bucketFor(from, to);
      const [counts, withCode, sessions, series] = await Promise.all([
        q.countEvents(from, to),
        q.countDeviceCodeLogins(from, to),
        q.sessionDurations(from, to, clock.now()),
        seriesOf(from, to, bucket, timeZone),
      ]);
      const count = (type: string) => counts[type] ?? 0;
      // the series covers [from, to) bucket by bucket: its sums are the range's totals
      const succeeded = series.reduce((n, b) => n + b.succeeded, 0);
      const failed = series.reduce((n, b) => n + b.failed, 0);
      const attempts = succeeded + failed;
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        bucket,
        logins: { attempts, succeeded, failed, successRate: ratio(succeeded, attempts), failureRate: ratio(failed, attempts) },
        suspicious: {
          evaluated: count("login.risk_evaluated"),
          held: count("login.held"),
          rate: ratio(count("login.held"), count("login.risk_evaluated")),
        },
        deviceApproval: { succeeded, withEmailedCode: withCode, codesSent: count("device.code_sent"), rate: ratio(withCode, succeeded) },
        sessions: { measured: sessions.sessions, averageSeconds: sessions.averageSeconds },
        passwordResets: { requested: count("password_reset.requested"), rate: ratio(count("password_reset.requested"), attempts) },
        series: series.map((b) => ({
          start: b.start.toISOString(),
          succeeded: b.succeeded,
          failed: b.failed,
          ...(timeZone ? { local: localText(timeZone, b.start) } : {}),
        })),
      };
    },
  };
}

export type Analytics = ReturnType<typeof createAnalytics>;
