// What a bench run leaves: the printed report after the scenarios, and the JSON in bench/results/.
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PROJECT_ROOT } from "../../src/lib/paths.ts";
import { BENCH_ALLOCATOR } from "./server.ts";
import { compareWithBare, formatTable } from "./report.ts";
import type { Limits } from "./limits.ts";
import type { ScenarioResults } from "./run-scenarios.ts";

export type AuditSeed = { events: number; sessions: number; ms: number };

/** the tables, then the analytics aggregates and Redis bytes per session when measured; the server's memory first with BENCH_SHOW_MEMORY */
export async function printReport(baseUrl: string, limits: Limits, audit: AuditSeed, results: ScenarioResults): Promise<void> {
  const { rows, aggregates, redisPerSession } = results;
  if (process.env.BENCH_SHOW_MEMORY) {
    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
    console.log(
      metrics
        .split("\n")
        .filter((l) => /^(nodejs_heap_size|nodejs_external_memory|process_resident|nodejs_heap_space_size_used_bytes)/.test(l))
        .join("\n"),
    );
  }
  console.log(`\n${formatTable(rows, limits)}\n(servers run with ${BENCH_ALLOCATOR}'s malloc)`);
  if (aggregates)
    console.log(
      `Analytics aggregates over ${audit.events} audit events, 30 days (median of 5 ms): ${aggregates.map((a) => `${a.name} ${a.medianMs}`).join(", ")}${process.env.BENCH_SHOW_PLANS ? `\n${aggregates.map((a) => `-- ${a.name}\n${a.plan}`).join("\n")}` : ""}`,
    );
  if (redisPerSession)
    console.log(
      `Redis per signed-in session: ${redisPerSession.atRestBytesPerSession} bytes at rest, ${redisPerSession.afterLoginBytesPerSession} right after login (${redisPerSession.sessions} sessions; by kind ${JSON.stringify(redisPerSession.bytesByKind)})`,
    );
}

/** the run's JSON: this machine, the limits, every row, Gatehouse against the bare oidc-provider, Redis and analytics */
export function resultsJson(opts: { quick: boolean; seconds: number; limits: Limits; audit: AuditSeed; results: ScenarioResults }) {
  const { rows, redisPerSession, aggregates } = opts.results;
  const { audit } = opts;
  return {
    date: new Date().toISOString(),
    quick: opts.quick,
    secondsPerRun: opts.seconds,
    machine: {
      cpus: os.availableParallelism(),
      model: os.cpus()[0]?.model,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.versions.node,
      malloc: BENCH_ALLOCATOR,
    },
    limits: opts.limits,
    scenarios: rows,
    vsBare: compareWithBare(rows).map(({ gatehouse: _g, bare: _b, ...v }) => v),
    redis: redisPerSession,
    analytics: aggregates && { auditEvents: audit.events, sessions: audit.sessions, seedMs: audit.ms, aggregates },
  };
}

/** bench/results/<date><suffix>.json, and its path printed */
export function writeResults(date: string, suffix: string, data: unknown): void {
  const dir = path.join(PROJECT_ROOT, "bench/results");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${date.replace(/[:.]/g, "-")}${suffix}.json`);
  writeFileSync(file, JSON.stringify(data, null, 2));
  console.log(`results: ${path.relative(PROJECT_ROOT, file)}`);
}
