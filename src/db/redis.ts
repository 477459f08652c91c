// Opens Redis: REDIS_URL (standalone or cluster) when set, otherwise an in-process store with the same API
// (ioredis-mock; development only, nothing survives a restart and nothing is shared between processes).
import { Redis, Cluster } from "ioredis";
import { benchCountersOn, countRedisCommands } from "./bench-counters.ts";

export type RedisClient = Redis | Cluster;

export type RedisOptions = { url?: string; cluster: boolean; keyPrefix: string; commandTimeoutMs?: number; connectTimeoutMs?: number };

/** the client's connection errors (it reconnects by itself), at most one report per interval */
export function throttled(report: (err: Error) => void, intervalMs = 10_000): (err: Error) => void {
  let last = 0;
  return (err) => {
    const now = Date.now();
    if (now - last < intervalMs) return;
    last = now;
    report(err);
  };
}

// A stalled Redis fails a command after commandTimeoutMs; an unreachable one after one retry on reconnect (the
// offline queue holds a command that long at most). Either way the request answers 503 (db/unavailable.ts).
export async function openRedis(
  opts: RedisOptions & { onError?: (err: Error) => void },
): Promise<{ redis: RedisClient; embedded: boolean; close(): Promise<void> }> {
  if (!opts.url) {
    // a development dependency (a production install has none): say what to do instead of a module error
    const { default: RedisMock } = await import("ioredis-mock").catch(() => {
      throw new Error(
        "REDIS_URL is not set and the in-process store (ioredis-mock, a development dependency) is not installed: set REDIS_URL, or run `npm install` with development dependencies",
      );
    });
    const redis = new RedisMock({ keyPrefix: opts.keyPrefix }) as unknown as Redis;
    return {
      redis,
      embedded: true,
      close: async () => {
        redis.disconnect();
      },
    };
  }
  const timeouts = {
    commandTimeout: opts.commandTimeoutMs ?? 2000,
    connectTimeout: opts.connectTimeoutMs ?? 5000,
    maxRetriesPerRequest: 1,
  };
  const common = { keyPrefix: opts.keyPrefix, enableAutoPipelining: true, ...timeouts } as const;
  let redis: RedisClient;
  if (opts.cluster) {
    const u = new URL(opts.url);
    redis = new Cluster([{ host: u.hostname, port: Number(u.port || 6379) }], {
      keyPrefix: opts.keyPrefix,
      enableAutoPipelining: true,
      redisOptions: {
        ...timeouts,
        password: decodeURIComponent(u.password) || undefined,
        username: decodeURIComponent(u.username) || undefined,
        tls: u.protocol === "rediss:" ? {} : undefined,
      },
    });
  } else {
    redis = new Redis(opts.url, { ...common, lazyConnect: true });
  }
  if (benchCountersOn) countRedisCommands(redis);
  // without a listener ioredis prints every failed reconnect to stderr
  redis.on("error", opts.onError ?? (() => {}));
  if (redis instanceof Redis) await redis.connect();
  return {
    redis,
    embedded: false,
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
