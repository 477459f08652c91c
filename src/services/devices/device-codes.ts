// The emailed device approval codes: one challenge per sign-in (interaction uid) in Redis, holding only an HMAC
// of the 6-digit code (master key, bound to the sign-in and the user), when it was sent and when it expires,
// and the wrong attempts so far. Each submission first takes one attempt in an atomic script (parallel wrong
// guesses never get more than the allowed number compared), then the code is compared in constant time; a
// right code ends the challenge once. A resend replaces the code but keeps the attempts already used, so
// resending never buys more guesses; it is allowed once the cool-down since the last send has passed, and a
// resend the rate limits refuse leaves the challenge (and its cool-down) as it was.
// Wrong codes also add up per user across sign-ins (device:failures:{userId}, a fixed window of 24 hours on the
// app clock from the first wrong code): each compared guess first takes a place in that count atomically, so
// even parallel guesses never get more than `failuresPerUser` compared in a window; a right code gives its
// place back. Once the count is full no code is sent or accepted for the user until the window passes.
import { createHmac, timingSafeEqual } from "node:crypto";
import { cryptoRandom, type RandomSource } from "../../lib/crypto.ts";
import type { Redis } from "ioredis";
import type { RedisClient } from "../../db/redis.ts";
import type { Clock } from "../../lib/clock.ts";

export type DeviceCodeSettings = { codeTtl: number; maxAttempts: number; resendCooldown: number; failuresPerUser: number };

/** the window of the per-user count of wrong codes, seconds */
export const FAILURE_WINDOW = 24 * 3600;

// KEYS: the challenge. ARGV: now (s), max attempts. {0} none, {-1, attempts} locked, {-2} expired,
// {1, attempt, hash, userId, startedAtMs} one attempt taken
const TAKE_ATTEMPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {0} end
local attempts = tonumber(redis.call('HGET', KEYS[1], 'attempts') or '0')
if attempts >= tonumber(ARGV[2]) then return {-1, attempts} end
if tonumber(redis.call('HGET', KEYS[1], 'expiresAt')) <= tonumber(ARGV[1]) then return {-2} end
attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
local f = redis.call('HMGET', KEYS[1], 'hash', 'userId', 'startedAtMs')
return {1, attempts, f[1], f[2], f[3]}`;

// KEYS: the challenge. ARGV: now (s), cool-down (s), max attempts, then (only to claim) user id, new hash, new
// expiry. {0} none, {-1} locked, {-2, seconds left} cooling down, {1} may resend (checked only, or claimed:
// the new code set and the cool-down started, atomically)
const RESEND = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {0} end
if tonumber(redis.call('HGET', KEYS[1], 'attempts') or '0') >= tonumber(ARGV[3]) then return {-1} end
local wait = tonumber(redis.call('HGET', KEYS[1], 'sentAt')) + tonumber(ARGV[2]) - tonumber(ARGV[1])
if wait > 0 then return {-2, wait} end
if ARGV[4] then
  if redis.call('HGET', KEYS[1], 'userId') ~= ARGV[4] then return {0} end
  redis.call('HSET', KEYS[1], 'sentAt', ARGV[1], 'hash', ARGV[5], 'expiresAt', ARGV[6])
end
return {1}`;

// KEYS: the user's count of wrong codes. ARGV: now (s), window (s), limit. Takes a place for one compared guess:
// {-1, seconds left} the count is full, {1, count} taken (count includes this guess)
const TAKE_FAILURE = `
local now = tonumber(ARGV[1])
if tonumber(redis.call('HGET', KEYS[1], 'resetAt') or '0') <= now then redis.call('DEL', KEYS[1]) end
local count = tonumber(redis.call('HGET', KEYS[1], 'count') or '0')
if count >= tonumber(ARGV[3]) then return {-1, tonumber(redis.call('HGET', KEYS[1], 'resetAt')) - now} end
count = redis.call('HINCRBY', KEYS[1], 'count', 1)
if count == 1 then
  redis.call('HSET', KEYS[1], 'resetAt', now + tonumber(ARGV[2]))
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
end
return {1, count}`;

// KEYS: the user's count of wrong codes. Gives back the place of a guess that was right (or never compared).
const GIVE_BACK_FAILURE = `
if tonumber(redis.call('HGET', KEYS[1], 'count') or '0') > 0 then redis.call('HINCRBY', KEYS[1], 'count', -1) end
return 1`;

