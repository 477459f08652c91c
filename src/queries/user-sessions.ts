// user_sessions rows: one per SSO session (id = oidc-provider's Session uid). The only Prisma access for them.
import type { PrismaClient, UserSession } from "../generated/prisma/client.ts";
import { AUDIT_COLUMNS, auditParams, auditValues, type NewAuditEvent } from "./audit-events.ts";
import type { Sql } from "../db/sql.ts";

export type { UserSession };

/** what a sign-in writes: the device, place and lifetime of the session as it is now; the client it signed in to, if any */
export type SessionSignIn = {
  id: string;
  userId: string;
  ip: string | null;
  userAgent: string | null;
  browser: string | null;
  os: string | null;
  deviceType: string | null;
  countryCode: string | null;
  city: string | null;
  remember: boolean;
  clientId: string | null;
  startedAt: Date;
  expiresAt: Date;
};
/** add: one more client for the row as it is; restart: new device details and lifetime (keepClients: same user's row) */
export type SignInMode = { restart: false } | { restart: true; keepClients: boolean };

export function createUserSessionQueries(db: PrismaClient, sql: Sql) {
  return {
    find: (id: string) => db.userSession.findUnique({ where: { id } }),

    /**
     * a sign-in, race-free: one upsert (INSERT ... ON CONFLICT, so parallel first sign-ins of one session both
     * succeed) and the client appended in SQL when not there yet (parallel SSO to two clients keeps both)
     */
    async recordSignIn(row: SessionSignIn, mode: SignInMode): Promise<UserSession> {
      const { clientId, id, ...fields } = row;
      const restart = { ...fields, lastActiveAt: row.startedAt, endedAt: null, endReason: null };
      const saved = await db.userSession.upsert({
        where: { id },
        create: { id, ...fields, clients: clientId ? [clientId] : [], lastActiveAt: row.startedAt },
        update: mode.restart ? (mode.keepClients ? restart : { ...restart, clients: [] }) : {},
      });
      if (!clientId || saved.clients.includes(clientId)) return saved;
      await db.$executeRaw`UPDATE user_sessions SET clients = array_append(clients, ${clientId}) WHERE id = ${id} AND NOT (${clientId} = ANY(clients))`;
      return (await db.userSession.findUnique({ where: { id } })) ?? saved;
    },

    /** one more client for the user's live row (one statement); false when there is no such row */
    addClient: async (id: string, userId: string, clientId: string): Promise<boolean> =>
      (await sql.run(
        "session-add-client",
        `
        UPDATE user_sessions SET clients = CASE WHEN $3 = ANY(clients) THEN clients ELSE array_append(clients, $3) END
        WHERE id = $1 AND user_id = $2::uuid AND ended_at IS NULL`,
        [id, userId, clientId],
      )) === 1,

    /**
     * a fresh sign-in of this session (one statement, race-free), audited by `event` in the same statement: the row
     * is (re)started with the device, place and lifetime as they are now; the clients of the same user's live row
     * stay (the new one added), any other row's clients are replaced by the new one
     */
    async startSignIn(row: SessionSignIn, event: NewAuditEvent): Promise<Date> {
      const [saved] = await sql.rows<{ expiresAt: Date }>(
        "session-start",
        `
        WITH saved AS (
          INSERT INTO user_sessions (id, user_id, ip, user_agent, browser, os, device_type, country_code, city, remember, clients, started_at, last_active_at, expires_at)
          VALUES ($1, $2::uuid, $3, $4, $5, $6, $7, $8, $9, $10, CASE WHEN $11::text IS NULL THEN '{}'::text[] ELSE ARRAY[$11::text] END, $12::timestamp, $12::timestamp, $13::timestamp)
          ON CONFLICT (id) DO UPDATE SET
            clients = CASE
              WHEN user_sessions.user_id <> EXCLUDED.user_id OR user_sessions.ended_at IS NOT NULL THEN EXCLUDED.clients
              WHEN $11::text IS NULL OR $11::text = ANY(user_sessions.clients) THEN user_sessions.clients
              ELSE array_append(user_sessions.clients, $11::text) END,
            user_id = EXCLUDED.user_id, ip = EXCLUDED.ip, user_agent = EXCLUDED.user_agent, browser = EXCLUDED.browser, os = EXCLUDED.os,
            device_type = EXCLUDED.device_type, country_code = EXCLUDED.country_code, city = EXCLUDED.city, remember = EXCLUDED.remember,
            started_at = EXCLUDED.started_at, last_active_at = EXCLUDED.last_active_at, expires_at = EXCLUDED.expires_at, ended_at = NULL, end_reason = NULL
          RETURNING expires_at
        ), audited AS (
          INSERT INTO audit_events (${AUDIT_COLUMNS}) SELECT ${auditValues(13).slice(1, -1)} FROM saved
        )
        SELECT expires_at AS "expiresAt" FROM saved`,
        [
          row.id,
          row.userId,
          row.ip,
          row.userAgent,
          row.browser,
          row.os,
          row.deviceType,
          row.countryCode,
          row.city,
          row.remember,
          row.clientId,
          row.startedAt.toISOString(),
          row.expiresAt.toISOString(),
          ...auditParams(event, new Date().toISOString()),
        ],
      );
      return saved!.expiresAt;
    },

    /** a user's sessions that are neither ended nor past their absolute end, newest first */
    listActive: (userId: string, now: Date) =>
      db.userSession.findMany({ where: { userId, endedAt: null, expiresAt: { gt: now } }, orderBy: { startedAt: "desc" } }),

    /** last active, written at most once per SESSION_ACTIVITY_RESOLUTION (the caller's gate) */
    touch: (id: string, at: Date) => db.userSession.updateMany({ where: { id, endedAt: null }, data: { lastActiveAt: at } }),

    /** marks rows ended (only those not already ended: the first reason stays); returns how many */
    async markEnded(ids: string[], reason: string, at: Date, userId?: string): Promise<number> {
      if (!ids.length) return 0;
      const { count } = await db.userSession.updateMany({
        where: { id: { in: ids }, endedAt: null, ...(userId ? { userId } : {}) },
        data: { endedAt: at, endReason: reason },
      });
      return count;
    },
  };
}

export type UserSessionQueries = ReturnType<typeof createUserSessionQueries>;
