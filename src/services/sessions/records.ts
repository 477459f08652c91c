// Session records (user_sessions, one row per oidc-provider Session uid): written when a session signs a user
// in to a client, listed per user without scanning Redis (Postgres rows, then one pipelined check of the uid
// keys), and ended in one place (revoke, revoke by an admin, idle or absolute timeout, single-session policy,
// password change, logout): the Redis session and its grants go, the row gets endedAt + endReason, relying
// parties hear it through back-channel logout, and the end is audited. Timeouts use the app clock
// (activity.ts): checked at each request carrying the session cookie (which is the session's activity), at
// each refresh of its tokens and at each listing (which only check). An end is claimed on the row first, so of
// two parallel ends of one session only one acts (one audit, one back-channel logout). A signed-in session
// without a clock (a login that issued no code) gets one from its login time, never a pass.
import type { RedisClient } from "../../db/redis.ts";
import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../lib/logger.ts";
import type { Config } from "../../config/load.ts";
import type { UserSession, UserSessionQueries } from "../../queries/user-sessions.ts";
import type { EndedSessions, SessionStore } from "./session-store.ts";
import type { Geo } from "../request/geo.ts";
import type { SessionEvents } from "../session-events.ts";
import type { AuditContext, AuditService } from "../audit.ts";
import { createSessionActivity, type ActivityOutcome } from "./activity.ts";
import { describeSessionDevice } from "./device.ts";

export type SessionRecordDeps = {
  queries: UserSessionQueries;
  store: SessionStore;
  redis: RedisClient;
  clock: Clock;
  geo: Geo;
  sessionEvents: SessionEvents;
  audit: AuditService;
  settings: Config["session"];
  log: Logger;
};

/** why a session ended (user_sessions.end_reason); "disabled": the account was disabled (user-account-actions.ts, through endUserSessions) */
export type EndReason = "revoked" | "revoked_by_admin" | "idle" | "expired" | "single_session" | "logout" | "password_changed" | "disabled";
export type { UserSession };
export type SignIn = {
  uid: string;
  userId: string;
  clientId: string | null;
  remember: boolean;
  ip: string | null;
  userAgent: string | null;
  fresh: boolean;
};
/** `via`: the surface an admin ended it through (admin_page, api, cli), recorded as data.via */
export type EndOptions = { reason: EndReason; actorId?: string | null; via?: string; request?: AuditContext };

const AUDIT_TYPE: Record<EndReason, string> = {
  revoked: "session.revoked",
  revoked_by_admin: "session.revoked",
  idle: "session.idle_timeout",
  expired: "session.expired",
  single_session: "session.single_session_replaced",
  logout: "session.logout",
  password_changed: "session.ended",
  disabled: "session.ended",
};

