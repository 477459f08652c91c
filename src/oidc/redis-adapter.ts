// oidc-provider storage in Redis: sessions, interactions, grants, codes and tokens. Each record is a compact JSON
// string (record-codec.ts) at `oidc:{Model:id}` that expires with the model. Indexes: `oidc:{uid:…}`,
// `oidc:{userCode:…}` and `oidc:{grant:…}` (a small hash of what a grant issued, which also holds the grant:
// grant-records.ts). No command spans two hash tags, so the same code runs on Redis Cluster.
// This file is the adapter class and its factory; the rest, by purpose: writing and deleting records and their
// index entries (redis-record-writes.ts); consuming codes and refresh tokens, rotation and reuse
// (redis-consume.ts, and what is kept of a rotated refresh token: rotated-refresh-tokens.ts); keeping an ended
// session dead, its tombstone and markers (redis-session-records.ts); ending sessions and grants
// (redis-session-ends.ts); a grant's team, read with its record (grant-team.ts); a refresh token's record without
// what its grant says, filled in from the grant when read (refresh-token-records.ts); key names (redis-keys.ts);
// the Lua scripts (redis-adapter-scripts.ts).
// A grant is read once per request (grant-records.ts: find), so the grant a refresh token's read needed serves
// oidc-provider's Grant.find right after it.
// Sessions: a uid key says "this session is alive" while it points at a record (the sessions page checks that, one
// pipelined round of GETs); ending a session (endSession, endUserSessions, logout through forgetSession) drops it.
// `endSession(uid)` ends one session and its grants (revocation); a refresh token at the token endpoint is
// first shown to the refresh check (idle and absolute timeouts of its session), which may refuse it.
import { requestMemo } from "../lib/request-memo.ts";
import Provider, { type Adapter, type AdapterPayload } from "oidc-provider";
import type { Redis } from "ioredis";
import type { RedisClient } from "../db/redis.ts";
import type { Clock } from "../lib/clock.ts";
import {
  CONSUME_SCRIPT,
  GRANT_TEAM_SCRIPT,
  GRANT_WRITE_SCRIPT,
  INDEX_ADD_SCRIPT,
  SESSION_UID_SCRIPT,
  type AdapterCommands as Commands,
} from "./redis-adapter-scripts.ts";
import { grantIndexKey, isMember, recordKey, secondKey, splitMember, tombstoneKey, uidKey, userCodeKey } from "./redis-keys.ts";
import { createGrantTeamStore } from "./grant-team.ts";
import { createGrantRecords } from "./grant-records.ts";
import { createRefreshTokenRecords } from "./refresh-token-records.ts";
import { createRecordWrites } from "./redis-record-writes.ts";
import { createConsume } from "./redis-consume.ts";
import { createSessionRecords } from "./redis-session-records.ts";
import { decodeRecord } from "./record-codec.ts";
import { createSessionEnds, type StoredSession, type UserSessionsEndedHook } from "./redis-session-ends.ts";
import { processEpoch, sessionPointer } from "../services/sessions/session-key.ts";

export type RedisAdapterOptions = {
  redis: RedisClient;
  clock: Clock;
  /** seconds after rotation during which a refresh token's reuse is treated as a concurrent refresh */
  refreshReuseGrace: number;
  /** how long the grant -> records index lives at least (the longest-lived thing a grant holds) */
  grantIndexTtl: number;
  /** seconds a rotated refresh token is kept to detect its reuse (bounds the memory of long refresh chains) */
  refreshReuseDetection: number;
  /** whether the current request is a token request (default: oidc-provider's request context says so) */
  atTokenEndpoint?: () => boolean;
  /** how long an ended session's tombstone is kept: the longest a session lives (default: grantIndexTtl, which is at least that) */
  endedSessionTtl?: number;
};

const providerRouteIsToken = () => (Provider.ctx as { oidc?: { route?: string } } | undefined)?.oidc?.route === "token";

