// What CLI commands run against: config, the database (migrated) and the services; no Redis, no provider.
import { loadConfig, ConfigError } from "../config/load.ts";
import { openDatabase, type Database } from "../db/postgres.ts";
import { createQueries } from "../queries/index.ts";
import { createServices, type Services } from "../context.ts";
import { systemClock } from "../lib/clock.ts";
import type { Config } from "../config/load.ts";

export type CliContext = { config: Config; db: Database; services: Services; close(): Promise<void> };

export async function withCliContext<T>(fn: (cli: CliContext) => Promise<T>, env: NodeJS.ProcessEnv = process.env): Promise<T> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message);
    throw err;
  }
  const db = await openDatabase({ url: config.database.url, dataDir: config.dataDir, poolSize: 2 });
  const services = createServices(config, createQueries(db.prisma), systemClock);
  try {
    return await fn({ config, db, services, close: () => db.close() });
  } finally {
    await db.close();
  }
}

/** an error whose message is meant for the operator (printed without a stack) */
export class CliError extends Error {}
