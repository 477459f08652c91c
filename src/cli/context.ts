// What CLI commands run against: config, the database (migrated), Redis and the services; no provider.
import { loadConfig, ConfigError } from "../config/load.ts";
import { openDatabase, type Database } from "../db/postgres.ts";
import { openRedis } from "../db/redis.ts";
import { createQueries } from "../queries/index.ts";
import { createServices, type Services } from "../context.ts";
import { systemClock } from "../lib/clock.ts";
import { createRedisClock } from "../lib/redis-clock.ts";
import type { Config } from "../config/load.ts";
import { createLogger } from "../lib/logger.ts";
import { createMailer } from "../services/mail/mailer.ts";
import { createViews } from "../http/views.ts";

export type CliContext = { config: Config; db: Database; services: Services; embeddedRedis: boolean };

export async function withCliContext<T>(fn: (cli: CliContext) => Promise<T>, env: NodeJS.ProcessEnv = process.env): Promise<T> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message);
    throw err;
  }
  const db = await openDatabase({ url: config.database.url, dataDir: config.dataDir, poolSize: 2 });
  const redis = await openRedis(config.redis).catch(async (err: unknown) => { await db.close(); throw err; });
  const log = createLogger(config.logLevel);
  const mailer = createMailer({ smtpUrl: config.mail.smtpUrl, from: config.mail.from, render: createViews({ cache: true }).render, log });
  const clock = redis.embedded ? systemClock
    : await createRedisClock(redis.redis, { log, refreshMs: 0 }).catch(async (err: unknown) => { await redis.close(); await db.close(); throw err; });
  const services = createServices(config, createQueries(db.prisma, db.sql), redis.redis, clock, mailer, log);
  try {
    return await fn({ config, db, services, embeddedRedis: redis.embedded });
  } finally {
    await mailer.idle();
    await redis.close();
    await db.close();
  }
}

/** an error whose message is meant for the operator (printed without a stack) */
export class CliError extends Error {}
