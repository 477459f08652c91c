// Prometheus metrics at /metrics: process defaults and a request-duration histogram by route kind.
import type { Middleware } from "koa";
import { Registry, collectDefaultMetrics, Histogram } from "prom-client";
import { registerBenchCounters } from "../db/bench-counters.ts";

const KNOWN_SEGMENTS = new Set(["", "auth", "token", "me", "jwks", ".well-known", "session", "interaction", "static", "healthz", "readyz"]);

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  registerBenchCounters(registry); // GATEHOUSE_BENCH_COUNTERS=1 only
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
