// The team a grant's tokens speak for (teams: one active team per user and client). It sits beside the grant's
// record (`oidc:{Grant:id}:team`: the team id, or "" for none) and the adapter reads it with the record in the
// same MGET, so issuing tokens under a grant costs no extra round trip for the team, and setting the same team
// again (each sign-in) writes nothing. Grants stored before this layout keep their team in the grant index's
// "#team" field: read there when the key is missing, until the next sign-in writes the key.
// A grant without a team has no key: a grant's record written since then starts with "^" (markGrantRecord), and the
// adapter reads a missing key beside such a record as "none" (rememberGrantTeam with ""), so neither the token
// endpoint nor a sign-in asks anything more. Beside a record without the mark a missing key still means "not known
// here": the index's "#team" is read, and setting "none" writes "" as before. So "" is only ever written for a grant
// of the older layouts, or one whose team was taken away; a new teamless grant costs no key (~150 bytes).
import type { Redis } from "ioredis";
import { requestMemo } from "../lib/request-memo.ts";
import type { Clock } from "../lib/clock.ts";
import { grantIndexKey, grantTeamKey } from "./redis-keys.ts";

const NONE = "";
const memoKey = (grantId: string) => `grantTeam:${grantId}`;

/** a grant record written since teamless grants have no team key (its missing key means "none") */
const KEYED = "^";
/** the stored text of a grant's record: marked (see above) */
export const markGrantRecord = (text: string) => KEYED + text;
/** a grant's stored text without the mark, and whether it had it (a record of the older layouts has not) */
export const unmarkGrantRecord = (text: string): { text: string; keyed: boolean } =>
  text.startsWith(KEYED) ? { text: text.slice(KEYED.length), keyed: true } : { text, keyed: false };
/** what a read of a grant's record found beside it: its team key's value, "none" for a marked record without one, else null (not known here) */
export const storedTeamOf = (teamKey: string | null, keyed: boolean): string | null => teamKey ?? (keyed ? NONE : null);

/** what the adapter's read of a grant found beside it (storedTeamOf), for the rest of this request */
export function rememberGrantTeam(grantId: string, stored: string | null): void {
  requestMemo()?.set(memoKey(grantId), stored);
}

/** this request forgets what it read of the grant's team (the grant was deleted or its team written) */
export function forgetGrantTeam(grantId: string): void {
  requestMemo()?.delete(memoKey(grantId));
}

export function createGrantTeamStore(redis: Redis, opts: { clock: Clock; grantIndexTtl: number }) {
  /** the stored value: this request's read of the grant, else one GET */
  async function stored(grantId: string): Promise<string | null> {
    const memo = requestMemo();
    if (memo?.has(memoKey(grantId))) return memo.get(memoKey(grantId)) as string | null;
    const value = await redis.get(grantTeamKey(grantId));
    memo?.set(memoKey(grantId), value);
    return value;
  }

  async function grantTeam(grantId: string): Promise<string | null> {
    const value = await stored(grantId);
    if (value === null) return (await redis.hget(grantIndexKey(grantId), "#team")) ?? null; // an older grant's layout
    return value === NONE ? null : value;
  }

  /** sets the grant's team (null: none); `grantExp` (epoch seconds) bounds the key's life to the grant's */
  async function setGrantTeam(grantId: string, teamId: string | null, grantExp?: number): Promise<void> {
    const value = teamId ?? NONE;
    if ((await stored(grantId)) === value) return;
    const ttl = grantExp ? Math.max(1, grantExp - opts.clock.epoch()) : opts.grantIndexTtl;
    await redis.set(grantTeamKey(grantId), value, "EX", ttl);
    requestMemo()?.set(memoKey(grantId), value);
  }

  return { grantTeam, setGrantTeam };
}
