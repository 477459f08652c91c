// oidc-provider storage in Redis: sessions, interactions, grants, codes and tokens. Each record is a compact JSON
// string (record-codec.ts) at `oidc:{Model:id}` that expires with the model; a consumed code or token also has `oidc:{Model:id}:consumed`
// (same hash tag, so the same slot). Indexes: `oidc:{uid:…}`, `oidc:{userCode:…}` and `oidc:{grant:…}` (a small
// hash of what a grant issued, which also holds the grant: grant-records.ts). No command spans two hash tags, so the same code runs on Redis Cluster.
// Consume is one atomic script: of two parallel uses of a code or refresh token, one wins; the other is refused
// and, outside the refresh grace window, the whole grant is revoked.
// Sessions: a uid key says "this session is alive" while it points at a record (the sessions page checks that, one
// pipelined round of GETs); ending a session (endSession, endUserSessions, logout through forgetSession) drops it. The
// same key holds the session's clock (services/sessions/session-key.ts: "id|end|exp|seen"), so it may outlive the
// pointer, whose end is written beside it; a value of the older layout (the id alone) reads as before.
// Index members are a model's letter and the id ("R" + id; redis-keys.ts), members in full ("RefreshToken:id") of
// the older layout still read and go.
// An ended session leaves a tombstone in its uid's slot (`oidc:{uid:…}:ended`, as long as the longest session
// lives) and a marker beside its record (`oidc:{Session:jti}:ended`): a request in flight on that session must
// not bring it back when oidc-provider saves it at the end of the request, so a Session upsert points the uid at
// the record in one script that checks the tombstone (and takes back what it wrote if the session was ended),
// and `find` reads the record with its marker in one MGET (a marked record finds nothing).
// Authorization codes are not in their grant's index: they live a minute, and exchanging one needs its grant.
// A grant's team sits beside its record and is read with it (grant-team.ts). Key names: redis-keys.ts; ending
// sessions and grants: redis-session-ends.ts; what is kept of a rotated refresh token: rotated-refresh-tokens.ts.
// `endSession(uid)` ends one session and its grants (revocation); a refresh token at the token endpoint is
// first shown to the refresh check (idle and absolute timeouts of its session), which may refuse it.
import { requestMemo } from "../lib/request-memo.ts";
import Provider, { errors, type Adapter, type AdapterPayload } from "oidc-provider";
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
import {
  grantIndexKey,
  inGrantIndex,
  isMember,
  markerKey,
  member,
  memberForms,
  recordKey,
  secondKey,
  sessionEndedKey,
  splitMember,
  tombstoneKey,
  uidKey,
  userCodeKey,
  userIndexKey,
} from "./redis-keys.ts";
import { createGrantTeamStore, rememberGrantTeam } from "./grant-team.ts";
import { createGrantRecords } from "./grant-records.ts";
import { createRotatedRefreshTokens } from "./rotated-refresh-tokens.ts";
import { decodeRecord, encodeRecord } from "./record-codec.ts";
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

