// What CLI commands run against: config, the database (migrated), Redis and the services; no provider.
import { loadConfig, ConfigError } from "../config/load.ts";
import { openDatabase, type Database } from "../db/postgres.ts";
import { openRedis } from "../db/redis.ts";
import { createQueries } from "../queries/index.ts";
import { createServices, type Services } from "../wiring/services.ts";
import { createDelivery } from "../services/outbox/delivery.ts";
import { systemClock } from "../lib/clock.ts";
import { createRedisClock } from "../lib/redis-clock.ts";
import type { Config } from "../config/load.ts";
import { createLogger } from "../lib/logger.ts";
import { createViews } from "../lib/views.ts";
import { createBrandStore } from "../services/branding.ts";

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
  const redis = await openRedis(config.redis).catch(async (err: unknown) => {
    await db.close();
    throw err;
  });
  const log = createLogger(config.logLevel);
  const clock = redis.embedded
    ? systemClock
    : await createRedisClock(redis.redis, { log, refreshMs: 0 }).catch(async (err: unknown) => {
        await redis.close();
        await db.close();
        throw err;
      });
  const queries = createQueries(db.prisma, db.sql);
  // emails and back-channel logouts are queued in the outbox; the running server sends them (this process has no worker)
  const brand = createBrandStore({ queries: queries.branding, defaults: config.brand, issuer: config.issuer, clock, log });
  const delivery = createDelivery(
    config,
    queries.outbox,
    clock,
    log,
    createViews({ cache: true, brand: brand.current }).render,
    undefined,
    async () => (await brand.current()).name,
  );
  const services = createServices(config, queries, redis.redis, clock, delivery, log, undefined, brand);
  try {
    return await fn({ config, db, services, embeddedRedis: redis.embedded });
  } finally {
    await services.backchannelLogouts.settled();
    await redis.close();
    await db.close();
  }
}

/** an error whose message is meant for the operator (printed without a stack) */
export class CliError extends Error {}
