// Progressive lockout counters in Redis. An account (or a normalized identifier when no account matches, so
// unknown identifiers behave the same) and a trusted device (the browser's device cookie for one user) count
// consecutive failures: after N the subject is locked for the base time, after 2N for twice that, doubling up to
// a cap; a success resets the count. A network (services/sign-in-locks.ts picks the /24 or /64) counts the
// failures of browsers not trusted by the account they tried, as a bucket that drains: more than its threshold
// within about an hour locks it the same progressive way, and a success never resets it. Counting is one atomic
// Redis script per key, so 50 parallel wrong passwords count exactly 50; failures while locked are not counted
// (an attacker cannot escalate a lock faster than one step per lock period). Every key has one hash tag and no
// command spans two (Redis Cluster).
import type { Redis } from "ioredis";
import type { RedisClient } from "../db/redis.ts";
import type { Clock } from "../lib/clock.ts";
import { sha256 } from "../lib/crypto.ts";

// KEYS: the counter hash. ARGV: now, threshold, base seconds, cap seconds, key TTL.
// Returns {failures, lockedUntil (0 = not locked), counted (1) or ignored because locked (0)}.
const RECORD_FAILURE = `
local now = tonumber(ARGV[1])
local lockedUntil = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
if lockedUntil > now then return {tonumber(redis.call('HGET', KEYS[1], 'n') or '0'), lockedUntil, 0} end
local n = redis.call('HINCRBY', KEYS[1], 'n', 1)
local threshold = tonumber(ARGV[2])
if n % threshold == 0 then
  local duration = math.min(tonumber(ARGV[3]) * 2 ^ (n / threshold - 1), tonumber(ARGV[4]))
  lockedUntil = now + duration
  redis.call('HSET', KEYS[1], 'until', lockedUntil)
end
redis.call('EXPIRE', KEYS[1], ARGV[5])
return {n, lockedUntil, 1}`;

// A draining bucket, in integer units: a failure adds WINDOW, the bucket drains THRESHOLD a second, so it holds
// THRESHOLD * WINDOW after THRESHOLD failures within WINDOW seconds: then the key locks for the base time times
// 2^(locks so far), capped, and the bucket empties. The key is forgotten a quiet TTL after the lock ends.
// KEYS: the network hash. ARGV: now, threshold, window seconds, base seconds, cap seconds, quiet TTL.
// Returns {failures in the bucket (rounded down), lockedUntil (0 = not locked), counted (1) or ignored (0)}.
const RECORD_NETWORK_FAILURE = `
local now = tonumber(ARGV[1])
local lockedUntil = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
if lockedUntil > now then return {0, lockedUntil, 0} end
local threshold = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local fill = tonumber(redis.call('HGET', KEYS[1], 'fill') or '0')
local at = tonumber(redis.call('HGET', KEYS[1], 'at') or ARGV[1])
fill = math.max(0, fill - (now - at) * threshold) + window
if fill >= threshold * window then
  local locks = redis.call('HINCRBY', KEYS[1], 'locks', 1)
  lockedUntil = now + math.min(tonumber(ARGV[4]) * 2 ^ (locks - 1), tonumber(ARGV[5]))
  redis.call('HSET', KEYS[1], 'until', lockedUntil)
  redis.call('HSET', KEYS[1], 'fill', 0, 'at', now)
  redis.call('EXPIRE', KEYS[1], lockedUntil - now + tonumber(ARGV[6]))
  return {threshold, lockedUntil, 1}
end
redis.call('HSET', KEYS[1], 'fill', fill, 'at', now)
redis.call('EXPIRE', KEYS[1], ARGV[6])
return {math.floor(fill / window), 0, 1}`;

// The unlock link's use: only the link issued for the lock in place (its hash in the counter's `link` field; a
// success or reset deletes the hash, a new lock replaces it) ends the lock, and the field and the lock go in one
// step. KEYS: the counter hash. ARGV: the link's hash. Returns -1 (not this lock's link) or the lock's end (0: none).
const UNLOCK_WITH_LINK = `
if redis.call('HGET', KEYS[1], 'link') ~= ARGV[1] then return -1 end
local lockedUntil = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
redis.call('HDEL', KEYS[1], 'until', 'link')
return lockedUntil`;

type Script = (key: string, ...args: number[]) => Promise<[number, number, number]>;
type Commands = {
  gatehouseLockoutFailure: Script;
  gatehouseNetworkFailure: Script;
  gatehouseUnlockWithLink(key: string, linkHash: string): Promise<number>;
};

export type LockoutSettings = {
  threshold: number;
  baseSeconds: number;
  maxSeconds: number;
  /** failures per network within about an hour that lock it (0 or absent: networks are not counted) */
  networkThreshold?: number;
};
/** an account, an identifier no account matches, or one user's trusted device (its trusted_devices row) */
export type LockSubject = { userId: string } | { identifier: string } | { deviceId: string };
export type FailureResult = { failures: number; lockedUntil: Date | null; lockedNow: boolean };
export type LockStatus = { lockedUntil: Date | null; failures: number };

