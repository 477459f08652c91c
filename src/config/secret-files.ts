// `NAME_FILE` for every secret setting: the value is read from that file (a mounted Kubernetes or Docker secret)
// instead of the environment, so secrets need not sit in the process environment or a compose file. The file's
// trailing line break is dropped. Setting both NAME and NAME_FILE, or a file that cannot be read, is a clear
// configuration error.
import { readFileSync } from "node:fs";

/** the settings that may come from a file (each holds a secret, or a URL that may carry a password) */
export const SECRET_SETTINGS = ["MASTER_KEY", "COOKIE_KEYS", "DATABASE_URL", "REDIS_URL", "SMTP_URL", "ADMIN_PASSWORD"] as const;

type Env = Record<string, string | undefined>;

/** env with each NAME_FILE read into NAME; the problems found (empty when none) */
export function readSecretFiles(env: Env): { env: Env; problems: string[] } {
  const out: Env = { ...env };
  const problems: string[] = [];
  for (const name of SECRET_SETTINGS) {
    const file = env[`${name}_FILE`];
    if (!file) continue;
    if (env[name]) {
      problems.push(`${name}_FILE: ${name} is set as well; set one of them`);
      continue;
    }
    try {
      out[name] = readFileSync(file, "utf8").replace(/\r?\n$/, "");
    } catch (err) {
      problems.push(`${name}_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  return { env: out, problems };
}
