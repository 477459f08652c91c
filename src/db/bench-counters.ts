// Benchmark only (GATEHOUSE_BENCH_COUNTERS=1): counts the SQL statements this process sends to Postgres and the
// commands it sends to Redis, for bench/ to read on /metrics. Off (and nothing wrapped or registered) otherwise.
import type { Redis, Cluster } from "ioredis";
import { Counter, type Registry } from "prom-client";

export const benchCountersOn = process.env.GATEHOUSE_BENCH_COUNTERS === "1";
const counts = { pg: 0, redis: 0 };

const traceSql = benchCountersOn && process.env.GATEHOUSE_BENCH_TRACE_SQL === "1";

/**
 * counts one SQL statement sent (BEGIN and COMMIT too): the pool's `onQuery` in bench mode (db/sql.ts); with
 * GATEHOUSE_BENCH_TRACE_SQL=1 also writes its text to stderr (bench/trace-login.ts sql)
 */
export const countPgQuery = (query: unknown): void => {
  counts.pg++;
  if (!traceSql) return;
  const text = typeof query === "string" ? query : ((query as { text?: string } | undefined)?.text ?? "?");
  process.stderr.write(`[sql] ${text.replace(/\s+/g, " ").slice(0, 160)}\n`);
};

/** counts every command the client sends (each command of a pipeline or MULTI, MULTI and EXEC included) */
export function countRedisCommands(redis: Redis | Cluster): void {
  const send = redis.sendCommand;
  redis.sendCommand = function (this: Redis | Cluster, ...args: unknown[]) {
    counts.redis++;
    return (send as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof redis.sendCommand;
}

export function registerBenchCounters(registry: Registry): void {
  if (!benchCountersOn) return;
  const counter = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  counter("gatehouse_bench_pg_queries_total", "SQL statements sent to Postgres (bench mode only)", () => counts.pg);
  counter("gatehouse_bench_redis_commands_total", "Commands sent to Redis (bench mode only)", () => counts.redis);
}
