// The SQL behind login analytics (src/services/analytics.ts): aggregates over audit_events and
// user_sessions for [from, to), through Prisma's $queryRaw tagged templates (values are bound parameters; the
// event names and intervals are constants of this file). Indexes they rely on: (type, created_at) for the
// counts and the series (index-only scans), the partial audit_events_login_device_code_idx for the device-code
// count (its predicate is repeated here word for word so the planner can use it), user_sessions (started_at).
// Timestamps are `timestamp(3)` in UTC, as Prisma writes them.
import { Prisma, type PrismaClient } from "../generated/prisma/client.ts";

export type Bucket = "hour" | "day";
export type EventCounts = Record<string, number>;

const STEP: Record<Bucket, Prisma.Sql> = { hour: Prisma.sql`interval '1 hour'`, day: Prisma.sql`interval '1 day'` };

/**
 * the other event types the analytics count, with how many of each in the range (absent = 0); the sign-in
 * totals are the sums of loginSeries (which covers the whole range), so those rows are read once, not twice
 */
export async function countEvents(db: PrismaClient, from: Date, to: Date): Promise<EventCounts> {
  const rows = await db.$queryRaw<{ type: string; n: number }[]>`
    SELECT type, count(*)::int AS n FROM audit_events
    WHERE type IN ('login.risk_evaluated', 'login.held', 'device.code_sent', 'password_reset.requested')
      AND created_at >= ${from}::timestamp AND created_at < ${to}::timestamp
    GROUP BY type`;
  return Object.fromEntries(rows.map((r) => [r.type, r.n]));
}

/** successful sign-ins whose device gate needed an emailed code (login.succeeded with data.device = "code") */
export async function countDeviceCodeLogins(db: PrismaClient, from: Date, to: Date): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM audit_events
    WHERE type = 'login.succeeded' AND (data->>'device') = 'code'
      AND created_at >= ${from}::timestamp AND created_at < ${to}::timestamp`;
  return row?.n ?? 0;
}

/**
 * sessions started in the range that are over by `now`: ended (ended_at), or past their absolute expiry without
 * an end recorded (expires_at). A session never outlives expires_at, so a late-recorded end is capped there.
 */
export async function sessionDurations(
  db: PrismaClient,
  from: Date,
  to: Date,
  now: Date,
): Promise<{ sessions: number; averageSeconds: number | null }> {
  const [row] = await db.$queryRaw<{ sessions: number; avg: number | null }[]>`
    SELECT count(*)::int AS sessions,
           avg(extract(epoch FROM least(coalesce(ended_at, expires_at), expires_at) - started_at))::float8 AS avg
    FROM user_sessions
    WHERE started_at >= ${from}::timestamp AND started_at < ${to}::timestamp
      AND (ended_at IS NOT NULL OR expires_at <= ${now}::timestamp)`;
  return { sessions: row?.sessions ?? 0, averageSeconds: row?.avg ?? null };
}

/**
 * sign-ins per bucket: every bucket [start, start + step) from `from` up to `to` (the last may be cut by `to`),
 * empty ones included with zeros; succeeded = login.succeeded, failed = login.failed + login.second_factor_failed
 */
export async function loginSeries(
  db: PrismaClient,
  from: Date,
  to: Date,
  bucket: Bucket,
): Promise<{ start: Date; succeeded: number; failed: number }[]> {
  const step = STEP[bucket];
  return db.$queryRaw<{ start: Date; succeeded: number; failed: number }[]>`
    SELECT b.start, coalesce(c.succeeded, 0)::int AS succeeded, coalesce(c.failed, 0)::int AS failed
    FROM generate_series(${from}::timestamp, ${to}::timestamp, ${step}) AS b(start)
    LEFT JOIN (
      SELECT date_bin(${step}, created_at, ${from}::timestamp) AS start,
             count(*) FILTER (WHERE type = 'login.succeeded') AS succeeded,
             count(*) FILTER (WHERE type <> 'login.succeeded') AS failed
      FROM audit_events
      WHERE type IN ('login.succeeded', 'login.failed', 'login.second_factor_failed')
        AND created_at >= ${from}::timestamp AND created_at < ${to}::timestamp
      GROUP BY 1
    ) AS c ON c.start = b.start
    WHERE b.start < ${to}::timestamp
    ORDER BY b.start`;
}

/**
 * sign-ins per bucket [edges[i], edges[i + 1]) for ascending `edges` (the buckets the caller chose: calendar days in
 * a time zone, say); one row per bucket, empty ones with zeros; counted as loginSeries counts
 */
export async function loginSeriesAt(db: PrismaClient, edges: Date[]): Promise<{ succeeded: number; failed: number }[]> {
  if (edges.length < 2) return [];
  const rows = await db.$queryRaw<{ i: number; succeeded: number; failed: number }[]>`
    SELECT width_bucket(created_at, ${edges.map((d) => d.toISOString())}::timestamp[])::int AS i,
           count(*) FILTER (WHERE type = 'login.succeeded')::int AS succeeded,
           count(*) FILTER (WHERE type <> 'login.succeeded')::int AS failed
    FROM audit_events
    WHERE type IN ('login.succeeded', 'login.failed', 'login.second_factor_failed')
      AND created_at >= ${edges[0]}::timestamp AND created_at < ${edges[edges.length - 1]}::timestamp
    GROUP BY 1`;
  const byBucket = new Map(rows.map((r) => [r.i, r]));
  return edges.slice(0, -1).map((_, i) => ({ succeeded: byBucket.get(i + 1)?.succeeded ?? 0, failed: byBucket.get(i + 1)?.failed ?? 0 }));
}

/** the aggregates bound to one Prisma client (what the analytics service uses) */
export function createLoginAnalyticsQueries(db: PrismaClient) {
  return {
    countEvents: (from: Date, to: Date) => countEvents(db, from, to),
    countDeviceCodeLogins: (from: Date, to: Date) => countDeviceCodeLogins(db, from, to),
    sessionDurations: (from: Date, to: Date, now: Date) => sessionDurations(db, from, to, now),
    loginSeries: (from: Date, to: Date, bucket: Bucket) => loginSeries(db, from, to, bucket),
    loginSeriesAt: (edges: Date[]) => loginSeriesAt(db, edges),
  };
}

export type LoginAnalyticsQueries = ReturnType<typeof createLoginAnalyticsQueries>;
