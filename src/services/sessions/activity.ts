// A session's clock in Redis, one small hash per session (`session-meta:{<uid>}`: absolute end and last
// recorded activity, in app-clock seconds): every request carrying the session cookie asks it, atomically,
// whether the session is past its absolute end or idle too long, and whether "last active" is due a write.
// A refresh of the session's tokens, and the listing of sessions, only check (a relying party's background
// refreshes are not the user's activity: they must not keep an idle session alive).
// The answer "write" comes at most once per SESSION_ACTIVITY_RESOLUTION, so Postgres sees one write per
// session per resolution, not one per request. Times come from the app clock, never from Redis' own.
import type { Redis } from "ioredis";
import type { RedisClient } from "../../db/redis.ts";
import { LRUCache } from "lru-cache";

/** unknown: no meta (a session from before records, or one being signed in); write: activity to record now */
export type ActivityOutcome = "ok" | "write" | "idle" | "expired" | "unknown";

// KEYS: meta; ARGV: now, resolution, idle timeout (0 = none), mode ("touch", or "check": never moves `seen`).
// Checks and moves `seen` in one step.
const TOUCH_SCRIPT = `
local meta = redis.call('HMGET', KEYS[1], 'exp', 'seen')
local exp = tonumber(meta[1])
if not exp then return 'unknown' end
local now = tonumber(ARGV[1])
if now >= exp then return 'expired' end
local seen = tonumber(meta[2]) or 0
local idle = tonumber(ARGV[3])
if idle > 0 and now - seen >= idle then return 'idle' end
if ARGV[4] ~= 'check' and now - seen >= tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[1], 'seen', ARGV[1])
  return 'write'
end
return 'ok'`;

// KEYS: meta; ARGV: exp, now, seconds to keep. A clock and its expiry in one step: never a meta without one.
const START_SCRIPT = `
redis.call('HSET', KEYS[1], 'exp', ARGV[1], 'seen', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1`;

type Commands = {
  gatehouseSessionTouch(meta: string, now: number, resolution: number, idle: number, mode: "touch" | "check"): Promise<ActivityOutcome>;
  gatehouseSessionStart(meta: string, exp: number, now: number, keep: number): Promise<number>;
};

const metaKey = (uid: string) => `session-meta:{${uid}}`;

export function createSessionActivity(deps: { redis: RedisClient; resolution: number; idleTimeout: number; keepAfterEnd: number }) {
  // clocks this process started less than one resolution ago: nothing can be due on them yet (no write: "seen"
  // is that recent; not idle: the idle timeout is at least twice the resolution; not past an end of hours), so
  // the requests right after a sign-in (consent, the code) need not ask Redis. An end forgets it here; another
  // process's end is seen first by the session read (the guard) or the grant gone (a refresh).
  // (lru-cache allocates its tables for `max` up front: 10k sign-ins per resolution per process is ~3 MB less at
  // rest than 100k; past it the oldest simply ask Redis)
  const startedHere = new LRUCache<string, { at: number; exp: number }>({ max: 10_000, ttl: Math.max(1, deps.resolution) * 1000 });
  const fresh = (uid: string, now: number) => {
    const started = startedHere.get(uid);
    return started !== undefined && now >= started.at && now - started.at < deps.resolution && now < started.exp;
  };
  const redis = deps.redis as Redis & Commands;
  redis.defineCommand("gatehouseSessionTouch", { numberOfKeys: 1, lua: TOUCH_SCRIPT });
  redis.defineCommand("gatehouseSessionStart", { numberOfKeys: 1, lua: START_SCRIPT });

  return {
    /** a sign-in (re)starts the session's clock: ends at `exp`, active at `now` (kept a while after the end, so a late refresh is refused) */
    async start(uid: string, now: number, exp: number): Promise<void> {
      await redis.gatehouseSessionStart(metaKey(uid), exp, now, Math.max(exp - now, 1) + deps.keepAfterEnd);
      startedHere.set(uid, { at: now, exp });
    },

    /** a request carrying the session cookie at `now`: its activity */
    touch: async (uid: string, now: number): Promise<ActivityOutcome> =>
      fresh(uid, now) ? "ok" : redis.gatehouseSessionTouch(metaKey(uid), now, deps.resolution, deps.idleTimeout, "touch"),

    /** whether the session is idle or past its end at `now`, without counting as activity ("ok" or "unknown" otherwise) */
    check: async (uid: string, now: number): Promise<ActivityOutcome> =>
      fresh(uid, now) ? "ok" : redis.gatehouseSessionTouch(metaKey(uid), now, deps.resolution, deps.idleTimeout, "check"),

    forget: async (uid: string): Promise<void> => {
      startedHere.delete(uid);
      await redis.del(metaKey(uid));
    },
  };
}

export type SessionActivity = ReturnType<typeof createSessionActivity>;
