// A lock in Redis that one process holds at a time: SET NX with a TTL and a random token, renewed and released
// only by the holder (a Lua script compares the token first), so a process that stalls past the TTL cannot release
// the lock a newer holder took. Used by the retention job: Redis rather than a Postgres advisory lock because the
// job deletes in many short transactions on pooled connections, and a session-level advisory lock would pin one
// connection for the whole pass (and lock and unlock must happen on that same connection); a dead holder's Redis
// lock simply runs out. Also the Virtuozzo plugin's per-team refresh lock (services/virtuozzo/session-cache.ts).
// The scripts are defined once per client, so a lock object is cheap to make (and may be kept and reused).
import type { Redis } from "ioredis";
import type { RedisClient } from "./redis.ts";
import { randomToken } from "../lib/crypto.ts";

// KEYS: the lock. ARGV: the holder's token, (renew) the new TTL in ms. Returns 1 when this holder still had it.
const RENEW = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;
const RELEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1`;

type Commands = {
  gatehouseLockRenew(key: string, token: string, ttlMs: number): Promise<number>;
  gatehouseLockRelease(key: string, token: string): Promise<number>;
};

export type HeldLock = {
  /** pushes the TTL forward; false when the lock is no longer this holder's (it ran out, someone else took it) */
  renew(): Promise<boolean>;
  /** lets go (only if still held by this holder); false when it was no longer held */
  release(): Promise<boolean>;
};

export function createRedisLock(redis: RedisClient, key: string, ttlMs: number) {
  const client = redis as Redis & Commands;
  if (typeof client.gatehouseLockRelease !== "function") {
    client.defineCommand("gatehouseLockRenew", { numberOfKeys: 1, lua: RENEW });
    client.defineCommand("gatehouseLockRelease", { numberOfKeys: 1, lua: RELEASE });
  }

  return {
    /** the lock, or null when another holder has it */
    async acquire(): Promise<HeldLock | null> {
      const token = randomToken(18);
      if ((await client.set(key, token, "PX", ttlMs, "NX")) !== "OK") return null;
      return {
        renew: async () => (await client.gatehouseLockRenew(key, token, ttlMs)) === 1,
        release: async () => (await client.gatehouseLockRelease(key, token)) === 1,
      };
    },
  };
}
