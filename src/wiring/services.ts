// The services, built from config, queries and Redis (createContext and the CLI): in groups that only look back
// at the ones before them (core -> teams -> sign-in -> accounts -> operations), each in its own file here, so
// nothing is built lazily and no group reaches for the whole bag. `Services` is what pages, API, CLI and the
// sign-in flow are handed.
import type { Config } from "../config/load.ts";
import type { RedisClient } from "../db/redis.ts";
import type { Clock } from "../lib/clock.ts";
import { cryptoRandom, type RandomSource } from "../lib/crypto.ts";
import type { Logger } from "../lib/logger.ts";
import type { Queries } from "../queries/index.ts";
import type { Delivery } from "../services/outbox/delivery.ts";
import { createUserAdmin, type UserAdmin } from "../services/user-admin.ts";
import { createAccountServices, type AccountServices } from "./account-services.ts";
import { createCoreServices, type CoreServices } from "./core-services.ts";
import { createOperationServices, type OperationServices } from "./operation-services.ts";
import { createSignInServices, type SignInServices } from "./sign-in-services.ts";
import { createTeamServices, type TeamServices } from "./team-services.ts";
import type { ServiceInputs } from "./inputs.ts";
import { createBrandStore, type BrandStore } from "../services/branding.ts";

export type Services = CoreServices &
  TeamServices &
  SignInServices &
  AccountServices &
  OperationServices & {
    /** provider admins' user search, details and actions, and CSV import (user-admin.ts) */
    userAdmin: UserAdmin;
  };

export function createServices(
  config: Config,
  queries: Queries,
  redis: RedisClient,
  clock: Clock,
  delivery: Delivery,
  log: Logger,
  random: RandomSource = cryptoRandom,
  brand?: BrandStore,
): Services {
  // the brand store is built before the views when the caller renders pages or emails with it (context.ts)
  brand ??= createBrandStore({ queries: queries.branding, defaults: config.brand, issuer: config.issuer, clock, log });
  const inputs: ServiceInputs = { config, queries, redis, clock, delivery, log, random, brand };
  const core = createCoreServices(inputs);
  const teams = createTeamServices(inputs, core);
  const signIn = createSignInServices(inputs, core);
  const accounts = createAccountServices(inputs, core, teams, signIn);
  const built = { ...core, ...teams, ...signIn, ...accounts, ...createOperationServices(inputs, core, accounts) };
  return { ...built, userAdmin: createUserAdmin({ queries, clock, services: built }) };
}
