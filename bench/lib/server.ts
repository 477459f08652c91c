// Starts the real server for the benchmark: the compiled build, production mode, real Postgres (a fresh
// database) and Redis (a fresh key prefix), behind a pretend TLS proxy (TRUST_PROXY + X-Forwarded-Proto).
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { PROJECT_ROOT } from "../../src/lib/paths.ts";
import { createTestDatabase, deleteRedisPrefix, freePort, testRedisPrefix } from "../../test/helpers/databases.ts";
import { startSmtpSink } from "../../test/helpers/smtp-sink.ts";

export const BENCH_PG_ADMIN_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
export const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
export const BENCH_RESOURCE = "https://api.bench.test";
/** Debian's jemalloc, which the Docker image preloads (the bench runs with glibc's malloc where it is missing) */
const JEMALLOC = [
  "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2",
  "/usr/lib/aarch64-linux-gnu/libjemalloc.so.2",
  "/usr/local/lib/libjemalloc.so.2",
].find((p) => existsSync(p));
/** which malloc the servers run with, for the report */
export const BENCH_ALLOCATOR = JEMALLOC ? "jemalloc" : "glibc";
/**
 * as in the Dockerfile: cheaper async context on Node 22 (Node 24's default), the old generation collected once it
 * grew by half (not up to 4x under load), jemalloc returning freed memory
 * after a second, and (for glibc's malloc, when jemalloc is missing) fewer arenas and a fixed trim threshold
 * (RSS; docs/performance.md)
 */
export const PRODUCTION_NODE_ARGS = ["--experimental-async-context-frame", "--heap-growing-percent=50"];
export const PRODUCTION_RUNTIME_ENV: Record<string, string> = {
  MALLOC_ARENA_MAX: "2",
  MALLOC_TRIM_THRESHOLD_: "131072",
  ...(JEMALLOC ? { LD_PRELOAD: JEMALLOC, MALLOC_CONF: "background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0" } : {}),
};

export type BenchServer = {
  pid: number;
  /** where the load generator connects (plain HTTP) */
  baseUrl: string;
  /** the issuer the server believes it is (https, as behind a TLS proxy) */
  issuer: string;
  env: Record<string, string>;
  databaseUrl: string;
  redisPrefix: string;
  stop(): Promise<void>;
};

export function build(): void {
  execFileSync("npm", ["run", "-s", "build"], { cwd: PROJECT_ROOT, stdio: "inherit" });
}

/**
 * where the server keeps its Redis keys: by default a fresh prefix on the shared database; `redis-bytes.ts` passes
 * the product's default prefix on a Redis database of its own instead, since a key's name is part of its bytes
 */
export type BenchRedis = { url: string; prefix: string };

/**
 * how the server's process starts, besides the environment's BENCH_SERVER_ENTRY and BENCH_NODE_ARGS: another
 * build's main.js (`cpu-ab.ts` starts two builds side by side) and Node flags added to the others
 */
export type BenchLaunch = { entry?: string; nodeArgs?: string[] };

export async function startServer(
  redis: BenchRedis = { url: BENCH_REDIS_URL, prefix: testRedisPrefix("ghbench") },
  launch: BenchLaunch = {},
): Promise<BenchServer> {
  const database = await createTestDatabase(BENCH_PG_ADMIN_URL, "gh_bench");
  const mail = await startSmtpSink(); // production requires SMTP; lockout notices from the rejected-login runs land here
  const port = await freePort();
  const redisPrefix = redis.prefix;
  const env = {
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(port),
    ISSUER: `https://127.0.0.1:${port}`,
    TRUST_PROXY: "true",
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: "10",
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: redisPrefix,
    COOKIE_KEYS: randomBytes(32).toString("base64url"),
    MASTER_KEY: randomBytes(32).toString("base64"),
    RESOURCE_SERVERS: BENCH_RESOURCE,
    SMTP_URL: mail.url,
    // the whole load comes from one address; the per-IP sign-in limit would (rightly) stop it
    RATE_LIMIT_LOGIN_PER_IP: "1000000",
    RATE_LIMIT_CODE_PER_IP: "1000000",
    // every simulated login is a fresh browser: with device approval each would wait for an emailed code
    DEVICE_APPROVAL: "off",
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "info",
    // SQL statements and Redis commands counted on /metrics (src/db/bench-counters.ts)
    GATEHOUSE_BENCH_COUNTERS: "1",
  };
  const node = path.join(PROJECT_ROOT, "node_modules/.bin/node");
  // the production runtime of the Dockerfile (see docs/performance.md); BENCH_NODE_ARGS adds flags, e.g.
  // "--cpu-prof --cpu-prof-dir=/tmp/prof", and BENCH_SERVER_ENV settings, e.g. "WORKERS=2 ARGON2_MAX_CONCURRENCY=2"
  const nodeArgs = [...PRODUCTION_NODE_ARGS, ...(process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean), ...(launch.nodeArgs ?? [])];
  const extraEnv = Object.fromEntries(
    (process.env.BENCH_SERVER_ENV ?? "")
      .split(" ")
      .filter(Boolean)
      .map((kv) => kv.split("=") as [string, string]),
  );
  // BENCH_SERVER_ENTRY: another build's main.js (inside the project, e.g. a copy of dist from before a change) for A/B runs
  const entry = launch.entry ?? process.env.BENCH_SERVER_ENTRY ?? "dist/src/main.js";
  const child: ChildProcess = spawn(node, [...nodeArgs, entry], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...PRODUCTION_RUNTIME_ENV, ...env, ...extraEnv },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const cleanUp = async () => {
    await database.drop();
    await deleteRedisPrefix(redisPrefix, redis.url);
    await mail.close();
  };
  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
      if (
        await fetch(`${baseUrl}/readyz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > 300) throw new Error("server not ready after 30 s");
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    child.kill("SIGKILL");
    await cleanUp();
    throw err;
  }
  return {
    pid: child.pid!,
    baseUrl,
    issuer: env.ISSUER,
    env,
    databaseUrl: env.DATABASE_URL,
    redisPrefix,
    async stop() {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
      await cleanUp();
    },
  };
}