export function createSessionRecords(deps: SessionRecordDeps) {
  const { queries, store, clock, settings, audit } = deps;
  const activity = createSessionActivity({
    redis: deps.redis,
    resolution: settings.activityResolution,
    idleTimeout: settings.idleTimeout,
    keepAfterEnd: settings.grantTtl,
  });

  const lifetimeOf = (remember: boolean) => (remember ? settings.rememberTtl : settings.ttl);

  /** ends one session everywhere; the row must belong to `userId` (checked by the callers); false: another call ended it */
  async function endOne(row: Pick<UserSession, "id" | "userId" | "startedAt">, opts: EndOptions): Promise<boolean> {
    const now = clock.now();
    // the claim: only the call that marks the row ended goes on
    if (!(await queries.markEnded([row.id], opts.reason, now, row.userId))) return false;
    return endInRedis(row.id, row.userId, row.startedAt, opts);
  }

  /** the Redis side of an end (the session, its grants, its clock), back-channel logout and the audit */
  async function endInRedis(uid: string, userId: string, startedAt: Date | null, opts: EndOptions): Promise<boolean> {
    const now = clock.now();
    const ended = await store.endSession(uid);
    await activity.forget(uid);
    if (!ended && startedAt === null) return false; // no row and nothing left in Redis: nothing was ended
    const row = { id: uid, userId };
    if (ended?.clients.length) {
      deps.sessionEvents.sessionsEnded(row.userId, {
        sessions: 1,
        grants: ended.grants,
        ended: [{ uid: row.id, clients: ended.clients }],
        reason: opts.reason,
      });
    }
    await audit.record({
      type: AUDIT_TYPE[opts.reason],
      outcome: "success",
      userId: row.userId,
      actorId: opts.actorId ?? null,
      ...opts.request,
      data: {
        sessionId: row.id,
        reason: opts.reason,
        recorded: startedAt !== null,
        ...(startedAt ? { durationSeconds: Math.max(0, Math.round((now.getTime() - startedAt.getTime()) / 1000)) } : {}),
        ...(opts.via ? { via: opts.via } : {}),
      },
    });
    return true;
  }

  type Stored = { accountId?: unknown; loginTs?: unknown; transient?: unknown } | undefined;

  /** a signed-in session without a clock: started from its login time (so an idle one is idle now), or expired */
  async function startClock(uid: string, mode: "touch" | "check", stored?: Stored): Promise<ActivityOutcome> {
    const session: Stored = stored ?? (await store.findSessionByUid(uid));
    if (!session?.accountId || typeof session.loginTs !== "number") return "unknown"; // nobody signed in: nothing to time
    const now = clock.epoch();
    const exp = session.loginTs + lifetimeOf(!session.transient);
    if (now >= exp) return "expired";
    await activity.start(uid, Math.min(session.loginTs, now), exp);
    return mode === "touch" ? activity.touch(uid, now) : activity.check(uid, now);
  }

  /**
   * a request carrying the session cookie (touch: activity) or a refresh or listing (check: not activity) of a
   * session: dead sessions end, due activity is written
   */
  async function onActivity(uid: string, mode: "touch" | "check", request?: AuditContext, stored?: Stored): Promise<ActivityOutcome> {
    let outcome = mode === "touch" ? await activity.touch(uid, clock.epoch()) : await activity.check(uid, clock.epoch());
    if (outcome === "unknown") outcome = await startClock(uid, mode, stored);
    if (outcome === "write") await queries.touch(uid, clock.now());
    if (outcome === "idle" || outcome === "expired") {
      const row = await queries.find(uid);
      if (row && !row.endedAt) await endOne(row, { reason: outcome, request });
      else {
        await store.endSession(uid);
        await activity.forget(uid);
      }
    }
    return outcome;
  }

  /** password change or reset (endUserSessions): the ended sessions' rows */
  store.setUserSessionsEndedHook(async (accountId: string, ended: EndedSessions) => {
    const uids = ended.ended.map((e) => e.uid).filter((u): u is string => Boolean(u));
    await Promise.all(uids.map((u) => activity.forget(u)));
    await queries.markEnded(uids, ended.reason ?? "password_changed", clock.now(), accountId);
  });

  /** a refresh grant: a token of an idle or expired session fails (and takes its grant along); a refresh is NOT activity */
  store.setRefreshCheck(async (payload) => {
    const uid = typeof payload.sessionUid === "string" ? payload.sessionUid : undefined;
    if (!uid) return true;
    const outcome = await onActivity(uid, "check");
    if (outcome !== "idle" && outcome !== "expired") return true;
    if (typeof payload.grantId === "string") await store.destroyGrant(payload.grantId);
    return false;
  });

  return {
    settings,

    /**
     * a session signed a user in (`fresh`: a login; else SSO), to a client when a code was issued (`clientId`);
     * false when the session was ended meanwhile: an ended row is never revived, except by a fresh login
     */
    async recordSignIn(s: SignIn): Promise<boolean> {
      // SSO (or the code after a login's consent): one more client for the user's live row, one statement
      // (an end after this request saved the session revoked the grant behind the code: the save's check suffices)
      if (!s.fresh && s.clientId && (await queries.addClient(s.uid, s.userId, s.clientId))) return !(await store.endedBeforeSave(s.uid));
      const startedAt = clock.now();
      const lifetime = lifetimeOf(s.remember);
      const device = await describeSessionDevice(deps.geo, s.ip, s.userAgent);
      const row = {
        id: s.uid,
        userId: s.userId,
        ip: s.ip,
        userAgent: s.userAgent?.slice(0, 512) ?? null,
        ...device,
        remember: s.remember,
        clientId: s.clientId,
        startedAt,
        expiresAt: new Date(startedAt.getTime() + lifetime * 1000),
      };
      if (!s.fresh) {
        // no live row of this user: an ended row is never revived but by a fresh login; another user's is restarted
        const existing = await queries.find(s.uid);
        if (existing?.endedAt) return false;
        if (existing?.userId === s.userId) {
          await queries.recordSignIn(row, { restart: false });
          return !(await store.sessionEnded(s.uid));
        }
      }
      const expiresAt = await queries.startSignIn(row, {
        type: "session.created",
        outcome: "success",
        userId: s.userId,
        clientId: s.clientId,
        ip: s.ip,
        userAgent: s.userAgent,
        data: {
          sessionId: s.uid,
          remember: s.remember,
          deviceType: device.deviceType,
          countryCode: device.countryCode,
          lifetimeSeconds: lifetime,
        },
      });
      // ended before or while the row was written (a restart cleared endedAt): the row ends again, no clock starts
      if (await store.sessionEnded(s.uid)) {
        await queries.markEnded([s.uid], "revoked", clock.now(), s.userId);
        return false;
      }
      await activity.start(s.uid, clock.epoch(), Math.floor(expiresAt.getTime() / 1000));
      return true;
    },

    /** a request carrying the session cookie (session-guard.ts): the session's stored record by its cookie id */
    async onRequest(jti: string, request: AuditContext): Promise<ActivityOutcome> {
      const stored = await store.findSession(jti);
      const uid = typeof stored?.uid === "string" && stored.accountId ? stored.uid : undefined;
      return uid ? onActivity(uid, "touch", request, stored) : "unknown";
    },

    /** oidc-provider's logout destroyed the session: its uid key and clock go, the row ends */
    async loggedOut(uid: string, userId: string, request: AuditContext): Promise<void> {
      await store.forgetSession(uid);
      await activity.forget(uid);
      const row = await queries.find(uid);
      if (!row || row.userId !== userId || row.endedAt) return;
      await queries.markEnded([uid], "logout", clock.now(), userId);
      await audit.record({
        type: "session.logout",
        outcome: "success",
        userId,
        ...request,
        data: { sessionId: uid, reason: "logout", durationSeconds: Math.round((clock.now().getTime() - row.startedAt.getTime()) / 1000) },
      });
    },

    /**
     * the user's live sessions, newest first; rows whose Redis session is gone are marked ended on the way, and
     * idle or expired ones (app clock, checked in one pipelined round, not activity) are ended
     */
    async listActive(userId: string): Promise<UserSession[]> {
      const now = clock.now();
      const rows = await queries.listActive(userId, now);
      if (!rows.length) return rows;
      const alive = await store.sessionsAlive(rows.map((r) => r.id));
      const gone = rows.filter((_, i) => !alive[i]).map((r) => r.id);
      if (gone.length) await queries.markEnded(gone, "expired", now, userId);
      const live = rows.filter((_, i) => alive[i]);
      const outcomes = await Promise.all(live.map((r) => activity.check(r.id, clock.epoch())));
      const dead = live.filter((_, i) => outcomes[i] === "idle" || outcomes[i] === "expired");
      for (const row of dead) await endOne(row, { reason: outcomes[live.indexOf(row)] as "idle" | "expired" });
      return live.filter((r) => !dead.includes(r));
    },

    /** ends one of the user's sessions; another user's (or an unknown, or an ended) session is not_found */
    async revoke(userId: string, sessionId: string, opts: EndOptions): Promise<{ outcome: "revoked" } | { outcome: "not_found" }> {
      const row = await queries.find(sessionId);
      if (!row || row.userId !== userId || row.endedAt) return { outcome: "not_found" };
      return (await endOne(row, opts)) ? { outcome: "revoked" } : { outcome: "not_found" };
    },

    /**
     * ends every live session of the user except `keepUid` (none: all of them), those with a row and those the
     * Redis user index knows without one (or with a row already ended); returns the ended ids
     */
    async revokeAll(userId: string, opts: EndOptions & { keepUid?: string }): Promise<string[]> {
      const listed = (await this.listActive(userId)).filter((r) => r.id !== opts.keepUid);
      const ended: string[] = [];
      for (const row of listed) if (await endOne(row, opts)) ended.push(row.id);
      const seen = new Set([...listed.map((r) => r.id), opts.keepUid]);
      for (const uid of (await store.userSessionUids(userId)).filter((u) => !seen.has(u))) {
        const row = await queries.find(uid);
        if (row && row.userId !== userId) continue;
        const done = row && !row.endedAt ? await endOne(row, opts) : await endInRedis(uid, userId, null, opts);
        if (done) ended.push(uid);
      }
      return ended;
    },
  };
}

export type SessionRecords = ReturnType<typeof createSessionRecords>;
