// The printed table.
import type { Limits } from "./limits.ts";
import type { Summary } from "./stats.ts";

export type Row = Summary & { scenario: string; concurrency: number; cpuMsPerOp: number; peakRssMiB: number; peakRssTotalMiB: number; limit: keyof Limits; limitOpsPerSec: number; ratio: number };

const LIMIT_NAMES: Record<keyof Limits, string> = {
  argon2Verify: "argon2id verify (2 in flight)",
  es256Sign: "jose ES256 sign",
  redisGet: "Redis GET",
  postgresLookup: "Postgres lookup by email",
  bareHttp: "bare Node HTTP, same driver",
  auditSeqCount: "seq count(*) of audit_events",
};

function table(headers: string[], rows: (string | number)[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells: (string | number)[]) => `| ${cells.map((c, i) => String(c).padEnd(widths[i]!)).join(" | ")} |`;
  return [line(headers), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

export function formatTable(rows: Row[], limits: Limits): string {
  const limitTable = table(["limit", "ops/s", "concurrency"], Object.entries(limits).map(([k, v]) => [LIMIT_NAMES[k as keyof Limits], v.opsPerSec, v.concurrency]));
  const scenarioTable = table(
    ["scenario", "conc", "ops/s", "p50 ms", "p95 ms", "p99 ms", "errors", "server CPU ms/op", "peak RSS MiB (process / all)", "limit", "ratio"],
    rows.map((r) => [r.scenario, r.concurrency, r.opsPerSec, r.p50, r.p95, r.p99, r.errors, r.cpuMsPerOp, `${r.peakRssMiB} / ${r.peakRssTotalMiB}`, LIMIT_NAMES[r.limit], r.ratio]),
  );
  return `${limitTable}\n\n${scenarioTable}`;
}
