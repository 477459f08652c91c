// `npm run bench [-- --quick] [--seconds N] [--only <scenario name part>[,<part>…]] [--soak <minutes>] [--no-build]`: builds Gatehouse, starts it in production mode on real Postgres
// and Redis, seeds it, measures this machine's limits, runs every scenario at two concurrency levels, and prints
// a table of ops/s, latency percentiles, errors, server CPU per op, peak RSS and the ratio to each limit. JSON
// goes to bench/results/. Everything runs on 127.0.0.1, for a fixed time, and stops by itself. Any error in a
// scenario makes the run exit 1 (--quick is the CI smoke test: short, same checks, no thresholds). The password
// login also runs against a bare oidc-provider (bench/lib/bare-provider.ts), alternating with Gatehouse's level by
// level; every scenario reports server CPU per op by thread and the Postgres queries and Redis commands per op.
// `--soak <minutes>` runs a bounded mixed load instead of the scenarios and reports memory over time (lib/soak.ts).
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { PROJECT_ROOT } from "../src/lib/paths.ts";
import { build, startServer, BENCH_ALLOCATOR, BENCH_REDIS_URL } from "./lib/server.ts";
import { seed } from "./lib/seed.ts";
import { measureLimits } from "./lib/limits.ts";
import { flowContext, loginFlow } from "./lib/flows.ts";
import { scenarios } from "./lib/scenarios.ts";
import { measureAggregates, seedAuditEvents, type AggregateTiming } from "./lib/analytics.ts";
import { cpuMs, threadCpuMs, threadCpuPerOp, watchPeakRss } from "./lib/proc.ts";
import { compareWithBare, formatTable, type Row } from "./lib/report.ts";
import { startBareServer, type BareServer } from "./lib/bare-server.ts";
import { countsPerOp, readCounters } from "./lib/counters.ts";
import { soak } from "./lib/soak.ts";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    seconds: { type: "string" },
    soak: { type: "string" },
    "no-build": { type: "boolean", default: false },
    only: { type: "string" },
  },
});
const seconds = Number(args.seconds ?? (args.quick ? 1 : 10));
const argon = { memoryCost: 19456, timeCost: 2, parallelism: 1 }; // the production defaults

/**
 * Redis bytes per signed-in session, from MEMORY USAGE of every key: "at rest" is what stays for the session's
 * life (the session, its uid key and clock, the grant with its team and index, the user index, the refresh
 * token); "after login" adds what expires soon after (the used authorization code: 60 s, the access token: 15 min).
 */
async function redisBytesPerSession(prefix: string) {
  const redis = new Redis(BENCH_REDIS_URL);
  const bytes: Record<string, number> = {};
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    for (const key of keys) {
      const kind = key.includes("session-meta:")
        ? "session-meta"
        : `${/\{(\w+):/.exec(key)?.[1] ?? "other"}${key.endsWith("}:team") ? ":team" : ""}`;
      bytes[kind] = (bytes[kind] ?? 0) + (Number(await redis.memory("USAGE", key)) || 0);
    }
  } while (cursor !== "0");
  const sessions = (await redis.keys(`${prefix}oidc:{Session:*`)).length;
  redis.disconnect();
  const sum = (kinds: string[]) => kinds.reduce((n, k) => n + (bytes[k] ?? 0), 0);
  const per = (n: number) => (sessions ? Math.round(n / sessions) : 0);
  return {
    sessions,
    // the user index is shared by a user's sessions (counted here as the bench left it: users signed in more than once share one)
    atRestBytesPerSession: per(sum(["Session", "uid", "session-meta", "Grant", "Grant:team", "grant", "user", "RefreshToken"])),
    afterLoginBytesPerSession: per(sum(Object.keys(bytes))),
    bytesByKind: Object.fromEntries(Object.entries(bytes).map(([k, v]) => [k, per(v)])),
  };
}

