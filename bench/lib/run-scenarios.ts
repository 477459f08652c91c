// Runs the selected scenarios one after another, each measured on the server it loads: ops and latency, server
// CPU (whole process and by thread), peak RSS, Postgres queries and Redis commands per op, and the ratio to its
// limit. Redis bytes per session and the analytics aggregates are measured once, after the scenario that fills them.
import { measureAggregates, type AggregateTiming } from "./analytics.ts";
import { countsPerOp, readCounters } from "./counters.ts";
import { cpuMs, threadCpuMs, threadCpuPerOp, watchPeakRss } from "./proc.ts";
import { redisBytesPerSession, type RedisPerSession } from "./redis-per-session.ts";
import type { Limits } from "./limits.ts";
import type { Row } from "./report.ts";
import type { Scenario } from "./scenarios.ts";
import type { Summary } from "./stats.ts";
import type { Target } from "./targets.ts";

export type PlannedRun = { scenario: Scenario; concurrency: number };

/** each scenario at each level; a group's scenarios alternate level by level (Gatehouse, bare, Gatehouse, bare) */
export function planRuns(selected: Scenario[]): PlannedRun[] {
  return selected.flatMap((s) => {
    if (s.group && selected.find((t) => t.group === s.group) !== s) return [];
    const members = s.group ? selected.filter((t) => t.group === s.group) : [s];
    return s.levels.flatMap((concurrency) => members.map((scenario) => ({ scenario, concurrency })));
  });
}

export type ScenarioResults = {
  rows: Row[];
  /** a run had errors or completed nothing */
  failed: boolean;
  redisPerSession?: RedisPerSession;
  aggregates?: AggregateTiming[];
};

export async function runScenarios(
  runs: PlannedRun[],
  opts: { targetOf: (s: Scenario) => Target; limits: Limits; seconds: number; redisPrefix: string; databaseUrl: string },
): Promise<ScenarioResults> {
  const results: ScenarioResults = { rows: [], failed: false };
  for (const [i, { scenario, concurrency }] of runs.entries()) {
    const target = opts.targetOf(scenario);
    const { row, summary } = await measureRun(scenario, concurrency, target, opts.limits[scenario.limit], opts.seconds);
    results.rows.push(row);
    console.log(
      `  ${scenario.name} @${concurrency}: ${summary.opsPerSec} ops/s, p99 ${summary.p99} ms, ${summary.errors} errors${summary.firstError ? ` (${summary.firstError})` : ""}`,
    );
    if (summary.errors || !summary.ops) results.failed = true;
    const lastRunOfScenario = runs.findLastIndex((r) => r.scenario === scenario) === i;
    if (lastRunOfScenario && scenario.limit === "argon2Verify" && target.kind === "gatehouse" && !results.redisPerSession)
      results.redisPerSession = await redisBytesPerSession(opts.redisPrefix);
    if (lastRunOfScenario && scenario.limit === "auditSeqCount") results.aggregates = await measureAggregates(opts.databaseUrl);
  }
  return results;
}

/** one scenario at one level, with what its server spent on it */
async function measureRun(
  scenario: Scenario,
  concurrency: number,
  target: Target,
  limit: Limits[keyof Limits],
  seconds: number,
): Promise<{ row: Row; summary: Summary }> {
  const countsBefore = await readCounters(target.kind, target.baseUrl);
  const threadsBefore = threadCpuMs(target.pid);
  const cpuBefore = cpuMs(target.pid);
  const stopRss = watchPeakRss(target.pid);
  const summary = await scenario.run(target.ctx, { concurrency, seconds });
  const cpu = cpuMs(target.pid) - cpuBefore;
  const threads = threadCpuMs(target.pid);
  const countsAfter = await readCounters(target.kind, target.baseUrl);
  const row: Row = {
    scenario: scenario.name,
    concurrency,
    ...summary,
    cpuMsPerOp: summary.ops ? Math.round((cpu / summary.ops) * 100) / 100 : 0,
    ...(({ process: peakRssMiB, total: peakRssTotalMiB }) => ({ peakRssMiB, peakRssTotalMiB }))(stopRss()),
    limit: scenario.limit,
    limitOpsPerSec: limit.opsPerSec,
    ratio: limit.opsPerSec ? Math.round((summary.opsPerSec / limit.opsPerSec) * 1000) / 1000 : 0,
    target: target.kind,
    ...(scenario.group ? { group: scenario.group } : {}),
    cpuByThreadMsPerOp: threadCpuPerOp(threadsBefore, threads, summary.ops),
    perOp: countsPerOp(countsBefore, countsAfter, summary.ops),
  };
  return { row, summary };
}
