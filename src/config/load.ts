// Reads and validates every setting at start; a bad or missing value stops the process with a clear message.
// The Config type is in types.ts, the checks across settings in problems.ts, the object's parts in sections.ts.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { z } from "zod";
import { settings } from "./schema.ts";
import { readSecretFiles } from "./secret-files.ts";
import { settingsProblems } from "./problems.ts";
import { accountPart, limitsPart, processPart, reachPart, signInPart, workPart } from "./sections.ts";
import type { Config, Env, Parsed } from "./types.ts";

export type { Config } from "./types.ts";

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

function parseSettings(env: Env): Parsed {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, { schema, doc }] of Object.entries(settings)) {
    const raw = env[name] === "" ? undefined : env[name];
    const result = (schema as z.ZodType).safeParse(raw);
    if (result.success) out[name] = result.data;
    else problems.push(`${name}: ${result.error.issues.map((i) => i.message).join("; ")} (${doc})`);
  }
  if (problems.length) throw new ConfigError(problems);
  return out as Parsed;
}

/** Development secrets: generated once into DATA_DIR/secrets.json, reused on every start. */
function developmentSecrets(dataDir: string): { cookieKeys: string[]; masterKey: string; file: string } {
  const file = path.join(dataDir, "secrets.json");
  if (existsSync(file)) return { ...JSON.parse(readFileSync(file, "utf8")), file };
  const secrets = { cookieKeys: [randomBytes(32).toString("base64url")], masterKey: randomBytes(32).toString("base64") };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return { ...secrets, file };
}

export function decodeMasterKey(value: string): Buffer {
  const key = Buffer.from(value.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  if (key.length !== 32) throw new ConfigError([`MASTER_KEY: must decode to 32 bytes, got ${key.length}`]);
  return key;
}

/** COOKIE_KEYS and MASTER_KEY as set, or (outside production, where they are required) the development ones */
function secretsOf(s: Parsed, dataDir: string): Config["secrets"] {
  let cookieKeys = s.COOKIE_KEYS;
  let masterKey = s.MASTER_KEY;
  let generatedIn: string | undefined;
  if (!cookieKeys.length || !masterKey) {
    const dev = developmentSecrets(dataDir);
    cookieKeys = cookieKeys.length ? cookieKeys : dev.cookieKeys;
    masterKey = masterKey ?? dev.masterKey;
    generatedIn = dev.file;
  }
  return { cookieKeys, masterKey: decodeMasterKey(masterKey), generatedIn };
}

export function loadConfig(given: Env = process.env): Config {
  const { env, problems: fileProblems } = readSecretFiles(given);
  if (fileProblems.length) throw new ConfigError(fileProblems);
  const s = parseSettings(env);
  const isProduction = s.NODE_ENV === "production";
  const workers = s.WORKERS === "auto" ? os.availableParallelism() : s.WORKERS;
  const issuer = (s.ISSUER ?? `http://localhost:${s.PORT}`).replace(/\/+$/, "");
  const resourceServers = s.RESOURCE_SERVERS.length ? s.RESOURCE_SERVERS : [`${issuer}/api`];
  const problems = settingsProblems(s, { isProduction, workers, resourceServers });
  if (problems.length) throw new ConfigError(problems);

  // the secrets only once the settings are sound: a refused start writes no development secrets
  const dataDir = path.resolve(s.DATA_DIR);
  const derived = { isProduction, workers, issuer, dataDir, secrets: secretsOf(s, dataDir), resourceServers };
  return {
    ...processPart(s, derived),
    ...signInPart(s),
    ...reachPart(s, derived),
    ...workPart(s, issuer),
    ...accountPart(s, issuer),
    ...limitsPart(s),
  };
}
