// What ends sessions and grants in the Redis adapter's storage (redis-adapter.ts builds it with its record
// primitives): a logout's uid, one session (revocation), every session of a user (password change, disable, "sign
// out everywhere"), the grants of a team a user left; and the lookups these need (a user's session uids, whether
// sessions are alive, whether a session was ended before this request saved it). Every command touches one hash
// tag (Redis Cluster); the tombstone goes first, so a request in flight on an ended session cannot bring it back.
import { decodeRecord } from "./record-codec.ts";
import type { Redis } from "ioredis";
import { requestMemo } from "../lib/request-memo.ts";
import type { createGrantTeamStore } from "./grant-team.ts";
import type { EndedSessions, UserSessionsEndedHook } from "../services/sessions/session-store.ts";
import { isMember, memberForms, recordKey, splitMember, uidKey, userIndexKey } from "./redis-keys.ts";
import { sessionPointer, sessionPointerId } from "../services/sessions/session-key.ts";

export type StoredSession = { uid?: string; accountId?: string; authorizations?: Record<string, { sid?: string; grantId?: string }> };
const clientsOf = (s: StoredSession) => Object.entries(s.authorizations ?? {}).map(([clientId, a]) => ({ clientId, sid: a.sid ?? null }));

export type { EndedSessions, UserSessionsEndedHook } from "../services/sessions/session-store.ts";

