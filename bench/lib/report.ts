// The printed tables: limits, scenarios, and Gatehouse against the bare oidc-provider.
import type { Counts } from "./counters.ts";
import type { Limits } from "./limits.ts";
import type { ThreadCpu } from "./proc.ts";
import type { Summary } from "./stats.ts";

export type Row = Summary & {
  scenario: string;
  concurrency: number;
  cpuMsPerOp: number;
  peakRssMiB: number;
  peakRssTotalMiB: number;
  limit: keyof Limits;
  limitOpsPerSec: number;
  ratio: number;
  target: "gatehouse" | "bare";
  group?: string;
  /** server CPU ms per op by thread: main (JavaScript), libuv pool (argon2), other (V8 workers: GC, compiler) */
  cpuByThreadMsPerOp: ThreadCpu;
  /** SQL statements and Redis commands the server sent per op (null: not counted) */
  perOp: Counts;
};

/** a group's Gatehouse row against its bare oidc-provider row at the same concurrency */
export type VsBare = {
  group: string;
  concurrency: number;
  gatehouseOpsPerSec: number;
  bareOpsPerSec: number;
  ratio: number;
  gatehouse: Row;
  bare: Row;
};

export function compareWithBare(rows: Row[]): VsBare[] {
  return rows
    .filter((r) => r.target === "gatehouse" && r.group)
    .flatMap((g) => {
      const b = rows.find((r) => r.target === "bare" && r.group === g.group && r.concurrency === g.concurrency);
      return b
        ? [
            {
              group: g.group!,
              concurrency: g.concurrency,
              gatehouseOpsPerSec: g.opsPerSec,
              bareOpsPerSec: b.opsPerSec,
              ratio: b.opsPerSec ? Math.round((g.opsPerSec / b.opsPerSec) * 100) / 100 : 0,
              gatehouse: g,
              bare: b,
            },
          ]
        : [];
    });
}

const cpuSplit = (c: ThreadCpu) => `${c.main} / ${c.pool} / ${c.other}`;
const count = (n: number | null) => (n === null ? "-" : n);

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
  const limitTable = table(
    ["limit", "ops/s", "concurrency"],
    Object.entries(limits).map(([k, v]) => [LIMIT_NAMES[k as keyof Limits], v.opsPerSec, v.concurrency]),
  );
  const scenarioTable = table(
    [
      "scenario",
      "conc",
      "ops/s",
      "p50 ms",
      "p95 ms",
      "p99 ms",
      "errors",
      "server CPU ms/op",
      "peak RSS MiB (process / all)",
      "limit",
      "ratio",
      "CPU ms/op main / pool / other",
      "PG queries/op",
      "Redis cmds/op",
    ],
    rows.map((r) => [
      r.scenario,
      r.concurrency,
      r.opsPerSec,
      r.p50,
      r.p95,
      r.p99,
      r.errors,
      r.cpuMsPerOp,
      `${r.peakRssMiB} / ${r.peakRssTotalMiB}`,
      LIMIT_NAMES[r.limit],
      r.ratio,
      cpuSplit(r.cpuByThreadMsPerOp),
      count(r.perOp.pgQueries),
      count(r.perOp.redisCommands),
    ]),
  );
  const vs = compareWithBare(rows);
  const vsTable = vs.length
    ? `\n\n${table(
        [
          "Gatehouse vs bare oidc-provider",
          "conc",
          "Gatehouse ops/s",
          "bare ops/s",
          "Gatehouse ÷ bare",
          "CPU ms/op main / pool / other: Gatehouse",
          "bare",
          "Redis cmds/op: Gatehouse",
          "bare",
          "PG queries/op: Gatehouse",
        ],
        vs.map((v) => [
          v.group,
          v.concurrency,
          v.gatehouseOpsPerSec,
          v.bareOpsPerSec,
          v.ratio,
          cpuSplit(v.gatehouse.cpuByThreadMsPerOp),
          cpuSplit(v.bare.cpuByThreadMsPerOp),
          count(v.gatehouse.perOp.redisCommands),
          count(v.bare.perOp.redisCommands),
          count(v.gatehouse.perOp.pgQueries),
        ]),
      )}`
    : "";
  return `${limitTable}\n\n${scenarioTable}${vsTable}`;
}
