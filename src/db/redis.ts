// Opens Redis: REDIS_URL (standalone or cluster) when set, otherwise an in-process store with the same API
// (ioredis-mock; development only, nothing survives a restart and nothing is shared between processes).
import { Redis, Cluster } from "ioredis";
import { benchCountersOn, countRedisCommands } from "./bench-counters.ts";

export type RedisClient = Redis | Cluster;

export async function openRedis(opts: { url?: string; cluster: boolean; keyPrefix: string }): Promise<{ redis: RedisClient; embedded: boolean; close(): Promise<void> }> {
  if (!opts.url) {
    const { default: RedisMock } = await import("ioredis-mock");
    const redis = new RedisMock({ keyPrefix: opts.keyPrefix }) as unknown as Redis;
    return { redis, embedded: true, close: async () => { redis.disconnect(); } };
  }
  const common = { keyPrefix: opts.keyPrefix, enableAutoPipelining: true, maxRetriesPerRequest: 2 } as const;
  let redis: RedisClient;
  if (opts.cluster) {
    const u = new URL(opts.url);
    redis = new Cluster([{ host: u.hostname, port: Number(u.port || 6379) }], {
      keyPrefix: opts.keyPrefix,
      enableAutoPipelining: true,
      redisOptions: { password: decodeURIComponent(u.password) || undefined, username: decodeURIComponent(u.username) || undefined, tls: u.protocol === "rediss:" ? {} : undefined },
    });
  } else {
    redis = new Redis(opts.url, { ...common, lazyConnect: true });
  }
  if (benchCountersOn) countRedisCommands(redis);
  if (redis instanceof Redis) await redis.connect();
  return { redis, embedded: false, close: async () => { await redis.quit().catch(() => redis.disconnect()); } };
}