export function createSessionEnds(deps: {
  redis: Redis;
  grantTeams: ReturnType<typeof createGrantTeamStore>;
  isEnded(uid: string): Promise<boolean>;
  markSessionEnded(uid: string): Promise<unknown>;
  markRecordsEnded(jtis: string[]): Promise<unknown>;
  destroySession(jti: string, session: StoredSession | null): Promise<void>;
  destroyGrant(grantId: string): Promise<void>;
  endedHook(): UserSessionsEndedHook | undefined;
}) {
  const { redis, grantTeams, isEnded, markSessionEnded, markRecordsEnded, destroySession, destroyGrant } = deps;
  return {
    /** after a logout (oidc-provider destroyed the record): the uid key goes too, and a tombstone stays */
    async forgetSession(uid: string): Promise<void> {
      await markSessionEnded(uid);
      const jti = sessionPointerId(await redis.getdel(uidKey(uid)));
      if (jti) await markRecordsEnded([jti]);
    },

    /** whether the session of this uid was ended (its tombstone is there): it must not be recorded again */
    sessionEnded: isEnded,

    /**
     * whether the session was ended before this request saved it: the save's own tombstone check answers when
     * this request saved it (no round trip), else the tombstone. An end after that save finds the saved record
     * through the uid and revokes every grant it names, this client's too, so nothing issued on it survives.
     */
    async endedBeforeSave(uid: string): Promise<boolean> {
      return requestMemo()?.has(`saved:${uid}`) ? false : isEnded(uid);
    },

    /** the uids of the user's sessions in Redis (from the user index; one GET per record, pipelined) */
    async userSessionUids(accountId: string): Promise<string[]> {
      const jtis = (await redis.hkeys(userIndexKey(accountId)))
        .filter(isMember)
        .map(splitMember)
        .filter((m) => m.model === "Session")
        .map((m) => m.id);
      const records = await Promise.all(jtis.map((jti) => redis.get(recordKey("Session", jti))));
      const uids = records
        .map((r, i) => (r ? (decodeRecord("Session", jtis[i]!, r) as StoredSession) : null))
        .filter((r) => r?.accountId === accountId)
        .map((r) => r!.uid);
      return [...new Set(uids.filter((u): u is string => Boolean(u)))];
    },

    /** for each uid, whether its session is alive (its uid key points at a record); one pipelined round of GETs, Cluster-safe */
    async sessionsAlive(uids: string[]): Promise<boolean[]> {
      return Promise.all(uids.map(async (uid) => sessionPointer(await redis.get(uidKey(uid))) !== null));
    },

    /**
     * ends one session: its record, its uid key, its index entry, and every grant it signed in with (so every
     * code, access and refresh token those grants issued). Null when it was already gone.
     */
    async endSession(
      uid: string,
    ): Promise<{ accountId: string | null; clients: { clientId: string; sid: string | null }[]; grants: number } | null> {
      // the tombstone first: from now on no save of this session sticks
      await markSessionEnded(uid);
      const jti = sessionPointer(await redis.get(uidKey(uid)));
      const [json] = jti ? await Promise.all([redis.get(recordKey("Session", jti)), markRecordsEnded([jti])]) : [null];
      if (!jti || !json) {
        if (jti) await redis.del(uidKey(uid));
        return null;
      }
      const session = decodeRecord("Session", jti, json) as StoredSession;
      const grantIds = Object.values(session.authorizations ?? {})
        .map((a) => a.grantId)
        .filter((g): g is string => Boolean(g));
      await Promise.all([destroySession(jti, session), ...grantIds.map((g) => destroyGrant(g))]);
      if (session.accountId && grantIds.length)
        await redis.hdel(userIndexKey(session.accountId), ...grantIds.flatMap((g) => memberForms("Grant", g)));
      return { accountId: session.accountId ?? null, clients: clientsOf(session), grants: grantIds.length };
    },

    /** deletes a grant and everything it issued (a refresh token refused by the refresh check takes its grant along) */
    destroyGrant,

    /** the team a grant's tokens speak for, and setting it (grant-team.ts) */
    grantTeam: grantTeams.grantTeam,
    setGrantTeam: grantTeams.setGrantTeam,

    /** revokes the user's grants that speak for `teamId` (they left or were removed from the team) */
    async revokeTeamGrants(accountId: string, teamId: string): Promise<number> {
      const index = userIndexKey(accountId);
      const grants = (await redis.hkeys(index))
        .filter(isMember)
        .map((field) => ({ field, ...splitMember(field) }))
        .filter((m) => m.model === "Grant");
      const teams = await Promise.all(grants.map((g) => grantTeams.grantTeam(g.id)));
      const mine = grants.filter((_, i) => teams[i] === teamId);
      await Promise.all(mine.map((g) => destroyGrant(g.id)));
      if (mine.length) await redis.hdel(index, ...mine.map((g) => g.field));
      return mine.length;
    },

    /**
     * ends every session of a user except `keepSessionId` and revokes every grant (so every code, access and
     * refresh token), the kept session's too: a stolen refresh token must not outlive a password change
     */
    async endUserSessions(accountId: string, keepSessionId?: string, reason = "password_changed"): Promise<EndedSessions> {
      const index = userIndexKey(accountId);
      const members = (await redis.hkeys(index)).filter(isMember).map((field) => ({ field, ...splitMember(field) }));
      const sessions = members.filter((m) => m.model === "Session" && m.id !== keepSessionId);
      const grants = members.filter((m) => m.model === "Grant");
      // what each session had signed in to, so those relying parties can be told (back-channel logout)
      // one GET per record (each its own hash tag: no MGET across slots), pipelined
      const records = await Promise.all(sessions.map((m) => redis.get(recordKey("Session", m.id))));
      const stored = records.map((r, i) => (r ? (decodeRecord("Session", sessions[i]!.id, r) as StoredSession) : null));
      await Promise.all([
        ...stored.map((r) => (r?.uid ? markSessionEnded(r.uid) : undefined)),
        markRecordsEnded(sessions.map((m) => m.id)),
      ]);
      await Promise.all([...sessions.map((m, i) => destroySession(m.id, stored[i] ?? null)), ...grants.map((m) => destroyGrant(m.id))]);
      const gone = [...sessions, ...grants].map((m) => m.field);
      if (gone.length) await redis.hdel(index, ...gone);
      const ended = stored.filter((r): r is StoredSession => Boolean(r)).map((r) => ({ uid: r.uid ?? null, clients: clientsOf(r) }));
      const result = { sessions: sessions.length, grants: grants.length, ended, reason };
      await deps.endedHook()?.(accountId, result);
      return result;
    },
  };
}