/** how long a network's bucket takes to drain: its threshold of failures per this many seconds */
export const NETWORK_WINDOW_SECONDS = 3600;

export function createLockoutService(deps: { redis: RedisClient; clock: Clock; settings: LockoutSettings }) {
  const redis = deps.redis as Redis & Commands;
  redis.defineCommand("gatehouseLockoutFailure", { numberOfKeys: 1, lua: RECORD_FAILURE });
  redis.defineCommand("gatehouseNetworkFailure", { numberOfKeys: 1, lua: RECORD_NETWORK_FAILURE });
  redis.defineCommand("gatehouseUnlockWithLink", { numberOfKeys: 1, lua: UNLOCK_WITH_LINK });
  const { threshold, baseSeconds, maxSeconds } = deps.settings;
  const networkThreshold = deps.settings.networkThreshold ?? 0;
  // the count survives a quiet day past the longest lock, then starts over
  const keyTtl = maxSeconds + 86_400;
  const key = (s: LockSubject) =>
    "userId" in s
      ? `lockout:{user:${s.userId}}`
      : "deviceId" in s
        ? `lockout:{device:${s.deviceId}}`
        : `lockout:{id:${sha256(s.identifier)}}`;
  const networkKey = (network: string) => `lockout:{net:${network}}`;
  const until = (value: string | null | undefined) => (Number(value) > deps.clock.epoch() ? new Date(Number(value) * 1000) : null);
  const result = (now: number, [failures, lockedUntil, counted]: [number, number, number]): FailureResult => {
    const locked = lockedUntil > now;
    return { failures, lockedUntil: locked ? new Date(lockedUntil * 1000) : null, lockedNow: locked && counted === 1 };
  };

  /** the time the subject is locked until (or null) and its failures counted so far, in one read */
  async function status(subject: LockSubject): Promise<LockStatus> {
    const [lockedUntil, n] = await redis.hmget(key(subject), "until", "n");
    return { lockedUntil: until(lockedUntil), failures: Number(n) || 0 };
  }

  return {
    status,
    /** the time the subject is locked until, or null */
    lockedUntil: async (subject: LockSubject): Promise<Date | null> => (await status(subject)).lockedUntil,

    async recordFailure(subject: LockSubject): Promise<FailureResult> {
      const now = deps.clock.epoch();
      return result(now, await redis.gatehouseLockoutFailure(key(subject), now, threshold, baseSeconds, maxSeconds, keyTtl));
    },

    /** a successful sign-in, a completed password reset, or an admin: the lock ends and the count starts over */
    async reset(subject: LockSubject): Promise<void> {
      await redis.del(key(subject));
    },

    /** an unlock link was issued for the subject's lock now in place (its SHA-256): it alone may end that lock */
    async bindUnlockLink(subject: LockSubject, linkHash: string): Promise<void> {
      await redis.hset(key(subject), "link", linkHash);
    },

    /** whether `linkHash` is the link of the subject's lock in place */
    isCurrentUnlockLink: async (subject: LockSubject, linkHash: string): Promise<boolean> =>
      (await redis.hget(key(subject), "link")) === linkHash,

    /**
     * the emailed unlock link: the lock ends, the count stays (the next lock is the next, longer step); "stale"
     * when the link is not the one of the lock in place (an earlier lock's, or the count started over since)
     */
    async unlock(
      subject: LockSubject,
      linkHash: string,
    ): Promise<{ outcome: "unlocked"; wasLockedUntil: Date | null } | { outcome: "stale" }> {
      const lockedUntil = await redis.gatehouseUnlockWithLink(key(subject), linkHash);
      if (lockedUntil === -1) return { outcome: "stale" };
      return { outcome: "unlocked", wasLockedUntil: until(String(lockedUntil)) };
    },

    failures: async (subject: LockSubject) => (await status(subject)).failures,

    /** whether networks are counted at all (LOCKOUT_NETWORK_THRESHOLD > 0) */
    countsNetworks: networkThreshold > 0,

    /** the time the network's untrusted sign-ins are locked until, or null */
    async networkLockedUntil(network: string): Promise<Date | null> {
      if (!networkThreshold) return null;
      return until(await redis.hget(networkKey(network), "until"));
    },

    async recordNetworkFailure(network: string): Promise<FailureResult> {
      const now = deps.clock.epoch();
      if (!networkThreshold) return { failures: 0, lockedUntil: null, lockedNow: false };
      return result(
        now,
        await redis.gatehouseNetworkFailure(
          networkKey(network),
          now,
          networkThreshold,
          NETWORK_WINDOW_SECONDS,
          baseSeconds,
          maxSeconds,
          keyTtl,
        ),
      );
    },

    /** an administrator (or a test) lifts a network's lock and empties its bucket */
    resetNetwork: async (network: string): Promise<void> => {
      await redis.del(networkKey(network));
    },
  };
}

export type LockoutService = ReturnType<typeof createLockoutService>;
