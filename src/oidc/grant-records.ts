// Where a grant is stored: in its index, the hash `oidc:{grant:id}` of what it issued, among the index's own "#"
// fields: its record (record-codec.ts) and its team ("#team", absent: none; grant-team.ts). One key instead of two
// or three (a key costs its dict entry, its object and its name before its value), read in one HMGET. Redis keeps a
// hash compact (a listpack) only while each field and value is at most 64 bytes (hash-max-listpack-value): a
// record of ~140 bytes in one field makes the whole index a hashtable, bigger than the two keys were (592 B
// against 296 + 248), so the record is cut into pieces of at most 64 bytes ("#g", "#g1", … "#g7"; a record too
// long for those is kept whole in "#g"), and the index stays a listpack (~456 B). The hash lives at least as long
// as the grant (its TTL is only ever extended, as the index's is), so a grant past its own `exp` reads as absent:
// its record may outlive it there, as the index always did.
// A grant stored before (the older layouts) is a string at `oidc:{Grant:id}` ("^"-marked or not) with its team
// beside it (`oidc:{Grant:id}:team`) or in the index's "#team" (grant-team.ts); it reads as it always did, in a
// second round trip when the index holds no record, and the grant's next write moves it into the index (record and
// team) before its old keys go. The two hash tags differ ({grant:…}, {Grant:…}): no command or script touches
// both, so this runs on Redis Cluster.
// A request reads a grant once (find): the refresh token's read fills in what it left out from its grant
// (refresh-token-records.ts), and oidc-provider's Grant.find right after is served from the request memo, as is
// the refresh token written later in the request (it leaves out what that grant says). A write of the grant in the
// request puts what it wrote in the memo, its removal takes it out.
import type { AdapterPayload } from "oidc-provider";
import type { Redis } from "ioredis";
import type { Clock } from "../lib/clock.ts";
import { requestMemo } from "../lib/request-memo.ts";
import type { AdapterCommands } from "./redis-adapter-scripts.ts";
import { GRANT_RECORD_FIELDS, GRANT_TEAM_FIELD, grantIndexKey, grantTeamKey, recordKey } from "./redis-keys.ts";
import { forgetGrantTeam, rememberGrantTeam, storedTeamOf, unmarkGrantRecord } from "./grant-team.ts";
import { decodeRecord, encodeRecord } from "./record-codec.ts";

/** a grant as read: its payload and what was found of its team (grant-team.ts: storedTeamOf) */
export type StoredGrant = { payload: AdapterPayload; team: string | null };

const NONE = "";
/** the request memo's entry for a grant: a promise of its payload (undefined: none) */
const memoKey = (grantId: string) => `Grant:${grantId}`;
/** the most bytes of a field's value in a compact hash (Redis' default hash-max-listpack-value) */
const PIECE_BYTES = 64;

/** the record in pieces of at most PIECE_BYTES bytes, never splitting a character; too long for the fields: whole */
export function recordPieces(text: string): string[] {
  const pieces: string[] = [];
  if (Buffer.byteLength(text) === text.length) {
    for (let at = 0; at < text.length; at += PIECE_BYTES) pieces.push(text.slice(at, at + PIECE_BYTES));
  } else {
    let piece = "";
    for (const char of text) {
      if (Buffer.byteLength(piece + char) > PIECE_BYTES) {
        pieces.push(piece);
        piece = "";
      }
      piece += char;
    }
    if (piece) pieces.push(piece);
  }
  return pieces.length <= GRANT_RECORD_FIELDS.length ? pieces : [text];
}

/** the record from its pieces as read (the first missing ends it) */
const joinPieces = (pieces: (string | null)[]): string => {
  const end = pieces.indexOf(null);
  return (end < 0 ? pieces : pieces.slice(0, end)).join("");
};
/** the keys of a grant stored in the older layouts: its record and its team, one hash tag */
const oldKeys = (grantId: string) => [recordKey("Grant", grantId), grantTeamKey(grantId)] as const;