/** a session ended in this request: none of the sessions it read may be taken as live any more */
function forgetSessionsRead(): true {
  const memo = requestMemo();
  for (const key of memo?.keys() ?? [])
    if (key.startsWith("Session:") || key.startsWith("uid:") || key.startsWith("saved:")) memo!.delete(key);
  return true;
}

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
  const rotated = createRotatedRefreshTokens(redis, { clock: opts.clock, detectionSeconds: opts.refreshReuseDetection });
  /** a rotated refresh token's record and marker stay this long (parallel uses, the grace window); then only its rotated entry */
  const rotatedRecordMs = Math.max(opts.refreshReuseGrace + 1, 10) * 1000;
  const destroyRecord = (model: string, id: string): Promise<unknown> => {
    if (model === "Grant") return grants.remove(id);
    requestMemo()?.delete(`${model}:${id}`);
    return redis.del(recordKey(model, id), markerKey(model, id));
  };
  const isEnded = async (uid: string) => Boolean(await redis.exists(tombstoneKey(uid)));
  const endedTtl = Math.max(1, opts.endedSessionTtl ?? opts.grantIndexTtl);
  /** the session's records (by id) are marked ended: a save of one by a request in flight is never found */
  const markRecordsEnded = (jtis: string[]) => Promise.all(jtis.map((jti) => redis.set(sessionEndedKey(jti), "1", "EX", endedTtl)));
  /** the tombstone: from now on no save of this session sticks (and what this request read of sessions is forgotten) */
  const markSessionEnded = (uid: string) => forgetSessionsRead() && redis.set(tombstoneKey(uid), "1", "EX", endedTtl);

  /** a session record and what points at it: its uid key (when it still names this record) and its index entry */
  async function destroySession(jti: string, session: StoredSession | null): Promise<void> {
    const writes: Promise<unknown>[] = [destroyRecord("Session", jti)];
    if (session?.uid) {
      const uid = session.uid;
      requestMemo()?.delete(`uid:${uid}`);
      writes.push(redis.get(uidKey(uid)).then((current) => (sessionPointer(current) === jti ? redis.del(uidKey(uid)) : 0)));
    }
    if (session?.accountId) writes.push(redis.hdel(userIndexKey(session.accountId), ...memberForms("Session", jti)));
    await Promise.all(writes);
  }

  /** deletes a grant and everything issued under it (codes, tokens), as oidc-provider's revoke does */
  async function destroyGrant(grantId: string): Promise<void> {
    const members = (await redis.hkeys(grantIndexKey(grantId))).filter(isMember);
    await Promise.all([
      ...members.map((m) => {
        const { model, id } = splitMember(m);
        return destroyRecord(model, id);
      }),
      redis.del(grantIndexKey(grantId)),
      destroyRecord("Grant", grantId),
    ]);
  }

  /** a record's string (a grant is stored in its index: grant-records.ts) */
  function setRecord(model: string, id: string, payload: AdapterPayload, expiresIn?: number): Promise<unknown> {
    const [key, json] = [recordKey(model, id), encodeRecord(model, id, payload)];
    // a result is only ever written onto a live interaction: never one a parallel request has consumed
    const onlyIfLive = model === "Interaction" && payload.result !== undefined;
    if (!expiresIn) return onlyIfLive ? redis.set(key, json, "XX") : redis.set(key, json);
    return onlyIfLive ? redis.set(key, json, "EX", expiresIn, "XX") : redis.set(key, json, "EX", expiresIn);
  }

  /** a record and its indexes (grant, user, uid, user code) */
  async function writeRecord(model: string, id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const writes = [model === "Grant" ? grants.write(id, payload, expiresIn) : setRecord(model, id, payload, expiresIn)];
    if (payload.grantId && inGrantIndex(model)) {
      const now = opts.clock.epoch();
      const replaced = model === "RefreshToken" ? takeReplacedMember(payload.grantId) : undefined;
      const args = [
        grantIndexKey(payload.grantId),
        member(model, id),
        expiresIn ? now + expiresIn : 0,
        Math.max(expiresIn ?? 0, opts.grantIndexTtl),
        now,
      ] as const;
      writes.push(replaced ? redis.gatehouseIndexAdd(...args, ...memberForms("RefreshToken", replaced)) : redis.gatehouseIndexAdd(...args));
    }
    if ((model === "Session" || model === "Grant") && payload.accountId) {
      const now = opts.clock.epoch();
      writes.push(
        redis.gatehouseIndexAdd(
          userIndexKey(payload.accountId),
          member(model, id),
          expiresIn ? now + expiresIn : 0,
          Math.max(expiresIn ?? 0, opts.grantIndexTtl),
          now,
        ),
      );
    }
    if (payload.userCode)
      writes.push(expiresIn ? redis.set(userCodeKey(payload.userCode), id, "EX", expiresIn) : redis.set(userCodeKey(payload.userCode), id));
    await Promise.all(writes);
  }

  /**
   * a consumed code or token leaves its grant's index. A refresh token consumed in a request (a refresh) leaves
   * with its successor's index entry, written later in the same request (takeReplacedMember); a refresh that
   * fails before saving one leaves the member behind, harmless (pruned once its token's expiry has passed)
   */
  const leaveGrantIndex = (grantId: string, model: string, id: string): void => {
    const memo = requestMemo();
    if (model === "RefreshToken" && memo) memo.set(`replaced:${grantId}`, id);
    else redis.hdel(grantIndexKey(grantId), ...memberForms(model, id)).catch(() => {});
  };
  const takeReplacedMember = (grantId: string): string | undefined => {
    const memo = requestMemo();
    const replaced = memo?.get(`replaced:${grantId}`) as string | undefined;
    if (replaced) memo!.delete(`replaced:${grantId}`);
    return replaced;
  };

  /** a rotated refresh token presented again at the token endpoint within the grace window: a concurrent refresh */
  const refuseWithinGrace = (consumedAt: number): void => {
    // refused without revoking the grant (the winner's new tokens stay valid); elsewhere (introspection,
    // revocation) the token is simply reported as consumed
    if (atTokenEndpoint() && opts.clock.epoch() - consumedAt < opts.refreshReuseGrace) {
      throw new errors.InvalidGrant("refresh token was just rotated; use the new refresh token");
    }
  };

  const RedisAdapter = class RedisAdapter implements Adapter {
    constructor(readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      const memo = requestMemo();
      memo?.delete(`${this.model}:${id}`);
      const sessionUid = this.model === "Session" && typeof payload.uid === "string" ? payload.uid : undefined;
      // an ended session is never written again (a request in flight on it saves it in its finally): the uid
      // is pointed at the record after the record is written, by a script that checks the tombstone, so an end
      // landing at any moment either finds this record through the uid (and ends it) or makes us take it back
      const [, ended] = await Promise.all([
        writeRecord(this.model, id, payload, expiresIn),
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
      if (this.model === "Grant") {
        const grant = await grants.read(id);
        if (grant) rememberGrantTeam(id, grant.team);
        return grant?.payload;
      }
      const [stored, consumed] = await redis.mget(recordKey(this.model, id), secondKey(this.model, id));
      if (!stored) return this.model === "RefreshToken" && !requestMemo()?.has(`token:${id}`) ? this.rotatedToken(id) : undefined;
      const payload = decodeRecord(this.model, id, stored);
      // introspection and revocation without a type hint look the value up as every kind at once: once it is
      // found as an access token, its lookup as a refresh token needs no rotated-token read (ids are random)
      if (this.model === "AccessToken" || this.model === "ClientCredentials") requestMemo()?.set(`token:${id}`, true);
      if (this.model === "Session") {
        if (consumed) return undefined; // the session was ended
        if (typeof payload.uid === "string") requestMemo()?.set(`uid:${payload.uid}`, id);
        return payload;
      }
      if (this.model === "RefreshToken" && refreshCheck && !consumed && atTokenEndpoint() && !(await refreshCheck(payload)))
        return undefined;
      if (!consumed) return payload;
      const consumedAt = Number(consumed);
      if (this.model === "RefreshToken") refuseWithinGrace(consumedAt);
      return { ...payload, consumed: consumedAt };
    }

    /**
     * a refresh token rotated earlier (only its rotated entry is left): what oidc-provider needs to see a reuse
     * and revoke the grant, its account and client taken from the grant (gone with the grant: simply unknown).
     * The client is the grant's, so a replay by any client of the grant revokes it.
     */
    async rotatedToken(id: string): Promise<AdapterPayload | undefined> {
      const token = await rotated.find(id);
      if (!token) return undefined;
      const stored = await grants.read(token.grantId);
      if (!stored) return undefined;
      refuseWithinGrace(token.consumedAt);
      const grant = stored.payload as {
        accountId?: string;
        clientId?: string;
        openid?: { scope?: string };
      };
      return {
        jti: id,
        kind: "RefreshToken",
        grantId: token.grantId,
        accountId: grant.accountId,
        clientId: grant.clientId,
        scope: grant.openid?.scope,
        iat: token.consumedAt,
        exp: token.exp,
        consumed: token.consumedAt,
      };
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

    async consume(id: string): Promise<void> {
      const now = opts.clock.epoch();
      const keepMs = this.model === "RefreshToken" ? rotatedRecordMs : 0;
      const [previous, json] = await redis.gatehouseConsume(recordKey(this.model, id), markerKey(this.model, id), now, keepMs);
      if (previous === -1) throw new errors.InvalidGrant(`${this.model} not found`);
      const stored = json ? decodeRecord(this.model, id, json) : undefined;
      const grantId = stored?.grantId;
      if (previous === 0) {
        // a rotated token leaves the grant's index (codes are not in it): with its successor's index entry when
        // this request saves one under the same grant (a refresh), else on its own, not awaited (a member left
        // behind is harmless, pruned once expired). Its reuse is detected through its rotated entry (its record
        // goes in seconds)
        if (grantId && inGrantIndex(this.model)) leaveGrantIndex(grantId, this.model, id);
        if (this.model === "RefreshToken" && grantId)
          await rotated.remember(id, { grantId, consumedAt: now, exp: Number(stored?.exp ?? now) });
        return;
      }
      // lost a race with a parallel use of the same code or token
      const withinGrace = this.model === "RefreshToken" && now - previous < opts.refreshReuseGrace;
      if (!withinGrace) {
        // the grant and everything it issued, and this used record too (it left the index when first used)
        await Promise.all([grantId ? destroyGrant(grantId) : undefined, destroyRecord(this.model, id)]);
      }
      throw new errors.InvalidGrant(`${this.model === "RefreshToken" ? "refresh token" : "authorization code"} already used`);
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
