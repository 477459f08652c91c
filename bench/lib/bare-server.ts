// Starts the bare oidc-provider (bench/lib/bare-provider.ts) in its own process with the Gatehouse bench server's
// runtime (production, the same Node flags and malloc setting), on the bench's Redis under its own key prefix,
// serving the bench's web and service clients (same ids and secrets) to the bench's seeded users.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { PROJECT_ROOT } from "../../src/lib/paths.ts";
import { deleteRedisPrefix, freePort, testRedisPrefix } from "../../test/helpers/databases.ts";
import { BENCH_REDIS_URL, BENCH_RESOURCE, PRODUCTION_NODE_ARGS, PRODUCTION_RUNTIME_ENV } from "./server.ts";
import { BENCH_REDIRECT } from "./seed.ts";

export type BareServer = { pid: number; baseUrl: string; issuer: string; stop(): Promise<void> };

/** how the bare provider's process starts: more Node flags (e.g. --inspect), and Gatehouse features it gets (bare-provider.ts) */
export type BareLaunch = { nodeArgs?: string[]; features?: string[] };

export async function startBareServer(
  databaseUrl: string,
  client: { id: string; secret: string },
  machine: { id: string; secret: string },
  launch: BareLaunch = {},
): Promise<BareServer> {
  const port = await freePort();
  const redisPrefix = testRedisPrefix("ghbench-bare");
  const env = {
    NODE_ENV: "production",
    PORT: String(port),
    ISSUER: `https://127.0.0.1:${port}`,
    DATABASE_URL: databaseUrl,
    REDIS_URL: BENCH_REDIS_URL,
    REDIS_KEY_PREFIX: redisPrefix,
    CLIENT_ID: client.id,
    CLIENT_SECRET: client.secret,
    REDIRECT_URI: BENCH_REDIRECT,
    MACHINE_CLIENT_ID: machine.id,
    MACHINE_CLIENT_SECRET: machine.secret,
    RESOURCE: BENCH_RESOURCE,
    // the launch's features, else the environment's BENCH_BARE_FEATURES (the whole bench's bare provider)
    ...(launch.features ? { BENCH_BARE_FEATURES: launch.features.join(",") } : {}),
  };
  const node = path.join(PROJECT_ROOT, "node_modules/.bin/node");
  // Node 22.18+ runs the TypeScript file itself (type stripping): no loader in the measured process
  const child: ChildProcess = spawn(
    node,
    [...PRODUCTION_NODE_ARGS, ...(launch.nodeArgs ?? []), "--disable-warning=ExperimentalWarning", "bench/lib/bare-provider.ts"],
    { cwd: PROJECT_ROOT, env: { ...process.env, ...PRODUCTION_RUNTIME_ENV, ...env }, stdio: ["ignore", "ignore", "inherit"] },
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`bare provider exited with ${child.exitCode}`);
      if (
        await fetch(`${baseUrl}/__counters`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > 300) throw new Error("bare provider not ready after 30 s");
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    child.kill("SIGKILL");
    await deleteRedisPrefix(redisPrefix, BENCH_REDIS_URL);
    throw err;
  }
  return {
    pid: child.pid!,
    baseUrl,
    issuer: env.ISSUER,
    async stop() {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
      await deleteRedisPrefix(redisPrefix, BENCH_REDIS_URL);
    },
  };
}
