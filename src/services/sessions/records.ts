// Session records (user_sessions, one row per oidc-provider Session uid): written when a session signs a user
// in to a client, listed per user without scanning Redis (Postgres rows, then one pipelined check of the uid
// keys), and ended in one place (revoke, revoke by an admin, idle or absolute timeout, single-session policy,
// password change, logout): the Redis session and its grants go, the row gets endedAt + endReason, relying
// parties hear it through back-channel logout, and the end is audited. Timeouts use the app clock
// (activity.ts): checked at each request carrying the session cookie and at each refresh of its tokens.
import type { RedisClient } from "../../db/redis.ts";
import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../lib/logger.ts";
import type { Config } from "../../config/load.ts";
import type { UserSession, UserSessionQueries } from "../../queries/user-sessions.ts";
import type { EndedSessions, RedisAdapterClass } from "../../oidc/redis-adapter.ts";
import type { Geo } from "../request/geo.ts";
import type { SessionEvents } from "../session-events.ts";
import type { AuditContext, AuditService } from "../audit.ts";
import { createSessionActivity, type ActivityOutcome } from "./activity.ts";
import { describeSessionDevice } from "./device.ts";

export type SessionRecordDeps = {
  queries: UserSessionQueries; store: RedisAdapterClass; redis: RedisClient; clock: Clock; geo: Geo;
  sessionEvents: SessionEvents; audit: AuditService; settings: Config["session"]; log: Logger;
};

export type EndReason = "revoked" | "revoked_by_admin" | "idle" | "expired" | "single_session" | "logout" | "password_changed";
export type { UserSession };
export type SignIn = { uid: string; userId: string; clientId: string; remember: boolean; ip: string | null; userAgent: string | null; fresh: boolean };
export type EndOptions = { reason: EndReason; actorId?: string | null; request?: AuditContext };

const AUDIT_TYPE: Record<EndReason, string> = {
  revoked: "session.revoked", revoked_by_admin: "session.revoked", idle: "session.idle_timeout", expired: "session.expired",
  single_session: "session.single_session_replaced", logout: "session.logout", password_changed: "session.ended",
};

