// What every group of services is built from (wiring/services.ts): the loaded config, the queries, Redis, the
// app clock, the outbox's delivery (the mailer and the queue), the logger and the source of random codes.
import type { Config } from "../config/load.ts";
import type { RedisClient } from "../db/redis.ts";
import type { Clock } from "../lib/clock.ts";
import type { RandomSource } from "../lib/crypto.ts";
import type { Logger } from "../lib/logger.ts";
import type { Queries } from "../queries/index.ts";
import type { Delivery } from "../services/outbox/delivery.ts";
import type { BrandStore } from "../services/branding.ts";

export type ServiceInputs = {
  config: Config;
  queries: Queries;
  redis: RedisClient;
  clock: Clock;
  delivery: Delivery;
  log: Logger;
  random: RandomSource;
  brand: BrandStore;
};
