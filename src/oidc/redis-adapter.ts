// oidc-provider storage in Redis: sessions, interactions, grants, codes and tokens. Each record is a compact JSON
// string (record-codec.ts) at `oidc:{Model:id}` that expires with the model. Indexes: `oidc:{uid:…}`,
// `oidc:{userCode:…}` and `oidc:{grant:…}` (a small hash of what a grant issued, which also holds the grant:
// grant-records.ts). No command spans two hash tags, so the same code runs on Redis Cluster.
// This file is the adapter's factory (the class: redis-model-adapter.ts); the rest, by purpose: writing and deleting records and their
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
import Provider from "oidc-provider";
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
import { createGrantTeamStore } from "./grant-team.ts";
import { createGrantRecords } from "./grant-records.ts";
import { createRefreshTokenRecords } from "./refresh-token-records.ts";
import { createRecordWrites } from "./redis-record-writes.ts";
import { createConsume } from "./redis-consume.ts";
import { createSessionRecords } from "./redis-session-records.ts";
import { createSessionEnds, type UserSessionsEndedHook } from "./redis-session-ends.ts";
import { RedisModelAdapter, type AdapterParts, type RefreshCheck } from "./redis-model-adapter.ts";

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

export type { RefreshCheck } from "./redis-model-adapter.ts";

export function createRedisAdapterFactory(opts: RedisAdapterOptions) {
  const redis = opts.redis as Redis & Commands;
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
  const { destroyRecord, destroyGrant } = records;
  const { isEnded, markRecordsEnded, markSessionEnded, destroySession } = createSessionRecords(redis, destroyRecord, opts);
  const consumption = createConsume({ redis, opts, atTokenEndpoint, grants, records });

  const parts: AdapterParts = {
    redis,
    grants,
    records,
    consumption,
    refreshTokens: createRefreshTokenRecords(grants),
    destroySession,
    atTokenEndpoint,
  };
  const RedisAdapter = class RedisAdapter extends RedisModelAdapter {
    constructor(model: string) {
      super(model, parts);
    }
  };
  return Object.assign(RedisAdapter, {
    /** a live session record by its id, or by its uid (the session store port: services/sessions/session-store.ts) */
    findSession: (jti: string) => new RedisAdapter("Session").find(jti),
    findSessionByUid: (uid: string) => new RedisAdapter("Session").findByUid(uid),
    /** installs the refresh check (the session records: idle and absolute timeouts); once, at start */
    setRefreshCheck(check: RefreshCheck): void {
      parts.refreshCheck = check;
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
