// The retention job (#21 item 5): removes rows past their period (tasks.ts) so Postgres tables stop growing
// forever. Every server process runs the schedule (createContext starts it, close stops it; the CLI never does):
// once a minute it reads when the last pass finished (a timestamp in Redis, from the app clock) and, when
// RETENTION_INTERVAL_MINUTES have gone by, takes the Redis lock (lock.ts) and runs a pass, so passes happen about
// once per interval however many processes there are, and a restart does not postpone them. A pass deletes in
// batches of RETENTION_BATCH_SIZE (each its own short statement), renews the lock between batches and stops early
// when it loses it or the process stops. It logs what it removed per table; the counts and the last pass's time
// are in /metrics (gatehouse_retention_removed_total{table}, gatehouse_retention_last_run_timestamp_seconds).
// `gatehouse retention run` runs one pass at once (under the same lock).
import type { RedisClient } from "../../db/redis.ts";
import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../lib/logger.ts";
import type { RetentionQueries } from "../../queries/retention.ts";
import { createRedisLock, type HeldLock } from "./lock.ts";
import { retentionTasks, RETENTION_TABLES, type RetentionSettings, type RetentionTask } from "./tasks.ts";

export type { RetentionSettings, RetentionTask };

export type RetentionReport = {
  startedAt: Date;
  finishedAt: Date;
  /** rows removed per task (table), every task that ran */
  removed: Record<string, number>;
  /** tasks that failed (logged); the others still ran */
  failed: string[];
  /** the pass ended early: the process is stopping, or the lock ran out under it */
  interrupted: boolean;
};

/** done; busy: another process holds the lock (nothing done); not_due: the last pass is recent (scheduled runs only) */
export type RetentionRun = { outcome: "done"; report: RetentionReport } | { outcome: "busy" } | { outcome: "not_due" };

const LOCK_KEY = "retention:{job}:lock";
const LAST_RUN_KEY = "retention:{job}:last-run";
/** longer than any one batch may take (DATABASE_QUERY_TIMEOUT_MS bounds a statement); renewed after each batch */
const LOCK_TTL_MS = 120_000;
const TICK_MS = 60_000;

export function createRetention(deps: {
  queries: RetentionQueries;
  redis: RedisClient;
  clock: Clock;
  log: Logger;
  settings: RetentionSettings;
  /**
   * Hook for work that belongs to the same schedule and lock, run after the built-in tasks: e.g. account deletion's
   * "erase the accounts whose grace period has ended" (#21 item 1), as { name: "users", removeBatch }.
   */
  extraTasks?: RetentionTask[];
  /** how often each process looks whether a pass is due (tests) */
  tickMs?: number;
}) {
  const { redis, clock, log, settings } = deps;
  const tasks = [...retentionTasks(deps.queries, settings), ...(deps.extraTasks ?? [])];
  const lock = createRedisLock(redis, LOCK_KEY, LOCK_TTL_MS);
  const totals: Record<string, number> = Object.fromEntries([...RETENTION_TABLES, ...tasks.map((t) => t.name)].map((name) => [name, 0]));
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | null = null;
  let stopping = false;
  let lastTickError = 0;

  async function lastRun(): Promise<Date | null> {
    const stamp = Number(await redis.get(LAST_RUN_KEY));
    return stamp > 0 ? new Date(stamp) : null;
  }

  async function due(): Promise<boolean> {
    const last = await lastRun();
    return !last || clock.now().getTime() - last.getTime() >= settings.intervalMinutes * 60_000;
  }

  /** one task's batches until nothing more is due; false when the lock was lost under it */
  async function drain(task: RetentionTask, now: Date, held: HeldLock, removed: Record<string, number>): Promise<boolean> {
    removed[task.name] = 0;
    for (;;) {
      const n = await task.removeBatch(now, settings.batchSize);
      removed[task.name] = (removed[task.name] ?? 0) + n;
      totals[task.name] = (totals[task.name] ?? 0) + n;
      if (n < settings.batchSize || stopping) return true;
      if (!(await held.renew())) return false;
    }
  }

  async function pass(held: HeldLock, logged: boolean): Promise<RetentionReport> {
    const startedAt = clock.now();
    const removed: Record<string, number> = {};
    const failed: string[] = [];
    let interrupted = false;
    for (const task of tasks) {
      if (stopping) {
        interrupted = true;
        break;
      }
      try {
        if (!(await drain(task, startedAt, held, removed))) {
          interrupted = true;
          log.warn({ task: task.name }, "retention: the lock ran out during the pass; stopping here (the next pass goes on)");
          break;
        }
      } catch (err) {
        failed.push(task.name);
        log.error(
          { task: task.name, err: { message: (err as Error).message } },
          "retention: removing old rows failed; the other tasks go on",
        );
      }
    }
    const finishedAt = clock.now();
    await redis.set(LAST_RUN_KEY, String(finishedAt.getTime()));
    const report = { startedAt, finishedAt, removed, failed, interrupted };
    if (logged)
      log.info({ removed, failed, interrupted, ms: finishedAt.getTime() - startedAt.getTime() }, "retention pass: removed old rows");
    return report;
  }

  /**
   * one pass now, unless another process is running one (or, with ifDue, the last one is recent); `quiet`: the
   * caller reports the counts itself (the CLI prints them; its log would share stdout with them)
   */
  async function runOnce(opts: { ifDue?: boolean; quiet?: boolean } = {}): Promise<RetentionRun> {
    if (opts.ifDue && !(await due())) return { outcome: "not_due" };
    const held = await lock.acquire();
    if (!held) return { outcome: "busy" };
    try {
      // another process may have finished a pass between the check and the lock
      if (opts.ifDue && !(await due())) return { outcome: "not_due" };
      return { outcome: "done", report: await pass(held, !opts.quiet) };
    } finally {
      await held.release().catch(() => {});
    }
  }

  function tick(): void {
    if (running || stopping) return;
    running = runOnce({ ifDue: true })
      .catch((err: unknown) => {
        // Redis or Postgres away: the next tick tries again; said once every ten minutes at most
        if (Date.now() - lastTickError > 600_000)
          log.warn({ err: { message: (err as Error).message } }, "retention: a scheduled pass could not run; retrying");
        lastTickError = Date.now();
      })
      .finally(() => {
        running = null;
      });
  }

  return {
    /** the tasks a pass runs, in order (their names label the counts) */
    taskNames: () => tasks.map((t) => t.name),
    runOnce,
    /** when the last pass (of any process) finished, or null */
    lastRun,
    /** rows this process removed since it started, per table (the metric's counters) */
    removedTotals: (): Record<string, number> => ({ ...totals }),
    /** checks every minute whether a pass is due (nothing when RETENTION_INTERVAL_MINUTES is 0) */
    start(): void {
      stopping = false;
      if (settings.intervalMinutes <= 0 || timer) return;
      timer = setInterval(tick, deps.tickMs ?? TICK_MS);
      timer.unref();
    },
    get started(): boolean {
      return timer !== undefined;
    },
    /** stops the schedule; a pass in progress ends after its current batch and lets go of the lock */
    async stop(): Promise<void> {
      stopping = true;
      clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}

export type Retention = ReturnType<typeof createRetention>;
