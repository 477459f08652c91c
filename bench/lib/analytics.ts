// The login-analytics benchmark: seeds audit events (1,000,000 in a full run) spread over the last 30 days with a
// realistic mix of types, plus user sessions (one per 10 events), all in SQL (INSERT ... SELECT generate_series,
// deterministic: no random()), then VACUUM ANALYZE (as autovacuum would, so index-only scans are possible). The
// scenario computes the full dashboard (src/services/analytics, every aggregate for 30 days) in a loop; its limit
// is a sequential count(*) over audit_events measured in the same run. `measureAggregates` times each aggregate
// alone (median of 5 after one warm-up) and keeps its EXPLAIN (ANALYZE, BUFFERS) plan for docs/performance.md.
import pg from "pg";
import { openDatabase } from "../../src/db/postgres.ts";
import { systemClock } from "../../src/lib/clock.ts";
import { createAnalytics } from "../../src/services/analytics.ts";
import {
  countDeviceCodeLogins,
  countEvents,
  createLoginAnalyticsQueries,
  loginSeries,
  sessionDurations,
} from "../../src/queries/login-analytics.ts";
import { createAdminCountQueries } from "../../src/queries/admin-counts.ts";
import { runLoop, type RunWindow } from "./drivers.ts";
import type { Summary } from "./stats.ts";

const DAYS = 30;

/** the dashboard's range: the last 30 days up to the next whole hour (day buckets) */
export function analyticsRange(now = new Date()): { from: Date; to: Date } {
  const to = new Date(Math.ceil(now.getTime() / 3_600_000) * 3_600_000);
  return { from: new Date(to.getTime() - DAYS * 86_400_000), to };
}

/**
 * `events` audit events over the last 30 days, users taken in turn from the users table: per 1000 events, 400
 * login.succeeded (1 in 10 of them through an emailed device code), 100 login.failed, 20 second-factor failures,
 * 250 login.risk_evaluated, 10 login.held, 30 device.code_sent, 10 password_reset.requested, 60 session events,
 * 120 team events (data.teamId, one of 50 teams); and events / 10 sessions of up to ~4 hours
 */
export async function seedAuditEvents(databaseUrl: string, events: number): Promise<{ events: number; sessions: number; ms: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const started = performance.now();
  try {
    const span = DAYS * 86_400;
    await client.query(
      `
      WITH u AS (SELECT array_agg(id ORDER BY id) AS ids FROM users)
      INSERT INTO audit_events (type, outcome, user_id, ip, user_agent, data, created_at)
      SELECT k.type, k.outcome, u.ids[1 + (i % array_length(u.ids, 1))], '198.51.100.' || (i % 250),
             'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0', k.data,
             (now() AT TIME ZONE 'UTC') - make_interval(secs => (i::bigint * 2654435761) % $2::bigint)
      FROM generate_series(1, $1::int) AS i, u,
      LATERAL (SELECT ((i::bigint * 7919) % 1000)::int AS slot) AS s,
      LATERAL (SELECT
        CASE WHEN slot < 400 THEN 'login.succeeded' WHEN slot < 500 THEN 'login.failed' WHEN slot < 520 THEN 'login.second_factor_failed'
             WHEN slot < 770 THEN 'login.risk_evaluated' WHEN slot < 780 THEN 'login.held' WHEN slot < 810 THEN 'device.code_sent'
             WHEN slot < 820 THEN 'password_reset.requested' WHEN slot < 880 THEN 'session.created' ELSE 'team.member.role_changed' END AS type,
        CASE WHEN slot >= 400 AND slot < 520 THEN 'failure' ELSE 'success' END AS outcome,
        CASE WHEN slot < 400 THEN jsonb_build_object('method', 'password', 'device', CASE WHEN slot % 10 = 0 THEN 'code' ELSE 'trusted' END, 'risk', 'allow')
             WHEN slot < 500 THEN jsonb_build_object('reason', 'bad_password')
             WHEN slot < 770 THEN jsonb_build_object('decision', 'allow', 'latencyMs', slot % 7)
             WHEN slot >= 880 THEN jsonb_build_object('teamId', md5('team' || (i % 50))::uuid::text, 'roleId', md5('role' || (i % 3))::uuid::text)
             ELSE '{}'::jsonb END AS data
      ) AS k`,
      [events, span],
    );
    const sessions = Math.floor(events / 10);
    await client.query(
      `
      WITH u AS (SELECT array_agg(id ORDER BY id) AS ids FROM users)
      INSERT INTO user_sessions (id, user_id, started_at, last_active_at, expires_at, ended_at, end_reason)
      SELECT 'bench-' || i, u.ids[1 + (i % array_length(u.ids, 1))], st, st, st + interval '8 hours',
             CASE WHEN i % 4 = 0 THEN NULL ELSE st + make_interval(secs => (i::bigint * 7919) % 14400) END,
             CASE WHEN i % 4 = 0 THEN NULL ELSE 'logout' END
      FROM generate_series(1, $1::int) AS i, u,
      LATERAL (SELECT (now() AT TIME ZONE 'UTC') - make_interval(secs => (i::bigint * 2654435761) % $2::bigint) AS st) AS s`,
      [sessions, span],
    );
    await client.query("VACUUM ANALYZE audit_events");
    await client.query("VACUUM ANALYZE user_sessions");
    return { events, sessions, ms: Math.round(performance.now() - started) };
  } finally {
    await client.end();
  }
}

