// Runs the `gatehouse` CLI as a real process (`npm run -s gatehouse -- …`) against a test app: the environment
// that points it at the app's Postgres and Redis with the app's secrets and issuer, and a runner that resolves
// with the exit code and the output.
import { spawn } from "node:child_process";
import path from "node:path";
import type { TestApp } from "./test-app.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** what one run of the CLI gave */
export type CliRun = { code: number; stdout: string; stderr: string };
/** runs `gatehouse …args` */
export type CliRunner = (...args: string[]) => Promise<CliRun>;

/** the environment of a CLI process working on `t`'s database and Redis, with `t`'s secrets and issuer; `extra` added last */
export function cliEnv(t: TestApp, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: t.config.database.url!,
    REDIS_URL: t.config.redis.url!,
    REDIS_KEY_PREFIX: t.config.redis.keyPrefix,
    MASTER_KEY: t.config.secrets.masterKey.toString("base64"),
    COOKIE_KEYS: t.config.secrets.cookieKeys.join(","),
    ISSUER: t.url,
    ...extra,
  };
}

export type CliOptions = {
  /** written to the process's standard input, which is then closed (closed at once when absent) */
  input?: string;
  /** reject on a non-zero exit with an Error carrying `code`, `stdout` and `stderr` (by default never rejects) */
  check?: boolean;
};

/** runs `gatehouse …args` with `env`; resolves with its exit code and output (never rejects on a non-zero exit unless `check`) */
export function runGatehouse(env: NodeJS.ProcessEnv, args: string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "-s", "gatehouse", "--", ...args], { cwd: ROOT, env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    child.on("error", reject);
    child.stdin.on("error", () => {}); // a process that exits without reading its input
    child.on("close", (code) => {
      const run = { code: code ?? 1, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
      if (options.check && run.code !== 0) {
        reject(Object.assign(new Error(`gatehouse ${args.join(" ")} exited with ${run.code}\n${run.stderr}`), run));
      } else {
        resolve(run);
      }
    });
    child.stdin.end(options.input ?? "");
  });
}

/** a runner of `gatehouse …args` against `t` (environment `cliEnv(t, env)`), every run with `options` */
export function gatehouseCli(t: TestApp, { env, ...options }: CliOptions & { env?: NodeJS.ProcessEnv } = {}): CliRunner {
  const processEnv = cliEnv(t, env);
  return (...args) => runGatehouse(processEnv, args, options);
}
