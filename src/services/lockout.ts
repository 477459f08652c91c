// Progressive lockout, per account (or per normalized identifier when no account matches, so unknown
// identifiers behave the same): after N consecutive failures the key is locked for the base time, after 2N for
// twice that, doubling up to a cap. Counting is one atomic Redis script, so 50 parallel wrong passwords count
// exactly 50. Failures while locked are not counted (an attacker cannot escalate a victim's lock faster than
// one step per lock period). A success resets the count.
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

type Commands = { gatehouseLockoutFailure(key: string, now: number, threshold: number, base: number, cap: number, ttl: number): Promise<[number, number, number]> };

export type LockoutSettings = { threshold: number; baseSeconds: number; maxSeconds: number };
export type LockSubject = { userId: string } | { identifier: string };
export type FailureResult = { failures: number; lockedUntil: Date | null; lockedNow: boolean };

export function createLockoutService(deps: { redis: RedisClient; clock: Clock; settings: LockoutSettings }) {
  const redis = deps.redis as Redis & Commands;
  redis.defineCommand("gatehouseLockoutFailure", { numberOfKeys: 1, lua: RECORD_FAILURE });
  const { threshold, baseSeconds, maxSeconds } = deps.settings;
  // the count survives a quiet day past the longest lock, then starts over
  const keyTtl = maxSeconds + 86_400;
  const key = (s: LockSubject) => ("userId" in s ? `lockout:{user:${s.userId}}` : `lockout:{id:${sha256(s.identifier)}}`);

  /** the time the subject is locked until (or null) and its failures counted so far, in one read */
  async function status(subject: LockSubject): Promise<{ lockedUntil: Date | null; failures: number }> {
    const [until, n] = await redis.hmget(key(subject), "until", "n");
    return { lockedUntil: Number(until) > deps.clock.epoch() ? new Date(Number(until) * 1000) : null, failures: Number(n) || 0 };
  }

  return {
    status,
    /** the time the subject is locked until, or null */
    lockedUntil: async (subject: LockSubject): Promise<Date | null> => (await status(subject)).lockedUntil,

    async recordFailure(subject: LockSubject): Promise<FailureResult> {
      const now = deps.clock.epoch();
      const [failures, until, counted] = await redis.gatehouseLockoutFailure(key(subject), now, threshold, baseSeconds, maxSeconds, keyTtl);
      const locked = until > now;
      return { failures, lockedUntil: locked ? new Date(until * 1000) : null, lockedNow: locked && counted === 1 };
    },

    /** a successful sign-in, a completed password reset, or an admin: the count starts over */
    async reset(subject: LockSubject): Promise<void> {
      await redis.del(key(subject));
    },

    failures: async (subject: LockSubject) => (await status(subject)).failures,
  };
}

export type LockoutService = ReturnType<typeof createLockoutService>;
