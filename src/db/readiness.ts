// Readiness: Postgres and Redis answer within 2 s, and (for information) whether Redis persists its data. What
// /readyz reports; the route only renders it.
import type { RedisClient } from "./redis.ts";
import { redisPersistence as redisPersistenceOf } from "./redis-persistence.ts";

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), ms).unref())]);

export type Readiness = {
  ready: boolean;
  checks: { postgres: "ok" | "unavailable"; redis: "ok" | "unavailable" };
  redisPersistence?: Awaited<ReturnType<typeof redisPersistenceOf>> | "unknown";
};

export function createReadiness(deps: { pingDatabase: () => Promise<unknown>; redis: RedisClient; embeddedRedis: boolean }) {
  return async (): Promise<Readiness> => {
    const check = async (fn: () => Promise<unknown>) => withTimeout(fn(), 2000).then(() => "ok" as const, () => "unavailable" as const);
    const [postgres, redis] = await Promise.all([check(deps.pingDatabase), check(() => deps.redis.ping())]);
    // informational: a Redis without AOF or a replica still serves (docs/operations.md says what it risks)
    const redisPersistence = redis === "ok" && !deps.embeddedRedis ? await withTimeout(redisPersistenceOf(deps.redis), 2000).catch(() => "unknown" as const) : undefined;
    return { ready: postgres === "ok" && redis === "ok", checks: { postgres, redis }, ...(redisPersistence ? { redisPersistence } : {}) };
  };
}
