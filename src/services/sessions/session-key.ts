// One Redis key per session uid (`oidc:{uid:<uid>}`, a string), shared by the OIDC adapter and the session's clock.
// What it holds:
// - the record id and the pointer's end: which Session record the uid names (oidc/redis-adapter.ts), until when (epoch
//   seconds of the process clock, oidc-provider's and Redis' own; 0: no end). The pointer used to be the whole value
//   and ended with the key; now the key may outlive it (the clock below), so its end is written beside it.
// - exp and seen: the session's clock (activity.ts: absolute end and last recorded activity, app-clock seconds), kept
//   a while after the session's end so a late refresh is refused. It used to be a key of its own
//   (`session-meta:{<uid>}`, a hash of exp and seen): one key less is ~140 bytes less per signed-in session.
// The value, fields apart by ".", numbers in base 36 ("-" before a negative one), times relative to exp:
//   "<id>.<exp>.<end - exp>.<exp - seen>"  a pointer and a clock; "" for end - exp when they are equal, as they are
//                                          unless the two clocks differ (a session saved without its login time, a
//                                          test's app clock run ahead); "" for exp - seen: no activity recorded
//   ".<exp>.<exp - seen>"                  a clock without a pointer (yet); with a record id before it, a pointer
//                                          whose end is the key's
//   "<id>.<end>"                           a pointer without a clock
// so while the two clocks agree a session's value is at most 60 characters (43 of the record id, 6 of exp until
// 2038-12, 7 after; exp - seen is at most the session's lifetime, 5 for 30 days): the allocation class of 64 bytes
// instead of 80, 16 bytes less per session. Relative fields are exact whatever their size (a larger difference only
// takes more characters, as does an end of 0).
// Values written before, still read (and written in the new form when a script writes the key anyway): fields apart
// by "|", numbers in decimal ("<id>|<end>|<exp>|<seen>", "||<exp>|<seen>": a clock without a pointer, "<id>|<end>": a
// pointer without a clock), or the record id alone (its end is the key's). A record id (base64url) has neither "|" nor
// ".": a value with "|" is of the decimal form, one with "." of the new, one with neither the record id alone. A
// session whose clock is still in `session-meta:{<uid>}` is read there while the key has none (activity.ts). Every
// script touches this one key, or this key and the uid's tombstone (same hash tag): Cluster-safe. The layers: the
// OIDC layer imports this file.

export const sessionUidKey = (uid: string) => `oidc:{uid:${uid}}`;
/** the session's clock as stored before it moved into the uid key (read while the uid key has no clock) */
export const legacyClockKey = (uid: string) => `session-meta:{${uid}}`;

/** seconds of the process clock (oidc-provider's and Redis' own, not the app clock): a pointer's end */
export const processEpoch = () => Math.floor(Date.now() / 1000);

/** a stored value's fields: the record id ("": none); end: the pointer's end (0: none; absent: the key's own end);
 * exp and seen: the session's clock (no exp: no clock; no seen: no activity recorded) */
export type SessionKeyFields = { id: string; end?: number; exp?: number; seen?: number };

const base36 = (s: string | undefined): number | undefined => (s !== undefined && /^-?[0-9a-z]+$/.test(s) ? parseInt(s, 36) : undefined);
const decimal = (s: string | undefined): number | undefined => {
  const n = s?.trim() ? Number(s) : NaN;
  return Number.isNaN(n) ? undefined : n;
};

/** the fields of a stored value, of any form (null: no value) */
export function decodeSessionKey(value: string | null | undefined): SessionKeyFields | null {
  if (!value) return null;
  if (value.includes("|")) {
    const [id = "", end, exp, seen] = value.split("|");
    return fieldsOf(id, decimal(end), decimal(exp), decimal(seen));
  }
  const f = value.split(".");
  const exp = base36(f[1]);
  if (f.length === 2) return fieldsOf(f[0]!, base36(f[1]));
  if (f.length === 1 || exp === undefined) return { id: f[0]! };
  const before = base36(f.length === 3 ? f[2] : f[3]);
  const seen = before === undefined ? undefined : exp - before;
  if (f.length === 3) return fieldsOf(f[0]!, undefined, exp, seen);
  const diff = base36(f[2]);
  return fieldsOf(f[0]!, f[2] === "" ? exp : diff === undefined ? undefined : exp + diff, exp, seen);
}

