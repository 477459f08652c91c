// The emailed device approval codes: one challenge per sign-in (interaction uid) in Redis, holding only an HMAC
// of the 6-digit code (master key, bound to the sign-in and the user), when it was sent and when it expires,
// and the wrong attempts so far. Each submission first takes one attempt in an atomic script (parallel wrong
// guesses never get more than the allowed number compared), then the code is compared in constant time; a
// right code ends the challenge once. A resend replaces the code but keeps the attempts already used, so
// resending never buys more guesses; it is allowed once the cool-down since the last send has passed.
import { createHmac, randomInt, timingSafeEqual } from "node:crypto";
import type { Redis } from "ioredis";
import type { RedisClient } from "../../db/redis.ts";
import type { Clock } from "../../lib/clock.ts";

export type DeviceCodeSettings = { codeTtl: number; maxAttempts: number; resendCooldown: number };

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

// KEYS: the challenge. ARGV: now (s), cool-down (s), max attempts. Starts the cool-down of a resend:
// {0} none, {-1} locked, {-2, seconds left} cooling down, {1} claimed (the caller then sets the new code)
const CLAIM_RESEND = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {0} end
if tonumber(redis.call('HGET', KEYS[1], 'attempts') or '0') >= tonumber(ARGV[3]) then return {-1} end
local wait = tonumber(redis.call('HGET', KEYS[1], 'sentAt')) + tonumber(ARGV[2]) - tonumber(ARGV[1])
if wait > 0 then return {-2, wait} end
redis.call('HSET', KEYS[1], 'sentAt', ARGV[1])
return {1}`;

// KEYS: the challenge. ARGV: user id, new hash, new expiry. Sets the new code only while the challenge exists.
const REPLACE_CODE = `
if redis.call('HGET', KEYS[1], 'userId') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'hash', ARGV[2], 'expiresAt', ARGV[3])
return 1`;

type Commands = {
  gatehouseDeviceTakeAttempt(key: string, now: number, max: number): Promise<(number | string | null)[]>;
  gatehouseDeviceClaimResend(key: string, now: number, cooldown: number, max: number): Promise<number[]>;
  gatehouseDeviceReplaceCode(key: string, userId: string, hash: string, expiresAt: number): Promise<number>;
};

export type ChallengeStatus = { userId: string; sentAt: number; expiresAt: number; attempts: number; locked: boolean; expired: boolean; resendIn: number };

export type VerifyResult =
  | { outcome: "ok"; attempt: number; waitedMs: number }
  | { outcome: "wrong"; attempt: number; attemptsLeft: number }
  /** no attempts left: this one (lockedNow) or an earlier one used the last */
  | { outcome: "locked"; attempt: number; lockedNow: boolean }
  | { outcome: "expired" }
  /** no challenge for this sign-in (never made, consumed by a parallel right code, or gone with the sign-in) */
  | { outcome: "missing" };

export type ResendResult = { outcome: "sent"; code: string } | { outcome: "cooldown"; retryIn: number } | { outcome: "locked" } | { outcome: "missing" };

/** a uniformly random 6-digit code */
export const newDeviceCode = (): string => randomInt(0, 1_000_000).toString().padStart(6, "0");

export function createDeviceCodes(deps: { redis: RedisClient; clock: Clock; masterKey: Buffer; settings: DeviceCodeSettings }) {
  const redis = deps.redis as Redis & Commands;
  redis.defineCommand("gatehouseDeviceTakeAttempt", { numberOfKeys: 1, lua: TAKE_ATTEMPT });
  redis.defineCommand("gatehouseDeviceClaimResend", { numberOfKeys: 1, lua: CLAIM_RESEND });
  redis.defineCommand("gatehouseDeviceReplaceCode", { numberOfKeys: 1, lua: REPLACE_CODE });
  const { codeTtl, maxAttempts, resendCooldown } = deps.settings;
  const hmacKey = createHmac("sha256", deps.masterKey).update("gatehouse device codes v1").digest();
  const digest = (uid: string, userId: string, code: string) => createHmac("sha256", hmacKey).update(`${uid}:${userId}:${code}`).digest();
  const key = (uid: string) => `device:code:{${uid}}`;

  return {
    /** a new challenge for this sign-in (any earlier one is replaced, attempts start at 0); the code to email */
    async start(uid: string, userId: string, keyTtl: number): Promise<string> {
      const code = newDeviceCode();
      const now = deps.clock.epoch();
      await redis.multi()
        .del(key(uid))
        .hset(key(uid), { userId, hash: digest(uid, userId, code).toString("base64url"), attempts: 0, sentAt: now, expiresAt: now + codeTtl, startedAtMs: deps.clock.now().getTime() })
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
      return { userId: f.userId, sentAt, expiresAt, attempts, locked: attempts >= maxAttempts, expired: expiresAt <= now, resendIn: Math.max(0, sentAt + resendCooldown - now) };
    },

    /** one attempt at the code of this sign-in's challenge (`code` already six digits) */
    async verify(uid: string, userId: string, code: string): Promise<VerifyResult> {
      const taken = await redis.gatehouseDeviceTakeAttempt(key(uid), deps.clock.epoch(), maxAttempts);
      const kind = Number(taken[0]);
      if (kind === 0) return { outcome: "missing" };
      if (kind === -1) return { outcome: "locked", attempt: Number(taken[1]), lockedNow: false };
      if (kind === -2) return { outcome: "expired" };
      const attempt = Number(taken[1]);
      const stored = Buffer.from(String(taken[2]), "base64url");
      const given = digest(uid, userId, code);
      // the user check matters only if a challenge were ever read for another user's sign-in
      const right = String(taken[3]) === userId && stored.length === given.length && timingSafeEqual(stored, given);
      if (right) {
        // of parallel right submissions only the one that ends the challenge goes on
        if ((await redis.del(key(uid))) !== 1) return { outcome: "missing" };
        return { outcome: "ok", attempt, waitedMs: Math.max(0, deps.clock.now().getTime() - Number(taken[4])) };
      }
      if (attempt >= maxAttempts) return { outcome: "locked", attempt, lockedNow: true };
      return { outcome: "wrong", attempt, attemptsLeft: maxAttempts - attempt };
    },

    /**
     * a new code for this sign-in once the cool-down has passed: `spend` runs first (the rate limits; it may
     * throw, and then the old code stays as it was); the new code replaces the old one, attempts carry over
     */
    async resend(uid: string, userId: string, spend: () => Promise<void>): Promise<ResendResult> {
      const now = deps.clock.epoch();
      const [claim, wait] = await redis.gatehouseDeviceClaimResend(key(uid), now, resendCooldown, maxAttempts);
      if (claim === 0) return { outcome: "missing" };
      if (claim === -1) return { outcome: "locked" };
      if (claim === -2) return { outcome: "cooldown", retryIn: Number(wait) };
      await spend();
      const code = newDeviceCode();
      const replaced = await redis.gatehouseDeviceReplaceCode(key(uid), userId, digest(uid, userId, code).toString("base64url"), now + codeTtl);
      return replaced === 1 ? { outcome: "sent", code } : { outcome: "missing" };
    },

    /** the sign-in is over (stopped or started again): its challenge goes too */
    drop: async (uid: string): Promise<void> => { await redis.del(key(uid)); },
  };
}

export type DeviceCodes = ReturnType<typeof createDeviceCodes>;
