// Readiness: Postgres and Redis answer within 2 s, and (for information) whether Redis persists its data. What
// /readyz reports; the route only renders it. Once shutdown begins (drain()), it is not ready whatever the stores
// say, so a load balancer stops sending new requests before the server stops taking them.
import type { RedisClient } from "./redis.ts";
import { redisPersistence as redisPersistenceOf } from "./redis-persistence.ts";

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), ms).unref())]);

export type Readiness = {
  ready: boolean;
  /** shutting down: finishing requests, taking no new work soon */
  draining?: true;
  checks: { postgres: "ok" | "unavailable"; redis: "ok" | "unavailable" };
  redisPersistence?: Awaited<ReturnType<typeof redisPersistenceOf>> | "unknown";
};

export type ReadinessCheck = (() => Promise<Readiness>) & { drain(): void };

export function createReadiness(deps: {
  pingDatabase: () => Promise<unknown>;
  redis: RedisClient;
  embeddedRedis: boolean;
}): ReadinessCheck {
  let draining = false;
  const readiness = async (): Promise<Readiness> => {
    const check = async (fn: () => Promise<unknown>) =>
      withTimeout(fn(), 2000).then(
        () => "ok" as const,
        () => "unavailable" as const,
      );
    const [postgres, redis] = await Promise.all([check(deps.pingDatabase), check(() => deps.redis.ping())]);
    // informational: a Redis without AOF or a replica still serves (docs/operations.md says what it risks)
    const redisPersistence =
      redis === "ok" && !deps.embeddedRedis
        ? await withTimeout(redisPersistenceOf(deps.redis), 2000).catch(() => "unknown" as const)
        : undefined;
    const ready = !draining && postgres === "ok" && redis === "ok";
    return {
      ready,
      ...(draining ? { draining: true as const } : {}),
      checks: { postgres, redis },
      ...(redisPersistence ? { redisPersistence } : {}),
    };
  };
  return Object.assign(readiness, {
    drain: () => {
      draining = true;
    },
  });
}