/** the limit: a sequential count(*) over audit_events (no index, no parallel workers), in a loop */
export async function measureAuditSeqCount(databaseUrl: string, window: RunWindow): Promise<Summary> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const setting of ["enable_indexscan", "enable_indexonlyscan", "enable_bitmapscan"]) await client.query(`SET ${setting} = off`);
    await client.query("SET max_parallel_workers_per_gather = 0");
    return await runLoop(
      { ...window, concurrency: 1 },
      () => null,
      async () => {
        const { rows } = await client.query<{ n: string }>("SELECT count(*) AS n FROM audit_events");
        if (!Number(rows[0]?.n)) throw new Error("audit_events is empty");
      },
    );
  } finally {
    await client.end();
  }
}

/** the scenario's op: the whole dashboard for the last 30 days, checked to have counted something */
export async function analyticsScenario(databaseUrl: string, window: RunWindow): Promise<Summary> {
  const db = await openDatabase({ url: databaseUrl, dataDir: ".data", poolSize: 4 * window.concurrency });
  const analytics = createAnalytics({
    queries: createLoginAnalyticsQueries(db.prisma),
    counts: createAdminCountQueries(db.prisma),
    clock: systemClock,
  });
  try {
    return await runLoop(
      window,
      () => null,
      async () => {
        const { from, to } = analyticsRange();
        const a = await analytics.logins({ from: from.toISOString(), to: to.toISOString() });
        if (!a.logins.attempts || a.series.length !== DAYS)
          throw new Error(`analytics counted nothing (${a.logins.attempts} attempts, ${a.series.length} buckets)`);
      },
    );
  } finally {
    await db.close();
  }
}

export type AggregateTiming = { name: string; medianMs: number; plan: string };

/** each aggregate alone: median ms of 5 runs after a warm-up, and its EXPLAIN (ANALYZE, BUFFERS) */
export async function measureAggregates(databaseUrl: string): Promise<AggregateTiming[]> {
  const db = await openDatabase({ url: databaseUrl, dataDir: ".data", poolSize: 2 });
  const { from, to } = analyticsRange();
  const p = db.prisma;
  const f = from.toISOString().replace("T", " ").replace("Z", "");
  const t = to.toISOString().replace("T", " ").replace("Z", "");
  // the same statements as src/queries/login-analytics.ts (and two audit-log pages), for EXPLAIN: text
  // built here from constants and our own timestamps only, never from input (bench code, not the product)
  const plans: Record<string, string> = {
    countEvents: `SELECT type, count(*)::int FROM audit_events WHERE type IN ('login.risk_evaluated','login.held','device.code_sent','password_reset.requested') AND created_at >= '${f}' AND created_at < '${t}' GROUP BY type`,
    countDeviceCodeLogins: `SELECT count(*)::int FROM audit_events WHERE type = 'login.succeeded' AND (data->>'device') = 'code' AND created_at >= '${f}' AND created_at < '${t}'`,
    sessionDurations: `SELECT count(*)::int, avg(extract(epoch FROM least(coalesce(ended_at, expires_at), expires_at) - started_at))::float8 FROM user_sessions WHERE started_at >= '${f}' AND started_at < '${t}' AND (ended_at IS NOT NULL OR expires_at <= now() AT TIME ZONE 'UTC')`,
    loginSeries: `SELECT date_bin(interval '1 day', created_at, '${f}'::timestamp) AS start, count(*) FILTER (WHERE type = 'login.succeeded'), count(*) FILTER (WHERE type <> 'login.succeeded') FROM audit_events WHERE type IN ('login.succeeded','login.failed','login.second_factor_failed') AND created_at >= '${f}' AND created_at < '${t}' GROUP BY 1`,
    auditPageTeam: `SELECT e.id FROM audit_events e WHERE (e.data->>'teamId') = md5('team7')::uuid::text ORDER BY e.created_at DESC, e.id DESC LIMIT 51`,
    auditPageLatest: `SELECT e.id FROM audit_events e LEFT JOIN users u ON u.id = e.user_id WHERE e.type LIKE 'login.%' ORDER BY e.created_at DESC, e.id DESC LIMIT 51`,
  };
  const runs: Record<string, () => Promise<unknown>> = {
    countEvents: () => countEvents(p, from, to),
    countDeviceCodeLogins: () => countDeviceCodeLogins(p, from, to),
    sessionDurations: () => sessionDurations(p, from, to, new Date()),
    loginSeries: () => loginSeries(p, from, to, "day"),
    auditPageTeam: () => p.$queryRawUnsafe(plans.auditPageTeam!),
    auditPageLatest: () => p.$queryRawUnsafe(plans.auditPageLatest!),
  };
  try {
    const out: AggregateTiming[] = [];
    for (const [name, run] of Object.entries(runs)) {
      await run();
      const ms: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        await run();
        ms.push(performance.now() - t0);
      }
      ms.sort((a, b) => a - b);
      const rows = await p.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${plans[name]}`);
      out.push({ name, medianMs: Math.round(ms[2]! * 10) / 10, plan: rows.map((r) => r["QUERY PLAN"]).join("\n") });
    }
    return out;
  } finally {
    await db.close();
  }
}
