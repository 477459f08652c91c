// `npm run bench [-- --quick] [--seconds N] [--only <scenario name part>[,<part>…]] [--soak <minutes>] [--no-build]`: builds Gatehouse, starts it in production mode on real Postgres
// and Redis, seeds it, measures this machine's limits, runs every scenario at two concurrency levels, and prints
// a table of ops/s, latency percentiles, errors, server CPU per op, peak RSS and the ratio to each limit. JSON
// goes to bench/results/. Everything runs on 127.0.0.1, for a fixed time, and stops by itself. Any error in a
// scenario makes the run exit 1 (--quick is the CI smoke test: short, same checks, no thresholds). The password
// login also runs against a bare oidc-provider (bench/lib/bare-provider.ts), alternating with Gatehouse's level by
// level; every scenario reports server CPU per op by thread and the Postgres queries and Redis commands per op.
// `--soak <minutes>` runs a bounded mixed load instead of the scenarios and reports memory over time (lib/soak.ts).
import { parseArgs } from "node:util";
import { build, startServer, BENCH_REDIS_URL, type BenchServer } from "./lib/server.ts";
import { seed, type Seeded } from "./lib/seed.ts";
import { measureLimits } from "./lib/limits.ts";
import { flowContext, loginFlow, type FlowContext } from "./lib/flows.ts";
import { scenarios } from "./lib/scenarios.ts";
import { seedAuditEvents } from "./lib/analytics.ts";
import type { BareServer } from "./lib/bare-server.ts";
import { startTargets } from "./lib/targets.ts";
import { planRuns, runScenarios } from "./lib/run-scenarios.ts";
import { printReport, resultsJson, writeResults } from "./lib/results.ts";
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
/** sign-ins before measuring, on each server: JIT, connection pools, caches */
const warmUpLogins = args.quick ? 3 : 20;

async function main() {
  if (!args["no-build"]) build();
  const server = await startServer();
  const running: { bare?: BareServer } = {};
  let failed: boolean;
  try {
    const seeded = await seed(server.databaseUrl, args.quick ? 200 : 10_000, argon, {
      count: args.quick ? 400 : 2000,
      masterKey: server.env.MASTER_KEY!,
    });
    const ctx = await flowContext(server.baseUrl, server.issuer, seeded);
    const shared = await loginFlow(ctx); // an opaque access token for userinfo and introspection
    ctx.accessToken = shared.access_token;
    if (args.soak) return await soakRun(server, ctx, shared.access_token); // (the servers stop in `finally`)
    failed = await scenarioRun(server, seeded, ctx, running);
  } finally {
    await running.bare?.stop();
    await server.stop();
  }
  if (failed) {
    console.error("bench: at least one scenario had errors or completed nothing");
    process.exit(1);
  }
}

/** `--soak <minutes>`: the bounded mixed load instead of the scenarios; an error fails the run */
async function soakRun(server: BenchServer, ctx: FlowContext, sharedAccessToken: string): Promise<void> {
  const summary = await soak({
    ctx,
    pid: server.pid,
    baseUrl: server.baseUrl,
    redisPrefix: server.redisPrefix,
    minutes: Number(args.soak),
    sharedAccessToken,
  });
  writeResults(new Date().toISOString(), "-soak", summary);
  if (summary.errors) process.exitCode = 1;
}

/** this machine's limits, then every selected scenario at its levels, the report and its JSON; true when a run failed */
async function scenarioRun(server: BenchServer, seeded: Seeded, ctx: FlowContext, running: { bare?: BareServer }): Promise<boolean> {
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
  for (let i = 0; i < warmUpLogins; i++) await loginFlow(ctx);

  const selected = scenarios(ctx, server.databaseUrl).filter(
    (s) => !args.only || args.only.split(",").some((part) => s.name.includes(part)),
  );
  const targetOf = await startTargets({ selected, server, ctx, seeded, warmUpLogins, running });
  const results = await runScenarios(planRuns(selected), {
    targetOf,
    limits,
    seconds,
    redisPrefix: server.redisPrefix,
    databaseUrl: server.databaseUrl,
  });
  await printReport(server.baseUrl, limits, audit, results);
  const json = resultsJson({ quick: args.quick, seconds, limits, audit, results });
  writeResults(json.date, args.quick ? "-quick" : "", json);
  return results.failed;
}

await main();
