// Prometheus metrics at /metrics: process defaults, a request-duration histogram by route kind, the outbox's
// depth (emails and back-channel logouts waiting, dead letters), read from Postgres when scraped (at most once a
// second), and the retention job's removed rows per table and its last pass's time.
import type { Middleware } from "koa";
import { Registry, collectDefaultMetrics, Counter, Gauge, Histogram } from "prom-client";
import { registerBenchCounters } from "../db/bench-counters.ts";

const KNOWN_SEGMENTS = new Set(["", "auth", "token", "me", "jwks", ".well-known", "session", "interaction", "static", "healthz", "readyz"]);

export type OutboxDepth = () => Promise<{ kind: string; status: string; count: number; oldest: Date }[]>;

const OUTBOX_KINDS = ["email", "backchannel_logout"];

/** gatehouse_outbox_pending / _dead / _oldest_pending_seconds per kind; left out of a scrape while Postgres fails */
function registerOutboxGauges(registry: Registry, depth: OutboxDepth, now: () => Date): void {
  // the three gauges are collected side by side in one scrape: one query serves them all, and scrapes closer
  // together than a second share it (an open /metrics must not turn into a query per request)
  let last: { at: number; rows: ReturnType<OutboxDepth> } | null = null;
  const snapshot = () => {
    if (!last || Date.now() - last.at > 1000) {
      const rows = depth();
      last = { at: Date.now(), rows };
      rows.catch(() => { last = null; });
    }
    return last.rows;
  };
  const gauge = (name: string, help: string, value: (rows: Awaited<ReturnType<OutboxDepth>>, kind: string) => number) => new Gauge({
    name, help, labelNames: ["kind"], registers: [registry],
    async collect() {
      this.reset();
      const rows = await snapshot().catch(() => null);
      if (rows) for (const kind of OUTBOX_KINDS) this.set({ kind }, value(rows, kind));
    },
  });
  const of = (rows: Awaited<ReturnType<OutboxDepth>>, kind: string, status: string) => rows.find((r) => r.kind === kind && r.status === status);
  gauge("gatehouse_outbox_pending", "Deliveries waiting in the outbox (due, being sent, or waiting for a retry), by kind",
    (rows, kind) => of(rows, kind, "pending")?.count ?? 0);
  gauge("gatehouse_outbox_dead", "Dead letters in the outbox (gave up after OUTBOX_MAX_ATTEMPTS; an admin retries or discards them), by kind",
    (rows, kind) => of(rows, kind, "dead")?.count ?? 0);
  gauge("gatehouse_outbox_oldest_pending_seconds", "Age of the oldest delivery still waiting in the outbox, by kind (0 when none)", (rows, kind) => {
    const first = of(rows, kind, "pending")?.oldest;
    return first ? Math.max(0, (now().getTime() - first.getTime()) / 1000) : 0;
  });
}

/** what the retention job tells the metrics (services.retention) */
export type RetentionMetrics = { removedTotals(): Record<string, number>; lastRun(): Promise<Date | null> };

/**
 * gatehouse_retention_removed_total{table}: rows this process's passes removed; the last pass's end (any
 * process's: read from Redis when scraped), left out while unknown (never ran, or Redis fails)
 */
function registerRetentionMetrics(registry: Registry, retention: RetentionMetrics): void {
  new Counter({
    name: "gatehouse_retention_removed_total", help: "Rows the retention job removed (this process's passes), by table", labelNames: ["table"], registers: [registry],
    collect() {
      this.reset();
      for (const [table, n] of Object.entries(retention.removedTotals())) this.inc({ table }, n);
    },
  });
  new Gauge({
    name: "gatehouse_retention_last_run_timestamp_seconds", help: "When the last retention pass (by any process) finished, Unix time in seconds", registers: [registry],
    async collect() {
      this.reset();
      const last = await retention.lastRun().catch(() => null);
      if (last) this.set(last.getTime() / 1000);
    },
  });
}

/** `outboxDepth`: the outbox's rows per kind and status (services.outbox.depth); `now`: the app clock; `retention`: services.retention */
export function createMetrics(deps: { outboxDepth?: OutboxDepth; now?: () => Date; retention?: RetentionMetrics } = {}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  registerBenchCounters(registry); // GATEHOUSE_BENCH_COUNTERS=1 only
  if (deps.outboxDepth) registerOutboxGauges(registry, deps.outboxDepth, deps.now ?? (() => new Date()));
  if (deps.retention) registerRetentionMetrics(registry, deps.retention);
  const duration = new Histogram({
    name: "gatehouse_http_request_duration_seconds",
    help: "HTTP request duration by first path segment and status class",
    labelNames: ["segment", "status"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const middleware: Middleware = async (ctx, next) => {
    if (ctx.path === "/metrics") {
      ctx.type = registry.contentType;
      ctx.body = await registry.metrics();
      return;
    }
    const end = duration.startTimer();
    try {
      await next();
    } finally {
      const first = ctx.path.split("/")[1] ?? "";
      // a fixed label set: arbitrary paths must not create new series
      end({ segment: KNOWN_SEGMENTS.has(first) ? first || "root" : "other", status: `${Math.floor(ctx.status / 100)}xx` });
    }
  };
  return { registry, middleware };
}
