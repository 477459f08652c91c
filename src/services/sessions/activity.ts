// A session's clock in Redis, in the session uid's key (`oidc:{uid:<uid>}`, beside the adapter's pointer at the
// session's record: session-key.ts; absolute end and last recorded activity, in app-clock seconds): every request
// carrying the session cookie asks it, atomically, whether the session is past its absolute end or idle too long, and
// whether "last active" is due a write. A refresh of the session's tokens, and the listing of sessions, only check (a
// relying party's background refreshes are not the user's activity: they must not keep an idle session alive).
// The answer "write" comes at most once per SESSION_ACTIVITY_RESOLUTION, so Postgres sees one write per
// session per resolution, not one per request. Times come from the app clock, never from Redis' own.
// A clock started before it moved into the uid key is a hash of its own (`session-meta:{<uid>}`, exp and seen):
// asked when the uid key holds no clock, so a session signed in before an upgrade keeps its clock (and is not
// restarted from its login time, which would end an active session as idle); it lives out its TTL.
import type { Redis } from "ioredis";
import type { RedisClient } from "../../db/redis.ts";
import { LRUCache } from "lru-cache";
import { LUA_FIELDS, legacyClockKey, processEpoch, sessionUidKey } from "./session-key.ts";

/** unknown: no meta (a session from before records, or one being signed in); write: activity to record now */
export type ActivityOutcome = "ok" | "write" | "idle" | "expired" | "unknown";

// ARGV of both touch scripts: now, resolution, idle timeout (0 = none), mode ("touch", or "check": never moves
// `seen`). What the clock says, one decision for both layouts: 'write' when `seen` is to move (the script writes it).
const LUA_VERDICT = `
local function verdict(exp, seen)
  if not exp then return 'unknown' end
  local now = tonumber(ARGV[1])
  if now >= exp then return 'expired' end
  seen = seen or 0
  local idle = tonumber(ARGV[3])
  if idle > 0 and now - seen >= idle then return 'idle' end
  if ARGV[4] ~= 'check' and now - seen >= tonumber(ARGV[2]) then return 'write' end
  return 'ok'
end
`;

// KEYS: the uid key. Checks and moves `seen` in one step (the rest of the value and the key's TTL stay; a value of an
// older form is written in the new one).
const TOUCH_SCRIPT = `${LUA_FIELDS}${LUA_VERDICT}
local f = fields(redis.call('GET', KEYS[1]))
local outcome = verdict(f[3], f[4])
if outcome == 'write' then
  local value = encode(f[1], f[2], f[3], tonumber(ARGV[1]))
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl > 0 then redis.call('SET', KEYS[1], value, 'PX', ttl) else redis.call('SET', KEYS[1], value) end
end
return outcome`;

// The same on a clock of the older layout (KEYS: session-meta:{uid}, a hash of exp and seen).
const LEGACY_TOUCH_SCRIPT = `${LUA_VERDICT}
local meta = redis.call('HMGET', KEYS[1], 'exp', 'seen')
local outcome = verdict(tonumber(meta[1]), tonumber(meta[2]))
if outcome == 'write' then redis.call('HSET', KEYS[1], 'seen', ARGV[1]) end
return outcome`;

// KEYS: the uid key; ARGV: exp, now, seconds to keep, the process clock's now. A clock and its expiry in one step
// (never a clock without one): the key lives at least `keep`, longer if the pointer does. A pointer of the older
// layout (the record id alone, ending with the key) gets its end written, as the key may now outlive it.
const START_SCRIPT = `${LUA_FIELDS}
local v = redis.call('GET', KEYS[1])
local f = fields(v)
local ttl = redis.call('PTTL', KEYS[1])
local pointerEnd = f[2]
if f[1] ~= '' and not pointerEnd then pointerEnd = ttl > 0 and tonumber(ARGV[4]) + math.ceil(ttl / 1000) or 0 end
local value = encode(f[1], pointerEnd, tonumber(ARGV[1]), tonumber(ARGV[2]))
local keep = tonumber(ARGV[3]) * 1000
if v and ttl == -1 then redis.call('SET', KEYS[1], value)
elseif ttl > keep then redis.call('SET', KEYS[1], value, 'PX', ttl)
else redis.call('SET', KEYS[1], value, 'PX', keep) end
return 1`;

type Touch = (key: string, now: number, resolution: number, idle: number, mode: "touch" | "check") => Promise<ActivityOutcome>;
type Commands = {
  gatehouseSessionTouch: Touch;
  gatehouseLegacySessionTouch: Touch;
  gatehouseSessionStart(key: string, exp: number, now: number, keep: number, processNow: number): Promise<number>;
};

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
  redis.defineCommand("gatehouseLegacySessionTouch", { numberOfKeys: 1, lua: LEGACY_TOUCH_SCRIPT });
  redis.defineCommand("gatehouseSessionStart", { numberOfKeys: 1, lua: START_SCRIPT });

  /** the clock in the uid key; while it has none, a clock of the older layout (one more round trip, only then) */
  async function ask(uid: string, now: number, mode: "touch" | "check"): Promise<ActivityOutcome> {
    const outcome = await redis.gatehouseSessionTouch(sessionUidKey(uid), now, deps.resolution, deps.idleTimeout, mode);
    if (outcome !== "unknown") return outcome;
    return redis.gatehouseLegacySessionTouch(legacyClockKey(uid), now, deps.resolution, deps.idleTimeout, mode);
  }

  return {
    /** a sign-in (re)starts the session's clock: ends at `exp`, active at `now` (kept a while after the end, so a late refresh is refused) */
    async start(uid: string, now: number, exp: number): Promise<void> {
      await redis.gatehouseSessionStart(sessionUidKey(uid), exp, now, Math.max(exp - now, 1) + deps.keepAfterEnd, processEpoch());
      startedHere.set(uid, { at: now, exp });
    },

    /** a request carrying the session cookie at `now`: its activity */
    touch: async (uid: string, now: number): Promise<ActivityOutcome> => (fresh(uid, now) ? "ok" : ask(uid, now, "touch")),

    /** whether the session is idle or past its end at `now`, without counting as activity ("ok" or "unknown" otherwise) */
    check: async (uid: string, now: number): Promise<ActivityOutcome> => (fresh(uid, now) ? "ok" : ask(uid, now, "check")),

    /** the session ended: its clock goes (with the uid key it sits in, which the end has dropped already) */
    forget: async (uid: string): Promise<void> => {
      startedHere.delete(uid);
      // two keys of two hash tags: two commands (Cluster)
      await Promise.all([redis.del(sessionUidKey(uid)), redis.del(legacyClockKey(uid))]);
    },
  };
}

export type SessionActivity = ReturnType<typeof createSessionActivity>;