/** whether the refresh token (its stored payload) may be used now; false: "refresh token not found" */
export type RefreshCheck = (payload: AdapterPayload) => Promise<boolean>;

export function createRedisAdapterFactory(opts: RedisAdapterOptions) {
  const redis = opts.redis as Redis & Commands;
  let refreshCheck: RefreshCheck | undefined;
  let sessionsEndedHook: UserSessionsEndedHook | undefined;
  redis.defineCommand("gatehouseConsume", { numberOfKeys: 2, lua: CONSUME_SCRIPT });
  redis.defineCommand("gatehouseIndexAdd", { numberOfKeys: 1, lua: INDEX_ADD_SCRIPT });
  redis.defineCommand("gatehouseSessionUid", { numberOfKeys: 2, lua: SESSION_UID_SCRIPT });
  redis.defineCommand("gatehouseGrantWrite", { numberOfKeys: 1, lua: GRANT_WRITE_SCRIPT });
  redis.defineCommand("gatehouseGrantTeam", { numberOfKeys: 1, lua: GRANT_TEAM_SCRIPT });
  const atTokenEndpoint = opts.atTokenEndpoint ?? providerRouteIsToken;

  const grants = createGrantRecords(redis, opts);
  const grantTeams = createGrantTeamStore(redis, opts);
  const records = createRecordWrites(redis, grants, opts);
  const { destroyRecord, destroyGrant, writeRecord } = records;
  const { isEnded, markRecordsEnded, markSessionEnded, destroySession } = createSessionRecords(redis, destroyRecord, opts);
  const consumption = createConsume({ redis, opts, atTokenEndpoint, grants, records });
  const refreshTokens = createRefreshTokenRecords(grants);
  const { refuseWithinGrace } = consumption;

  const RedisAdapter = class RedisAdapter implements Adapter {
    constructor(readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      const memo = requestMemo();
      memo?.delete(`${this.model}:${id}`);
      const sessionUid = this.model === "Session" && typeof payload.uid === "string" ? payload.uid : undefined;
      // an ended session is never written again (a request in flight on it saves it in its finally): the uid
      // is pointed at the record after the record is written, by a script that checks the tombstone, so an end
      // landing at any moment either finds this record through the uid (and ends it) or makes us take it back
      const record = this.model === "RefreshToken" ? await refreshTokens.toWrite(payload) : payload;
      const [, ended] = await Promise.all([
        writeRecord(this.model, id, record, expiresIn),
        sessionUid ? redis.gatehouseSessionUid(uidKey(sessionUid), tombstoneKey(sessionUid), id, expiresIn ?? 0, processEpoch()) : 0,
      ]);
      if (ended) await destroySession(id, payload as StoredSession);
      else if (sessionUid) {
        memo?.set(`uid:${sessionUid}`, id);
        memo?.set(`saved:${sessionUid}`, id); // the script found no tombstone (savedLive)
      }
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      // a session or an interaction is read once per request (the session guard, the pages and the provider each
      // ask for the session, the page and oidc-provider's interactionResult for the interaction; a write or an
      // end clears what was read). A copy read earlier never brings back an interaction a parallel request
      // consumed meanwhile: a result is only written onto a live one (writeRecord)
      if (this.model !== "Session" && this.model !== "Interaction") return this.read(id);
      const memo = requestMemo();
      const key = `${this.model}:${id}`;
      if (memo?.has(key)) return structuredClone(await (memo.get(key) as Promise<AdapterPayload | undefined>));
      const found = this.read(id);
      memo?.set(key, found);
      found.catch(() => memo?.delete(key));
      return structuredClone(await found);
    }

    /** the record as stored now (an ended session, a refused refresh: undefined) */
    async read(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === "Grant") return grants.find(id);
      const [stored, consumed] = await redis.mget(recordKey(this.model, id), secondKey(this.model, id));
      if (!stored) return this.model === "RefreshToken" && !requestMemo()?.has(`token:${id}`) ? this.rotatedToken(id) : undefined;
      if (this.model === "RefreshToken") return this.refreshToken(decodeRecord(this.model, id, stored), consumed);
      const payload = decodeRecord(this.model, id, stored);
      // introspection and revocation without a type hint look the value up as every kind at once: once it is
      // found as an access token, its lookup as a refresh token needs no rotated-token read (ids are random)
      if (this.model === "AccessToken" || this.model === "ClientCredentials") requestMemo()?.set(`token:${id}`, true);
      if (this.model === "Session") {
        if (consumed) return undefined; // the session was ended
        if (typeof payload.uid === "string") requestMemo()?.set(`uid:${payload.uid}`, id);
        return payload;
      }
      return consumed ? { ...payload, consumed: Number(consumed) } : payload;
    }

    /** a refresh token's stored record: filled in from its grant (refresh-token-records.ts), shown to the refresh check */
    async refreshToken(stored: AdapterPayload, consumed: string | null | undefined): Promise<AdapterPayload | undefined> {
      // a rotated token presented again within the grace window is refused as it always was, grant or not
      if (consumed) refuseWithinGrace(Number(consumed));
      const payload = await refreshTokens.fromRecord(stored);
      if (!payload) return undefined;
      if (consumed) return { ...payload, consumed: Number(consumed) };
      if (refreshCheck && atTokenEndpoint() && !(await refreshCheck(payload))) return undefined;
      return payload;
    }

    /** a refresh token rotated earlier (only its rotated entry is left), as oidc-provider needs to see its reuse (redis-consume.ts) */
    rotatedToken(id: string): Promise<AdapterPayload | undefined> {
      return consumption.rotatedToken(id);
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      // the session this request already read under that uid (the guard read it by its cookie)
      const known = requestMemo()?.get(`uid:${uid}`) as string | undefined;
      const id = known ?? sessionPointer(await redis.get(uidKey(uid)));
      return id ? this.find(id) : undefined;
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const id = await redis.get(userCodeKey(userCode));
      return id ? this.find(id) : undefined;
    }

    /** uses the code or token once (redis-consume.ts): a second use is refused, and may revoke its grant */
    consume(id: string): Promise<void> {
      return consumption.consume(this.model, id);
    }

    async destroy(id: string): Promise<void> {
      requestMemo()?.delete(`${this.model}:${id}`);
      // a Session's uid key stays: oidc-provider destroys the old record just before saving it under a new id
      // at each sign-in (the uid key must not blink); logout drops it through forgetSession
      await destroyRecord(this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      const index = grantIndexKey(grantId);
      const mine = (await redis.hkeys(index)).filter((m) => isMember(m) && splitMember(m).model === this.model);
      if (!mine.length) return;
      await Promise.all([...mine.map((m) => destroyRecord(this.model, splitMember(m).id)), redis.hdel(index, ...mine)]);
    }
  };
  return Object.assign(RedisAdapter, {
    /** a live session record by its id, or by its uid (the session store port: services/sessions/session-store.ts) */
    findSession: (jti: string) => new RedisAdapter("Session").find(jti),
    findSessionByUid: (uid: string) => new RedisAdapter("Session").findByUid(uid),
    /** installs the refresh check (the session records: idle and absolute timeouts); once, at start */
    setRefreshCheck(check: RefreshCheck): void {
      refreshCheck = check;
    },
    /** installs what endUserSessions awaits once sessions are gone (the session records); once, at start */
    setUserSessionsEndedHook(hook: UserSessionsEndedHook): void {
      sessionsEndedHook = hook;
    },

    // ending sessions and grants, the grant's team (redis-session-ends.ts)
    ...createSessionEnds({
      redis,
      grantTeams,
      isEnded,
      markSessionEnded,
      markRecordsEnded,
      destroySession,
      destroyGrant,
      endedHook: () => sessionsEndedHook,
    }),
  });
}

export type RedisAdapterClass = ReturnType<typeof createRedisAdapterFactory>;
export type { EndedSessions, UserSessionsEndedHook } from "./redis-session-ends.ts";
