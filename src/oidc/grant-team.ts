// The team a grant's tokens speak for (teams: one active team per user and client). It is stored with the grant's
// record, in the grant's index ("#team" beside "#g"; absent: none; grant-records.ts), and the adapter reads it
// with the record in the same HMGET, so issuing tokens under a grant costs no extra round trip for the team, and
// setting the same team again (each sign-in) writes nothing.
// A grant stored before (its record a string at `oidc:{Grant:id}`, until its next write moves it) keeps its team
// as those layouts did: beside its record (`oidc:{Grant:id}:team`: the team id, or "" for none), or for grants
// older still in the index's "#team" field, read there when the key is missing. A record written with the team
// key starts with "^": a missing key beside such a record means "none" (rememberGrantTeam with ""); beside a
// record without the mark it means "not known here", and the index's "#team" is read.
import type { Redis } from "ioredis";
import { requestMemo } from "../lib/request-memo.ts";
import type { Clock } from "../lib/clock.ts";
import type { AdapterCommands } from "./redis-adapter-scripts.ts";
import { GRANT_RECORD_FIELD, GRANT_TEAM_FIELD, grantIndexKey, grantTeamKey } from "./redis-keys.ts";

const NONE = "";
const memoKey = (grantId: string) => `grantTeam:${grantId}`;

/** a grant record written with the team key (its missing key means "none"; see above) */
const KEYED = "^";
/** a grant's stored text without the mark, and whether it had it (a record of the older layouts has not) */
export const unmarkGrantRecord = (text: string): { text: string; keyed: boolean } =>
  text.startsWith(KEYED) ? { text: text.slice(KEYED.length), keyed: true } : { text, keyed: false };
/** what a read of a grant's string record found beside it: its team key's value, "none" for a marked record without one, else null (not known here) */
export const storedTeamOf = (teamKey: string | null, keyed: boolean): string | null => teamKey ?? (keyed ? NONE : null);

/** what the adapter's read of a grant found beside it (storedTeamOf), for the rest of this request */
export function rememberGrantTeam(grantId: string, stored: string | null): void {
  requestMemo()?.set(memoKey(grantId), stored);
}

/** this request forgets what it read of the grant's team (the grant was deleted or its team written) */
export function forgetGrantTeam(grantId: string): void {
  requestMemo()?.delete(memoKey(grantId));
}

export function createGrantTeamStore(redis: Redis & AdapterCommands, opts: { clock: Clock; grantIndexTtl: number }) {
  /** the stored value (storedTeamOf) and, when read now, the index's "#team": this request's read of the grant, else one round trip */
  async function stored(grantId: string): Promise<{ value: string | null; indexTeam?: string | null }> {
    const memo = requestMemo();
    if (memo?.has(memoKey(grantId))) return { value: memo.get(memoKey(grantId)) as string | null };
    const index = grantIndexKey(grantId);
    const [inIndex, indexTeam, teamKey] = await Promise.all([
      redis.hexists(index, GRANT_RECORD_FIELD),
      redis.hget(index, GRANT_TEAM_FIELD),
      redis.get(grantTeamKey(grantId)),
    ]);
    // a grant in its index: "#team" or none; else its team key, as the older layouts read it
    const value = inIndex ? (indexTeam ?? NONE) : teamKey;
    memo?.set(memoKey(grantId), value);
    return { value, indexTeam };
  }

  async function grantTeam(grantId: string): Promise<string | null> {
    const { value, indexTeam } = await stored(grantId);
    // an older grant's layout: the index's "#team"
    if (value === null) return (indexTeam !== undefined ? indexTeam : await redis.hget(grantIndexKey(grantId), GRANT_TEAM_FIELD)) ?? null;
    return value === NONE ? null : value;
  }

  /** sets the grant's team (null: none); `grantExp` (epoch seconds) bounds the team key of an older layout to the grant's life */
  async function setGrantTeam(grantId: string, teamId: string | null, grantExp?: number): Promise<void> {
    const value = teamId ?? NONE;
    if ((await stored(grantId)).value === value) return;
    // beside the grant's record in its index; a grant of the older layouts (none there) keeps it in its team key
    if (!(await redis.gatehouseGrantTeam(grantIndexKey(grantId), value))) {
      const ttl = grantExp ? Math.max(1, grantExp - opts.clock.epoch()) : opts.grantIndexTtl;
      await redis.set(grantTeamKey(grantId), value, "EX", ttl);
    }
    requestMemo()?.set(memoKey(grantId), value);
  }

  return { grantTeam, setGrantTeam };
}
