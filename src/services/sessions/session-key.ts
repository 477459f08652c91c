// One Redis key per session uid (`oidc:{uid:<uid>}`, a string), shared by the OIDC adapter and the session's clock:
//   "<record id>|<pointer's end>|<exp>|<seen>"
// - the record id and the pointer's end: which Session record the uid names (oidc/redis-adapter.ts), until when (epoch
//   seconds of the process clock, oidc-provider's and Redis' own; 0: no end). The pointer used to be the whole value
//   and ended with the key; now the key may outlive it (the clock below), so its end is written beside it.
// - exp and seen: the session's clock (activity.ts: absolute end and last recorded activity, app-clock seconds), kept
//   a while after the session's end so a late refresh is refused. It used to be a key of its own
//   (`session-meta:{<uid>}`, a hash of exp and seen): one key less is ~140 bytes less per signed-in session.
// Any field may be empty ("||exp|seen": a clock without a pointer; "id|end": a pointer without a clock). A value
// written before this layout is the record id alone (its end is the key's), and a session whose clock is still in
// `session-meta:{<uid>}` is read there while the key has none (activity.ts). Every script touches this one key, or
// this key and the uid's tombstone (same hash tag): Cluster-safe. The layers: the OIDC layer imports this file.

export const sessionUidKey = (uid: string) => `oidc:{uid:${uid}}`;
/** the session's clock as stored before it moved into the uid key (read while the uid key has no clock) */
export const legacyClockKey = (uid: string) => `session-meta:{${uid}}`;

/** seconds of the process clock (oidc-provider's and Redis' own, not the app clock): a pointer's end */
export const processEpoch = () => Math.floor(Date.now() / 1000);

/** the record id a stored value points at now (null: none, or its end has passed) */
export function sessionPointer(value: string | null | undefined, now = processEpoch()): string | null {
  if (!value) return null;
  const bar = value.indexOf("|");
  if (bar < 0) return value; // written before the clock moved in: the key's own end is the pointer's
  const jti = value.slice(0, bar);
  const end = Number(value.slice(bar + 1).split("|", 1)[0]);
  if (!jti || (end > 0 && end <= now)) return null;
  return jti;
}

/** the record id a stored value names, whether or not the pointer has ended (what an end marks as ended) */
export const sessionPointerId = (value: string | null | undefined): string | null => (value ? value.split("|", 1)[0] || null : null);

/** Lua: the fields of a stored value (an older value, the record id alone, is one field) */
export const LUA_FIELDS = `
local function fields(v)
  local t = {}
  if not v then return t end
  for f in string.gmatch(v .. '|', '([^|]*)|') do t[#t + 1] = f end
  return t
end
local function present(f) return f ~= nil and f ~= '' end
`;