async function main() {
  if (!args["no-build"]) build();
  const server = await startServer();
  let bare: BareServer | undefined;
  let failed = false;
  try {
    const seeded = await seed(server.databaseUrl, args.quick ? 200 : 10_000, argon, {
      count: args.quick ? 400 : 2000,
      masterKey: server.env.MASTER_KEY!,
    });
    const ctx = await flowContext(server.baseUrl, server.issuer, seeded);
    const shared = await loginFlow(ctx); // an opaque access token for userinfo and introspection
    ctx.accessToken = shared.access_token;
    if (args.soak) {
      const summary = await soak({
        ctx,
        pid: server.pid,
        baseUrl: server.baseUrl,
        redisPrefix: server.redisPrefix,
        minutes: Number(args.soak),
        sharedAccessToken: shared.access_token,
      });
      const dir = path.join(PROJECT_ROOT, "bench/results");
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}-soak.json`);
      writeFileSync(file, JSON.stringify(summary, null, 2));
      console.log(`results: ${path.relative(PROJECT_ROOT, file)}`);
      if (summary.errors) process.exitCode = 1; // (the servers stop in `finally`)
      return;
    }
    const audit = await seedAuditEvents(server.databaseUrl, args.quick ? 20_000 : 1_000_000);
    console.log(
      `seeded ${seeded.users.length} users, ${audit.events} audit events and ${audit.sessions} sessions (${audit.ms} ms); measuring limits (${seconds} s each)…`,
    );
    const limits = await measureLimits({
      seconds,
      httpConcurrency: 32,
      argon,
      databaseUrl: server.databaseUrl,
      redisUrl: BENCH_REDIS_URL,
      sampleEmail: seeded.users[0]!.email,
    });
    // warm-up: JIT, connection pools, caches
    for (let i = 0; i < (args.quick ? 3 : 20); i++) await loginFlow(ctx);

    const selected = scenarios(ctx, server.databaseUrl).filter(
      (s) => !args.only || args.only.split(",").some((part) => s.name.includes(part)),
    );
    // the bare oidc-provider, only when a scenario needs it: same client, same seeded users, warmed up the same way
    if (selected.some((s) => s.target === "bare")) bare = await startBareServer(server.databaseUrl, seeded.webClient, seeded.machineClient);
    const bareCtx = bare && (await flowContext(bare.baseUrl, bare.issuer, seeded));
    if (bareCtx) {
      bareCtx.accessToken = (await loginFlow(bareCtx)).access_token;
      for (let i = 0; i < (args.quick ? 3 : 20); i++) await loginFlow(bareCtx);
    }
    const targetOf = (s: (typeof selected)[number]) =>
      s.target === "bare"
        ? { pid: bare!.pid, baseUrl: bare!.baseUrl, ctx: bareCtx!, kind: "bare" as const }
        : { pid: server.pid, baseUrl: server.baseUrl, ctx, kind: "gatehouse" as const };
    // each scenario at each level; a group's scenarios alternate level by level (Gatehouse, bare, Gatehouse, bare)
    const runs = selected.flatMap((s) => {
      if (s.group && selected.find((t) => t.group === s.group) !== s) return [];
      const members = s.group ? selected.filter((t) => t.group === s.group) : [s];
      return s.levels.flatMap((concurrency) => members.map((scenario) => ({ scenario, concurrency })));
    });

    const rows: Row[] = [];
    let redisPerSession: Awaited<ReturnType<typeof redisBytesPerSession>> | undefined;
    let aggregates: AggregateTiming[] | undefined;
    for (const [i, { scenario, concurrency }] of runs.entries()) {
      const target = targetOf(scenario);
      const countsBefore = await readCounters(target.kind, target.baseUrl);
      const threadsBefore = threadCpuMs(target.pid);
      const cpuBefore = cpuMs(target.pid);
      const stopRss = watchPeakRss(target.pid);
      const summary = await scenario.run(target.ctx, { concurrency, seconds });
      const cpu = cpuMs(target.pid) - cpuBefore;
      const threads = threadCpuMs(target.pid);
      const countsAfter = await readCounters(target.kind, target.baseUrl);
      const limit = limits[scenario.limit];
      rows.push({
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
      });
      console.log(
        `  ${scenario.name} @${concurrency}: ${summary.opsPerSec} ops/s, p99 ${summary.p99} ms, ${summary.errors} errors${summary.firstError ? ` (${summary.firstError})` : ""}`,
      );
      if (summary.errors || !summary.ops) failed = true;
      const lastRunOfScenario = runs.findLastIndex((r) => r.scenario === scenario) === i;
      if (lastRunOfScenario && scenario.limit === "argon2Verify" && target.kind === "gatehouse" && !redisPerSession)
        redisPerSession = await redisBytesPerSession(server.redisPrefix);
      if (lastRunOfScenario && scenario.limit === "auditSeqCount") aggregates = await measureAggregates(server.databaseUrl);
    }

    if (process.env.BENCH_SHOW_MEMORY) {
      const metrics = await (await fetch(`${server.baseUrl}/metrics`)).text();
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
    const result = {
      date: new Date().toISOString(),
      quick: args.quick,
      secondsPerRun: seconds,
      machine: {
        cpus: os.availableParallelism(),
        model: os.cpus()[0]?.model,
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.versions.node,
        malloc: BENCH_ALLOCATOR,
      },
      limits,
      scenarios: rows,
      vsBare: compareWithBare(rows).map(({ gatehouse: _g, bare: _b, ...v }) => v),
      redis: redisPerSession,
      analytics: aggregates && { auditEvents: audit.events, sessions: audit.sessions, seedMs: audit.ms, aggregates },
    };
    const dir = path.join(PROJECT_ROOT, "bench/results");
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${result.date.replace(/[:.]/g, "-")}${args.quick ? "-quick" : ""}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2));
    console.log(`results: ${path.relative(PROJECT_ROOT, file)}`);
  } finally {
    await bare?.stop();
    await server.stop();
  }
  if (failed) {
    console.error("bench: at least one scenario had errors or completed nothing");
    process.exit(1);
  }
}

await main();
