// Prometheus metrics at /metrics (or only on METRICS_PORT when set): process defaults, a request-duration
// histogram by route template (route-label.ts), the counters of what Gatehouse did (lib/telemetry.ts: sign-ins,
// tokens, lockouts, holds, device codes, outbox deliveries), the outbox's depth (emails and back-channel logouts
// waiting, dead letters), read from Postgres when scraped (at most once a second), and the retention job's removed
// rows per table and its last pass's time. In a cluster worker (WORKERS > 1) /metrics answers the sum over all
// workers (lib/cluster-metrics.ts).
import cluster from "node:cluster";
import type { Context, Middleware } from "koa";
import { Registry, collectDefaultMetrics, Counter, Gauge, Histogram } from "prom-client";
import { registerBenchCounters } from "../db/bench-counters.ts";
import { workerMetrics } from "../lib/cluster-metrics.ts";
import { methodLabel, routeLabel } from "./route-label.ts";
import { nameActiveSpan } from "../lib/spans.ts";

export type OutboxDepth = () => Promise<{ kind: string; status: string; count: number; oldest: Date }[]>;

const OUTBOX_KINDS = ["email", "backchannel_logout", "webhook"];

/** gatehouse_outbox_pending / _dead / _oldest_pending_seconds per kind; left out of a scrape while Postgres fails */
function registerOutboxGauges(registry: Registry, depth: OutboxDepth, now: () => Date): void {
  // the three gauges are collected side by side in one scrape: one query serves them all, and scrapes closer
  // together than a second share it (an open /metrics must not turn into a query per request)
  let last: { at: number; rows: ReturnType<OutboxDepth> } | null = null;
  const snapshot = () => {
    if (!last || Date.now() - last.at > 1000) {
      const rows = depth();
      last = { at: Date.now(), rows };
      rows.catch(() => {
        last = null;
      });
    }
    return last.rows;
  };
  const gauge = (name: string, help: string, value: (rows: Awaited<ReturnType<OutboxDepth>>, kind: string) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ["kind"],
      registers: [registry],
      aggregator: "max", // every worker reads the same table
      async collect() {
        this.reset();
        const rows = await snapshot().catch(() => null);
        if (rows) for (const kind of OUTBOX_KINDS) this.set({ kind }, value(rows, kind));
      },
    });
  const of = (rows: Awaited<ReturnType<OutboxDepth>>, kind: string, status: string) =>
    rows.find((r) => r.kind === kind && r.status === status);
  gauge(
    "gatehouse_outbox_pending",
    "Deliveries waiting in the outbox (due, being sent, or waiting for a retry), by kind",
    (rows, kind) => of(rows, kind, "pending")?.count ?? 0,
  );
  gauge(
    "gatehouse_outbox_dead",
    "Dead letters in the outbox (gave up after OUTBOX_MAX_ATTEMPTS; an admin retries or discards them), by kind",
    (rows, kind) => of(rows, kind, "dead")?.count ?? 0,
  );
  gauge(
    "gatehouse_outbox_oldest_pending_seconds",
    "Age of the oldest delivery still waiting in the outbox, by kind (0 when none)",
    (rows, kind) => {
      const first = of(rows, kind, "pending")?.oldest;
      return first ? Math.max(0, (now().getTime() - first.getTime()) / 1000) : 0;
    },
  );
}

/** what the retention job tells the metrics (services.retention) */
export type RetentionMetrics = { removedTotals(): Record<string, number>; lastRun(): Promise<Date | null> };

/**
 * gatehouse_retention_removed_total{table}: rows this process's passes removed; the last pass's end (any
 * process's: read from Redis when scraped), left out while unknown (never ran, or Redis fails)
 */
function registerRetentionMetrics(registry: Registry, retention: RetentionMetrics): void {
  new Counter({
    name: "gatehouse_retention_removed_total",
    help: "Rows the retention job removed (this process's passes), by table",
    labelNames: ["table"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [table, n] of Object.entries(retention.removedTotals())) this.inc({ table }, n);
    },
  });
  new Gauge({
    name: "gatehouse_retention_last_run_timestamp_seconds",
    help: "When the last retention pass (by any process) finished, Unix time in seconds",
    registers: [registry],
    aggregator: "max",
    async collect() {
      this.reset();
      const last = await retention.lastRun().catch(() => null);
      if (last) this.set(last.getTime() / 1000);
    },
  });
}

export type MetricsDeps = {
  /** the process's counters (CoreContext.telemetry.registry) */
  counters?: Registry;
  /** the outbox's rows per kind and status (services.outbox.depth) */
  outboxDepth?: OutboxDepth;
  /** the app clock */
  now?: () => Date;
  /** services.retention */
  retention?: RetentionMetrics;
  /** false: /metrics is served on METRICS_PORT only (the main port answers it like any unknown path) */
  onMainPort?: boolean;
};

export type Metrics = {
  registry: Registry;
  /** the request histogram, and /metrics when served on the main port */
  middleware: Middleware;
  /** one request into the histogram (provider-lane.ts, which times its requests itself) */
  record(ctx: Context, seconds: number): void;
  /** the text a scrape gets: this process's series, or in a cluster worker every worker's summed */
  text(): Promise<string>;
  contentType: string;
};

export function createMetrics(deps: MetricsDeps = {}): Metrics {
  const own = new Registry();
  collectDefaultMetrics({ register: own });
  registerBenchCounters(own); // GATEHOUSE_BENCH_COUNTERS=1 only
  if (deps.outboxDepth) registerOutboxGauges(own, deps.outboxDepth, deps.now ?? (() => new Date()));
  if (deps.retention) registerRetentionMetrics(own, deps.retention);
  const duration = new Histogram({
    name: "gatehouse_http_request_duration_seconds",
    help: 'HTTP request duration by route template (oidc:<endpoint> for the provider\'s, "other" for unknown paths), method and status class',
    labelNames: ["route", "method", "status"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [own],
  });
  const registry = deps.counters ? Registry.merge([own, deps.counters]) : own;
  const text = cluster.isWorker ? workerMetrics(registry) : () => registry.metrics();
  const onMainPort = deps.onMainPort ?? true;
  const record = (ctx: Context, seconds: number) => {
    // fixed label sets: arbitrary paths and methods must not create new series
    const route = routeLabel(ctx);
    const method = methodLabel(ctx.method);
    duration.observe({ route, method, status: `${Math.floor(ctx.status / 100)}xx` }, seconds);
    nameActiveSpan(method, route); // the request's trace span, when tracing is on (lib/tracing.ts)
  };
  const middleware: Middleware = async (ctx, next) => {
    if (onMainPort && ctx.path === "/metrics") {
      await answerMetrics(ctx, text, registry.contentType);
      return;
    }
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      record(ctx, Number(process.hrtime.bigint() - started) / 1e9);
    }
  };
  return { registry, middleware, record, text, contentType: registry.contentType };
}

async function answerMetrics(ctx: Parameters<Middleware>[0], text: () => Promise<string>, contentType: string): Promise<void> {
  try {
    ctx.body = await text();
    ctx.type = contentType;
  } catch {
    ctx.status = 503;
    ctx.body = "metrics unavailable: the other workers did not answer in time\n";
  }
}