/** only the fields present (so two decodings compare equal); no clock without its exp */
function fieldsOf(id: string, end?: number, exp?: number, seen?: number): SessionKeyFields {
  const v: SessionKeyFields = { id };
  if (end !== undefined) v.end = end;
  if (exp !== undefined) v.exp = exp;
  if (exp !== undefined && seen !== undefined) v.seen = seen;
  return v;
}

/** a value in the new form (what LUA_FIELDS' encode writes): integers only */
export function encodeSessionKey({ id, end, exp, seen }: SessionKeyFields): string {
  const b36 = (n: number) => n.toString(36);
  if (exp === undefined) return end === undefined ? id : `${id}.${b36(end)}`;
  const activity = seen === undefined ? "" : b36(exp - seen);
  if (end === undefined) return `${id}.${b36(exp)}.${activity}`;
  return `${id}.${b36(exp)}.${end === exp ? "" : b36(end - exp)}.${activity}`;
}

/** the record id a stored value points at now (null: none, or its end has passed) */
export function sessionPointer(value: string | null | undefined, now = processEpoch()): string | null {
  const fields = decodeSessionKey(value);
  if (!fields?.id) return null;
  // no end written: the record id alone, whose end is the key's
  if (fields.end !== undefined && fields.end > 0 && fields.end <= now) return null;
  return fields.id;
}

/** the record id a stored value names, whether or not the pointer has ended (what an end marks as ended) */
export const sessionPointerId = (value: string | null | undefined): string | null => (value ? value.split(/[|.]/, 1)[0] || null : null);

/** Lua: fields(v) of a stored value of any form, {id ('': none), end, exp, seen} (numbers, nil when absent: as
 * SessionKeyFields), and encode(id, end, exp, seen), the new form (as encodeSessionKey). Lua 5.1's tonumber reads
 * base 36 without a sign (Redis'), so the sign is read apart; the in-process store (ioredis-mock) runs Lua 5.3. */
export const LUA_FIELDS = `
local function b36(n)
  local sign, s = '', ''
  if n < 0 then sign, n = '-', -n end
  repeat
    local d = n % 36
    s = string.sub('0123456789abcdefghijklmnopqrstuvwxyz', d + 1, d + 1) .. s
    n = (n - d) / 36
  until n < 1
  return sign .. s
end
local function n36(s)
  if not s or not string.find(s, '^%-?[0-9a-z]+$') then return nil end
  if string.sub(s, 1, 1) == '-' then return -tonumber(string.sub(s, 2), 36) end
  return tonumber(s, 36)
end
local function fields(v)
  if not v then return {''} end
  local t = {}
  if string.find(v, '|', 1, true) then
    for f in string.gmatch(v .. '|', '([^|]*)|') do t[#t + 1] = f end
    local exp = tonumber(t[3] or '')
    return {t[1], tonumber(t[2] or ''), exp, exp and tonumber(t[4] or '')}
  end
  for f in string.gmatch(v .. '.', '([^.]*)%.') do t[#t + 1] = f end
  local exp = n36(t[2])
  if #t == 2 then return {t[1], exp} end
  if #t < 2 or not exp then return {t[1]} end
  local before = n36(#t == 3 and t[3] or t[4])
  local seen = before and exp - before
  if #t == 3 then return {t[1], nil, exp, seen} end
  local d = n36(t[3])
  return {t[1], (t[3] == '' and exp) or (d and exp + d), exp, seen}
end
local function encode(id, pend, exp, seen)
  if not exp then
    if not pend then return id end
    return id .. '.' .. b36(pend)
  end
  local activity = seen and b36(exp - seen) or ''
  if not pend then return id .. '.' .. b36(exp) .. '.' .. activity end
  return id .. '.' .. b36(exp) .. '.' .. (pend == exp and '' or b36(pend - exp)) .. '.' .. activity
end
`;
