// The Lua scripts of the Redis adapter (redis-adapter.ts): each touches keys of one hash tag only, so they run
// on Redis Cluster too.
import { LUA_FIELDS } from "../services/sessions/session-key.ts";

// KEYS: record, consumed marker; ARGV: now, how long (ms) a consumed record is kept at most (0: until it
// expires). Returns {-1} (no record), {0, record} (consumed now) or {earlier consumption time, record}.
export const CONSUME_SCRIPT = `
local ttl = redis.call('PTTL', KEYS[1])
if ttl == -2 then return {-1} end
local keep = tonumber(ARGV[2])
if keep > 0 and (ttl < 0 or ttl > keep) then ttl = keep end
local set
if ttl > 0 then set = redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ttl) else set = redis.call('SET', KEYS[2], ARGV[1], 'NX') end
local record = redis.call('GET', KEYS[1])
if not set then return {tonumber(redis.call('GET', KEYS[2])), record} end
if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
return {0, record}`;

// KEYS: a grant's index (member "Model:id" -> the record's expiry, 0 = none; "#prune" -> the size at which
// to prune next). ARGV: member, its expiry, the index's TTL, now, and optionally a member to drop in its two forms
// (the refresh token this one replaces: its removal rides along instead of a command of its own; redis-keys.ts). Adds the member; when the index has grown to
// twice its size after the last pruning, drops members whose records have expired (amortised O(1), so a long
// refresh chain does not grow it); and only ever extends the index's lifetime (a short-lived access token must
// not cut short the index of a long-lived refresh token; EXPIRE GT would do, but the in-process store lacks
// it). Everything it touches is in the one hash: Cluster-safe.
export const INDEX_ADD_SCRIPT = `
if ARGV[6] then redis.call('HDEL', KEYS[1], ARGV[5], ARGV[6]) elseif ARGV[5] then redis.call('HDEL', KEYS[1], ARGV[5]) end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local pruneAt = tonumber(redis.call('HGET', KEYS[1], '#prune') or '8')
if redis.call('HLEN', KEYS[1]) > pruneAt then
  local all = redis.call('HGETALL', KEYS[1])
  local now = tonumber(ARGV[4])
  for i = 1, #all, 2 do
    local expires = tonumber(all[i + 1])
    if all[i] ~= '#prune' and expires and expires > 0 and expires < now then redis.call('HDEL', KEYS[1], all[i]) end
  end
  redis.call('HSET', KEYS[1], '#prune', math.max(8, 2 * redis.call('HLEN', KEYS[1])))
end
if redis.call('TTL', KEYS[1]) < tonumber(ARGV[3]) then redis.call('EXPIRE', KEYS[1], ARGV[3]) end
return 1`;

// KEYS: a session's uid key, its uid's tombstone (one hash tag). ARGV: the session record's id, TTL seconds (0: none),
// now (process clock, epoch seconds). Points the uid at the record unless the session was ended; returns 1 when it
// was (the caller takes the record back), else 0. The value keeps the session's clock (services/sessions/session-key.ts),
// and the key lives as long as the pointer or the clock, whichever is longer.
export const SESSION_UID_SCRIPT = `${LUA_FIELDS}
if redis.call('EXISTS', KEYS[2]) == 1 then return 1 end
local ttl = tonumber(ARGV[2])
local f = fields(redis.call('GET', KEYS[1]))
local value = ARGV[1] .. '|' .. (ttl > 0 and tostring(tonumber(ARGV[3]) + ttl) or '0')
local clock = present(f[3])
if clock then value = value .. '|' .. f[3] .. '|' .. (f[4] or '') end
local keep = clock and redis.call('PTTL', KEYS[1]) or -2
if ttl <= 0 or keep == -1 then redis.call('SET', KEYS[1], value)
elseif keep > ttl * 1000 then redis.call('SET', KEYS[1], value, 'PX', keep)
else redis.call('SET', KEYS[1], value, 'EX', ttl) end
return 0`;

export type AdapterCommands = {
  gatehouseSessionUid(uidKey: string, tombstone: string, jti: string, ttl: number, now: number): Promise<number>;
  gatehouseConsume(record: string, marker: string, now: number, keepMs: number): Promise<[number, string?]>;
  gatehouseIndexAdd(index: string, member: string, expiresAt: number, ttl: number, now: number, ...drop: string[]): Promise<number>;
};