export function createSessionRecords(deps: SessionRecordDeps) {
  const { queries, store, clock, settings, audit } = deps;
  const activity = createSessionActivity({ redis: deps.redis, resolution: settings.activityResolution, idleTimeout: settings.idleTimeout, keepAfterEnd: settings.grantTtl });
  const sessions = new store("Session");

  /** ends one session everywhere; the row must belong to `userId` (checked by the callers) */
  async function endOne(row: Pick<UserSession, "id" | "userId" | "startedAt">, opts: EndOptions): Promise<void> {
    const now = clock.now();
    const ended = await store.endSession(row.id);
    await activity.forget(row.id);
    await queries.markEnded([row.id], opts.reason, now, row.userId);
    if (ended?.clients.length) {
      deps.sessionEvents.sessionsEnded(row.userId, { sessions: 1, grants: ended.grants, ended: [{ uid: row.id, clients: ended.clients }], reason: opts.reason });
    }
    await audit.record({
      type: AUDIT_TYPE[opts.reason], outcome: "success", userId: row.userId, actorId: opts.actorId ?? null, ...opts.request,
      data: { sessionId: row.id, reason: opts.reason, durationSeconds: Math.max(0, Math.round((now.getTime() - row.startedAt.getTime()) / 1000)) },
    });
  }

  /** after a request or refresh of a live session: dead sessions end, due activity is written */
  async function onActivity(uid: string, request?: AuditContext): Promise<ActivityOutcome> {
    const outcome = await activity.touch(uid, clock.epoch());
    if (outcome === "write") await queries.touch(uid, clock.now());
    if (outcome === "idle" || outcome === "expired") {
      const row = await queries.find(uid);
      if (row && !row.endedAt) await endOne(row, { reason: outcome, request });
      else { await store.endSession(uid); await activity.forget(uid); }
    }
    return outcome;
  }

  /** password change or reset (endUserSessions): the ended sessions' rows */
  store.setUserSessionsEndedHook(async (accountId: string, ended: EndedSessions) => {
    const uids = ended.ended.map((e) => e.uid).filter((u): u is string => Boolean(u));
    await Promise.all(uids.map((u) => activity.forget(u)));
    await queries.markEnded(uids, ended.reason ?? "password_changed", clock.now(), accountId);
  });

  /** a refresh grant: a token of an idle or expired session fails (and takes its grant along); a refresh is activity */
  store.setRefreshCheck(async (payload) => {
    const uid = typeof payload.sessionUid === "string" ? payload.sessionUid : undefined;
    if (!uid) return true;
    const outcome = await onActivity(uid);
    if (outcome !== "idle" && outcome !== "expired") return true;
    if (payload.grantId) await store.destroyGrant(payload.grantId);
    return false;
  });

  return {
    settings,

    /** a session signed a user in to a client (a new login, or SSO to one more client) */
    async recordSignIn(s: SignIn): Promise<UserSession> {
      const startedAt = clock.now();
      const lifetime = s.remember ? settings.rememberTtl : settings.ttl;
      const existing = s.fresh ? null : await queries.find(s.uid);
      const restart = !existing || existing.userId !== s.userId || existing.endedAt !== null;
      const device = await describeSessionDevice(deps.geo, s.ip, s.userAgent);
      const row = await queries.recordSignIn({
        id: s.uid, userId: s.userId, ip: s.ip, userAgent: s.userAgent?.slice(0, 512) ?? null, ...device, remember: s.remember, clientId: s.clientId,
        startedAt, expiresAt: new Date(startedAt.getTime() + lifetime * 1000),
      }, restart);
      if (restart) {
        await activity.start(s.uid, clock.epoch(), Math.floor(row.expiresAt.getTime() / 1000));
        await audit.record({
          type: "session.created", outcome: "success", userId: s.userId, clientId: s.clientId, ip: s.ip, userAgent: s.userAgent,
          data: { sessionId: s.uid, remember: s.remember, deviceType: device.deviceType, countryCode: device.countryCode, lifetimeSeconds: lifetime },
        });
      }
      return row;
    },

    /** a request carrying the session cookie (session-guard.ts): the session's stored record by its cookie id */
    async onRequest(jti: string, request: AuditContext): Promise<ActivityOutcome> {
      const stored = await sessions.find(jti);
      const uid = typeof stored?.uid === "string" && stored.accountId ? stored.uid : undefined;
      return uid ? onActivity(uid, request) : "unknown";
    },

    /** oidc-provider's logout destroyed the session: its uid key and clock go, the row ends */
    async loggedOut(uid: string, userId: string, request: AuditContext): Promise<void> {
      await store.forgetSession(uid);
      await activity.forget(uid);
      const row = await queries.find(uid);
      if (!row || row.userId !== userId || row.endedAt) return;
      await queries.markEnded([uid], "logout", clock.now(), userId);
      await audit.record({ type: "session.logout", outcome: "success", userId, ...request, data: { sessionId: uid, reason: "logout", durationSeconds: Math.round((clock.now().getTime() - row.startedAt.getTime()) / 1000) } });
    },

    /** the user's live sessions, newest first; rows whose Redis session is gone are marked ended on the way */
    async listActive(userId: string): Promise<UserSession[]> {
      const now = clock.now();
      const rows = await queries.listActive(userId, now);
      if (!rows.length) return rows;
      const alive = await store.sessionsAlive(rows.map((r) => r.id));
      const gone = rows.filter((_, i) => !alive[i]).map((r) => r.id);
      if (gone.length) await queries.markEnded(gone, "expired", now, userId);
      return rows.filter((_, i) => alive[i]);
    },

    /** ends one of the user's sessions; another user's (or an unknown, or an ended) session is not_found */
    async revoke(userId: string, sessionId: string, opts: EndOptions): Promise<{ outcome: "revoked" } | { outcome: "not_found" }> {
      const row = await queries.find(sessionId);
      if (!row || row.userId !== userId || row.endedAt) return { outcome: "not_found" };
      await endOne(row, opts);
      return { outcome: "revoked" };
    },

    /** ends every live session of the user except `keepUid` (none: all of them); returns the ended ids */
    async revokeAll(userId: string, opts: EndOptions & { keepUid?: string }): Promise<string[]> {
      const others = (await this.listActive(userId)).filter((r) => r.id !== opts.keepUid);
      for (const row of others) await endOne(row, opts);
      return others.map((r) => r.id);
    },
  };
}

export type SessionRecords = ReturnType<typeof createSessionRecords>;