export function createGrantRecords(redis: Redis & AdapterCommands, opts: { clock: Clock }) {
  /** the grant (undefined: none, or past its expiry) */
  async function read(grantId: string): Promise<StoredGrant | undefined> {
    const fields = await redis.hmget(grantIndexKey(grantId), ...GRANT_RECORD_FIELDS, GRANT_TEAM_FIELD);
    const team = fields.pop();
    if (fields[0]) {
      const payload = decodeRecord("Grant", grantId, joinPieces(fields));
      // the hash may outlive the grant (the index's members live longer): its own expiry says
      if (typeof payload.exp === "number" && payload.exp <= opts.clock.epoch()) return undefined;
      return { payload, team: team ?? NONE };
    }
    const [stored, teamKey] = await redis.mget(...oldKeys(grantId));
    if (!stored) return undefined;
    const { text, keyed } = unmarkGrantRecord(stored);
    return { payload: decodeRecord("Grant", grantId, text), team: storedTeamOf(teamKey ?? null, keyed) };
  }

  /**
   * the grant's payload, read once per request (a copy each time: oidc-provider changes the grant it is given);
   * what is found of its team is remembered at that read (grant-team.ts), later kept by setGrantTeam
   */
  async function find(grantId: string): Promise<AdapterPayload | undefined> {
    const memo = requestMemo();
    const key = memoKey(grantId);
    if (memo?.has(key)) return structuredClone(await (memo.get(key) as Promise<AdapterPayload | undefined>));
    const found = read(grantId).then((grant) => {
      if (grant) rememberGrantTeam(grantId, grant.team);
      return grant?.payload;
    });
    memo?.set(key, found);
    found.catch(() => {
      if (memo?.get(key) === found) memo.delete(key);
    });
    return structuredClone(await found);
  }

  /** the grant as this request read or wrote it, without asking Redis (undefined: not known in this request, or none) */
  async function known(grantId: string): Promise<AdapterPayload | undefined> {
    const held = requestMemo()?.get(memoKey(grantId)) as Promise<AdapterPayload | undefined> | undefined;
    return held ? structuredClone(await held.catch(() => undefined)) : undefined;
  }

  /**
   * writes the grant into its index: one script over the record there (fields only, so members added by a parallel
   * request stay). An index without a record: a new grant, or one of the older layouts (looked up meanwhile), whose
   * team moves in with its record before its old keys go, so no read in between finds it without its team
   */
  async function write(grantId: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const index = grantIndexKey(grantId);
    const pieces = recordPieces(encodeRecord("Grant", grantId, payload));
    const ttl = expiresIn ?? 0;
    const [written, [stored = null, teamKey = null]] = await Promise.all([
      redis.gatehouseGrantWrite(index, ttl, 0, 0, NONE, ...pieces),
      redis.mget(...oldKeys(grantId)),
    ]);
    if (!written) {
      // what a read of the older layout finds (null: not known there, the index's "#team" stays as it is)
      const team = storedTeamOf(teamKey, stored !== null && unmarkGrantRecord(stored).keyed);
      await redis.gatehouseGrantWrite(index, ttl, 1, team === null ? 0 : 1, team ?? NONE, ...pieces);
    }
    if (stored !== null || teamKey !== null) await redis.del(...oldKeys(grantId));
    requestMemo()?.set(memoKey(grantId), Promise.resolve(structuredClone(payload)));
  }

  /** the grant's record and team go (oidc-provider revokes what it issued alongside: the index's members stay) */
  function remove(grantId: string): Promise<unknown> {
    requestMemo()?.delete(memoKey(grantId));
    forgetGrantTeam(grantId);
    return Promise.all([redis.hdel(grantIndexKey(grantId), ...GRANT_RECORD_FIELDS, GRANT_TEAM_FIELD), redis.del(...oldKeys(grantId))]);
  }

  return { read, find, known, write, remove };
}
