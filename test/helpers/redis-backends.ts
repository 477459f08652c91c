// The two stores Gatehouse runs its Redis code on, for tests that expect the same of both: the real Redis
// (TEST_REDIS_URL, production; Lua 5.1) and the in-process store (ioredis-mock, the development default; Lua 5.3).
// Each test file opens its own client under its own key prefix and removes its keys when closing.
import { Redis } from "ioredis";
import { TEST_REDIS_URL } from "./env.ts";
import { deleteRedisPrefix } from "./databases.ts";

export type RedisBackend = {
  name: string;
  /** the real Redis (some behaviour, e.g. Lua's number parsing, differs in the in-process store) */
  real: boolean;
  open(keyPrefix: string): Promise<Redis>;
  close(redis: Redis, keyPrefix: string): Promise<void>;
};

export const REDIS_BACKENDS: RedisBackend[] = [
  {
    name: "real Redis (TEST_REDIS_URL)",
    real: true,
    open: async (keyPrefix) => new Redis(TEST_REDIS_URL, { keyPrefix }),
    close: async (redis, keyPrefix) => {
      await redis.quit().catch(() => redis.disconnect());
      await deleteRedisPrefix(keyPrefix);
    },
  },
  {
    name: "in-process store (ioredis-mock)",
    real: false,
    open: async (keyPrefix) => {
      const { default: RedisMock } = await import("ioredis-mock");
      return new RedisMock({ keyPrefix }) as unknown as Redis;
    },
    close: async (redis, keyPrefix) => {
      // ioredis-mock shares its data between instances of the process: only this file's keys go. KEYS returns
      // full (prefixed) names while DEL prefixes again, so the prefix is stripped first
      const own = (await redis.keys("*")).filter((k) => k.startsWith(keyPrefix)).map((k) => k.slice(keyPrefix.length));
      if (own.length) await redis.del(...own);
      redis.disconnect();
    },
  },
];