// KEYS: the challenge. Gives back the attempt of a guess refused by the user's count (never compared).
const GIVE_BACK_ATTEMPT = `
if tonumber(redis.call('HGET', KEYS[1], 'attempts') or '0') > 0 then redis.call('HINCRBY', KEYS[1], 'attempts', -1) end
return 1`;

type Commands = {
  gatehouseDeviceTakeAttempt(key: string, now: number, max: number): Promise<(number | string | null)[]>;
  gatehouseDeviceResend(key: string, now: number, cooldown: number, max: number, ...claim: (string | number)[]): Promise<number[]>;
  gatehouseDeviceTakeFailure(key: string, now: number, window: number, limit: number): Promise<number[]>;
  gatehouseDeviceGiveBackFailure(key: string): Promise<number>;
  gatehouseDeviceGiveBackAttempt(key: string): Promise<number>;
};

export type ChallengeStatus = {
  userId: string;
  sentAt: number;
  expiresAt: number;
  attempts: number;
  locked: boolean;
  expired: boolean;
  resendIn: number;
};

export type VerifyResult =
  | { outcome: "ok"; attempt: number; waitedMs: number }
  | { outcome: "wrong"; attempt: number; attemptsLeft: number }
  /** no attempts left: this one (lockedNow) or an earlier one used the last */
  | { outcome: "locked"; attempt: number; lockedNow: boolean }
  /** the user's wrong codes of the last 24 hours are used up: this one (lockedNow, a wrong code) or earlier ones */
  | { outcome: "account_locked"; lockedNow: boolean; failures: number; retryIn: number }
  | { outcome: "expired" }
  /** no challenge for this sign-in (never made, consumed by a parallel right code, or gone with the sign-in) */
  | { outcome: "missing" };

export type ResendResult =
  { outcome: "sent"; code: string } | { outcome: "cooldown"; retryIn: number } | { outcome: "locked" } | { outcome: "missing" };

/** the user's wrong codes of the current window: `locked` when no code may be sent or accepted, for `retryIn` seconds */
export type AccountStatus = { failures: number; locked: boolean; retryIn: number };

/** a uniformly random 6-digit code */
export const newDeviceCode = (random: RandomSource = cryptoRandom): string => random.int(0, 1_000_000).toString().padStart(6, "0");

