// The Lua scripts of the Redis adapter (redis-adapter.ts): each touches keys of one hash tag only, so they run
// on Redis Cluster too.
import { LUA_FIELDS } from "../services/sessions/session-key.ts";
import { GRANT_RECORD_FIELD as RECORD, GRANT_RECORD_FIELDS as RECORD_PIECES, GRANT_TEAM_FIELD as TEAM } from "./redis-keys.ts";

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

// KEYS: a grant's index (member "Model:id" -> the record's expiry, 0 = none; "#…" fields are its own: "#prune" ->
// the size at which to prune next, the grant's record and team, grant-records.ts). ARGV: member, its expiry, the
// index's TTL, now, and optionally a member to drop in its two forms (the refresh token this one replaces: its
// removal rides along instead of a command of its own; redis-keys.ts). Adds the member; when the index has grown to
// twice its size after the last pruning, drops members whose records have expired (amortised O(1), so a long
// refresh chain does not grow it), never a "#" field (a team id may look like a number); and only ever extends
// the index's lifetime (a short-lived access token must not cut short the index of a long-lived refresh token;
// EXPIRE GT would do, but the in-process store lacks it), nor gives one to a hash that has none (a grant stored
// without expiry). The TTL is read after the HDEL: dropping the last field deletes the key, and the HSET makes
// a new one. Everything it touches is in the one hash: Cluster-safe.
export const INDEX_ADD_SCRIPT = `
if ARGV[6] then redis.call('HDEL', KEYS[1], ARGV[5], ARGV[6]) elseif ARGV[5] then redis.call('HDEL', KEYS[1], ARGV[5]) end
local ttl = redis.call('TTL', KEYS[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local pruneAt = tonumber(redis.call('HGET', KEYS[1], '#prune') or '8')
if redis.call('HLEN', KEYS[1]) > pruneAt then
  local all = redis.call('HGETALL', KEYS[1])
  local now = tonumber(ARGV[4])
  for i = 1, #all, 2 do
    local expires = tonumber(all[i + 1])
    if string.sub(all[i], 1, 1) ~= '#' and expires and expires > 0 and expires < now then redis.call('HDEL', KEYS[1], all[i]) end
  end
  redis.call('HSET', KEYS[1], '#prune', math.max(8, 2 * redis.call('HLEN', KEYS[1])))
end
if ttl == -2 or (ttl >= 0 and ttl < tonumber(ARGV[3])) then redis.call('EXPIRE', KEYS[1], ARGV[3]) end
return 1`;

// KEYS: a grant's index. ARGV: the grant's TTL (seconds, 0: none); "1" to write into an index that holds no record
// yet ("0": only over a record there, else nothing is written and 0 returned: the caller first looks for one of the
// older layouts); "1" and the grant's team ("": none) moving in with it, or "0" and "" (the team stays as it is);
// then the pieces of its record ("#g", "#g1", …; those of a longer record written before go). The index lives at
// least as long as the grant: its TTL is only ever extended, and dropped for a grant without expiry (as its string
// record had none); read after the HDEL, which may have emptied (deleted) the hash.
const LATER_PIECES = RECORD_PIECES.slice(1)
  .map((field) => `'${field}'`)
  .join(", ");
export const GRANT_WRITE_SCRIPT = `
if ARGV[2] == '0' and redis.call('HEXISTS', KEYS[1], '${RECORD}') == 0 then return 0 end
redis.call('HDEL', KEYS[1], ${LATER_PIECES})
local ttl = redis.call('TTL', KEYS[1])
for i = 5, #ARGV do redis.call('HSET', KEYS[1], i == 5 and '${RECORD}' or ('${RECORD}' .. (i - 5)), ARGV[i]) end
if ARGV[3] == '1' then
  if ARGV[4] == '' then redis.call('HDEL', KEYS[1], '${TEAM}') else redis.call('HSET', KEYS[1], '${TEAM}', ARGV[4]) end
end
local want = tonumber(ARGV[1])
if want <= 0 then redis.call('PERSIST', KEYS[1]) elseif ttl == -2 or (ttl >= 0 and ttl < want) then redis.call('EXPIRE', KEYS[1], want) end
return 1`;

// KEYS: a grant's index. ARGV: the grant's team ("": none). Sets it beside a record stored in the index; returns 0
// (writing nothing) when there is none there: a grant of the older layouts keeps its team beside its record.
export const GRANT_TEAM_SCRIPT = `
if redis.call('HEXISTS', KEYS[1], '${RECORD}') == 0 then return 0 end
if ARGV[1] == '' then redis.call('HDEL', KEYS[1], '${TEAM}') else redis.call('HSET', KEYS[1], '${TEAM}', ARGV[1]) end
return 1`;

// KEYS: a session's uid key, its uid's tombstone (one hash tag). ARGV: the session record's id, TTL seconds (0: none),
// now (process clock, epoch seconds). Points the uid at the record unless the session was ended; returns 1 when it
// was (the caller takes the record back), else 0. The value keeps the session's clock (services/sessions/session-key.ts),
// and the key lives as long as the pointer or the clock, whichever is longer.
export const SESSION_UID_SCRIPT = `${LUA_FIELDS}
if redis.call('EXISTS', KEYS[2]) == 1 then return 1 end
local ttl = tonumber(ARGV[2])
local f = fields(redis.call('GET', KEYS[1]))
local value = encode(ARGV[1], ttl > 0 and tonumber(ARGV[3]) + ttl or 0, f[3], f[4])
local clock = f[3] ~= nil
local keep = clock and redis.call('PTTL', KEYS[1]) or -2
if ttl <= 0 or keep == -1 then redis.call('SET', KEYS[1], value)
elseif keep > ttl * 1000 then redis.call('SET', KEYS[1], value, 'PX', keep)
else redis.call('SET', KEYS[1], value, 'EX', ttl) end
return 0`;

export type AdapterCommands = {
  gatehouseSessionUid(uidKey: string, tombstone: string, jti: string, ttl: number, now: number): Promise<number>;
  gatehouseConsume(record: string, marker: string, now: number, keepMs: number): Promise<[number, string?]>;
  gatehouseIndexAdd(index: string, member: string, expiresAt: number, ttl: number, now: number, ...drop: string[]): Promise<number>;
  gatehouseGrantWrite(index: string, ttl: number, create: 0 | 1, setTeam: 0 | 1, team: string, ...pieces: string[]): Promise<number>;
  gatehouseGrantTeam(index: string, team: string): Promise<number>;
};
