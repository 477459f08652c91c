// examples/nextjs-authjs for its test: installs the example's own dependencies (its package-lock.json, `npm ci`)
// and builds it (`next build`) when they are missing or stale, then runs `next start` on a loopback port. The
// example keeps its dependencies out of the root install; this is what brings them, so a fresh clone's `npm test`
// works wherever the npm registry answers (as on every machine of this project's kind). When it does not, the test
// fails with the command to run: a skipped example test would let the example break unseen.
// Installing and building happen under one flock (several test runs may share the work tree); each is redone
// only when the lockfile or the example's sources changed since the last time (stamp files).
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";

export const EXAMPLE_DIR = path.resolve(import.meta.dirname, "../../examples/nextjs-authjs");
const LOCK = "/tmp/gatehouse-example-nextjs-authjs.lock";
const NEXT_BIN = "node_modules/next/dist/bin/next";
const BY_HAND = `cd examples/nextjs-authjs && npm ci && NODE_ENV=production npx next build`;

// Runs under the lock in EXAMPLE_DIR. $NODE is the node running the tests. Exit 3: npm ci failed, 4: the build.
const PREPARE = `
set -u
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -x ${NEXT_BIN} ] || [ "$(cat node_modules/.gatehouse-lock-hash 2>/dev/null)" != "$lock_hash" ]; then
  echo "examples/nextjs-authjs: installing its dependencies (npm ci)"
  npm ci --no-audit --no-fund --fetch-retries=1 --fetch-timeout=60000 || exit 3
  echo "$lock_hash" > node_modules/.gatehouse-lock-hash
fi
source_hash=$(find app auth.js next.config.mjs package-lock.json -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1)
if [ ! -f .next/BUILD_ID ] || [ "$(cat .next/.gatehouse-source-hash 2>/dev/null)" != "$source_hash" ]; then
  echo "examples/nextjs-authjs: building it (next build)"
  "$NODE" ${NEXT_BIN} build || exit 4
  echo "$source_hash" > .next/.gatehouse-source-hash
fi
`;

/** the example's environment for npm, next build and next start: production mode, no telemetry calls home */
function exampleEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...extra };
  // vitest's own variables mean nothing to Next.js
  for (const key of Object.keys(env)) if (key.startsWith("VITEST")) delete env[key];
  return env;
}

/** installs and builds the example when needed; throws with the command to run by hand when that fails */
export async function prepareNextjsExample(): Promise<void> {
  // a child process, not execFileSync: the first build takes a minute, and the test worker must keep answering
  const child = spawn("flock", [LOCK, "sh", "-c", PREPARE], {
    cwd: EXAMPLE_DIR,
    env: exampleEnv({ NODE: process.execPath }),
    stdio: ["ignore", "inherit", "inherit"],
  });
  const status = await new Promise<number | string>((resolve) => {
    child.once("error", (err) => resolve(err.message));
    child.once("exit", (code, signal) => resolve(code ?? String(signal)));
  });
  if (status === 0) return;
  const what =
    status === 3
      ? "`npm ci` in examples/nextjs-authjs failed (is the npm registry reachable?)"
      : status === 4
        ? "`next build` of examples/nextjs-authjs failed"
        : `preparing examples/nextjs-authjs failed (${status})`;
  throw new Error(`${what}; see the output above. By hand: \`${BY_HAND}\`, then run the test again.`);
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

export type RunningExample = { url: string; output: () => string; stop: () => Promise<void> };

/** `next start` on 127.0.0.1:<free port> (as http://localhost:<port>) with the environment `env` gives for its URL; resolves once it answers GET / */
export async function startNextjsExample(env: (url: string) => Promise<Record<string, string>>): Promise<RunningExample> {
  const port = await freePort();
  // localhost, not 127.0.0.1: Next.js turns 127.0.0.1 into localhost in the request URLs Auth.js sees, and the
  // redirect URI of the token request must be the one of the authorization request
  const url = `http://localhost:${port}`;
  const appEnv = exampleEnv(await env(url));
  let output = "";
  // its own process group: next start may run the server in a child, and stop() ends them together
  const child: ChildProcess = spawn(process.execPath, [NEXT_BIN, "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: EXAMPLE_DIR,
    env: appEnv,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stdout!.on("data", (c: Buffer) => {
    output += c.toString();
  });
  child.stderr!.on("data", (c: Buffer) => {
    output += c.toString();
  });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        /* already gone */
      }
      await exited;
    }
  };
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`next start exited (${child.exitCode ?? child.signalCode}):\n${output}`);
    const answered = await fetch(`${url}/`, { redirect: "manual" }).then(
      (r) => r.status,
      () => 0,
    );
    if (answered === 200) break;
    if (answered !== 0) {
      await stop();
      throw new Error(`the example answered GET / with ${answered}:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, output: () => output, stop };
}