export function createDeviceCodes(deps: {
  redis: RedisClient;
  clock: Clock;
  masterKey: Buffer;
  settings: DeviceCodeSettings;
  random?: RandomSource;
}) {
  const redis = deps.redis as Redis & Commands;
  redis.defineCommand("gatehouseDeviceTakeAttempt", { numberOfKeys: 1, lua: TAKE_ATTEMPT });
  redis.defineCommand("gatehouseDeviceResend", { numberOfKeys: 1, lua: RESEND });
  redis.defineCommand("gatehouseDeviceTakeFailure", { numberOfKeys: 1, lua: TAKE_FAILURE });
  redis.defineCommand("gatehouseDeviceGiveBackFailure", { numberOfKeys: 1, lua: GIVE_BACK_FAILURE });
  redis.defineCommand("gatehouseDeviceGiveBackAttempt", { numberOfKeys: 1, lua: GIVE_BACK_ATTEMPT });
  const { codeTtl, maxAttempts, resendCooldown, failuresPerUser } = deps.settings;
  const hmacKey = createHmac("sha256", deps.masterKey).update("gatehouse device codes v1").digest();
  const digest = (uid: string, userId: string, code: string) => createHmac("sha256", hmacKey).update(`${uid}:${userId}:${code}`).digest();
  const key = (uid: string) => `device:code:{${uid}}`;
  const failuresKey = (userId: string) => `device:failures:{${userId}}`;

  return {
    /** a new challenge for this sign-in (any earlier one is replaced, attempts start at 0); the code to email */
    async start(uid: string, userId: string, keyTtl: number): Promise<string> {
      const code = newDeviceCode(deps.random);
      const now = deps.clock.epoch();
      await redis
        .multi()
        .del(key(uid))
        .hset(key(uid), {
          userId,
          hash: digest(uid, userId, code).toString("base64url"),
          attempts: 0,
          sentAt: now,
          expiresAt: now + codeTtl,
          startedAtMs: deps.clock.now().getTime(),
        })
        .expire(key(uid), Math.max(keyTtl, codeTtl))
        .exec();
      return code;
    },

    async status(uid: string): Promise<ChallengeStatus | null> {
      const f = await redis.hgetall(key(uid));
      if (!f.userId) return null;
      const now = deps.clock.epoch();
      const attempts = Number(f.attempts ?? 0);
      const sentAt = Number(f.sentAt);
      const expiresAt = Number(f.expiresAt);
      return {
        userId: f.userId,
        sentAt,
        expiresAt,
        attempts,
        locked: attempts >= maxAttempts,
        expired: expiresAt <= now,
        resendIn: Math.max(0, sentAt + resendCooldown - now),
      };
    },

    /** the user's wrong codes in the current window */
    async account(userId: string): Promise<AccountStatus> {
      const f = await redis.hgetall(failuresKey(userId));
      const left = Number(f.resetAt ?? 0) - deps.clock.epoch();
      const failures = left > 0 ? Number(f.count ?? 0) : 0;
      return { failures, locked: failures >= failuresPerUser, retryIn: Math.max(0, left) };
    },

    /** one attempt at the code of this sign-in's challenge (`code` already six digits) */
    async verify(uid: string, userId: string, code: string): Promise<VerifyResult> {
      const taken = await redis.gatehouseDeviceTakeAttempt(key(uid), deps.clock.epoch(), maxAttempts);
      const kind = Number(taken[0]);
      if (kind === 0) return { outcome: "missing" };
      if (kind === -1) return { outcome: "locked", attempt: Number(taken[1]), lockedNow: false };
      if (kind === -2) return { outcome: "expired" };
      // a place in the user's count before comparing: none left, and the code is not even compared
      const [placed, count] = await redis.gatehouseDeviceTakeFailure(
        failuresKey(userId),
        deps.clock.epoch(),
        FAILURE_WINDOW,
        failuresPerUser,
      );
      if (Number(placed) !== 1) {
        await redis.gatehouseDeviceGiveBackAttempt(key(uid));
        return { outcome: "account_locked", lockedNow: false, failures: failuresPerUser, retryIn: Number(count) };
      }
      const attempt = Number(taken[1]);
      const stored = Buffer.from(String(taken[2]), "base64url");
      const given = digest(uid, userId, code);
      // the user check matters only if a challenge were ever read for another user's sign-in
      const right = String(taken[3]) === userId && stored.length === given.length && timingSafeEqual(stored, given);
      if (right) {
        await redis.gatehouseDeviceGiveBackFailure(failuresKey(userId));
        // of parallel right submissions only the one that ends the challenge goes on
        if ((await redis.del(key(uid))) !== 1) return { outcome: "missing" };
        return { outcome: "ok", attempt, waitedMs: Math.max(0, deps.clock.now().getTime() - Number(taken[4])) };
      }
      if (Number(count) >= failuresPerUser)
        return { outcome: "account_locked", lockedNow: true, failures: Number(count), retryIn: FAILURE_WINDOW };
      if (attempt >= maxAttempts) return { outcome: "locked", attempt, lockedNow: true };
      return { outcome: "wrong", attempt, attemptsLeft: maxAttempts - attempt };
    },

    /**
     * a new code for this sign-in once the cool-down has passed: checked, then `spend` (the rate limits; it may
     * throw, and then the challenge and its cool-down stay as they were), then the new code replaces the old one
     * and starts the cool-down in one step (of parallel resends one wins); attempts carry over
     */
    async resend(uid: string, userId: string, spend: () => Promise<void>): Promise<ResendResult> {
      const refused = (result: number[]): ResendResult | null => {
        if (Number(result[0]) === 0) return { outcome: "missing" };
        if (Number(result[0]) === -1) return { outcome: "locked" };
        if (Number(result[0]) === -2) return { outcome: "cooldown", retryIn: Number(result[1]) };
        return null;
      };
      const checked = refused(await redis.gatehouseDeviceResend(key(uid), deps.clock.epoch(), resendCooldown, maxAttempts));
      if (checked) return checked;
      await spend();
      const code = newDeviceCode(deps.random);
      const now = deps.clock.epoch();
      const claimed = await redis.gatehouseDeviceResend(
        key(uid),
        now,
        resendCooldown,
        maxAttempts,
        userId,
        digest(uid, userId, code).toString("base64url"),
        now + codeTtl,
      );
      return refused(claimed) ?? { outcome: "sent", code };
    },

    /** the sign-in is over (stopped or started again): its challenge goes too */
    drop: async (uid: string): Promise<void> => {
      await redis.del(key(uid));
    },
  };
}

export type DeviceCodes = ReturnType<typeof createDeviceCodes>;
