// user_sessions rows: one per SSO session (id = oidc-provider's Session uid). The only Prisma access for them.
import type { PrismaClient, UserSession } from "../generated/prisma/client.ts";
import type { NewAuditEvent } from "./audit-events.ts";

export type { UserSession };

/** what a sign-in writes: the device, place and lifetime of the session as it is now; the client it signed in to, if any */
export type SessionSignIn = {
  id: string; userId: string; ip: string | null; userAgent: string | null; browser: string | null; os: string | null; deviceType: string | null;
  countryCode: string | null; city: string | null; remember: boolean; clientId: string | null; startedAt: Date; expiresAt: Date;
};
/** add: one more client for the row as it is; restart: new device details and lifetime (keepClients: same user's row) */
export type SignInMode = { restart: false } | { restart: true; keepClients: boolean };

export function createUserSessionQueries(db: PrismaClient) {
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
    async addClient(id: string, userId: string, clientId: string): Promise<boolean> {
      const updated = await db.$executeRaw`
        UPDATE user_sessions SET clients = CASE WHEN ${clientId} = ANY(clients) THEN clients ELSE array_append(clients, ${clientId}) END
        WHERE id = ${id} AND user_id = ${userId}::uuid AND ended_at IS NULL`;
      return updated === 1;
    },

    /**
     * a fresh sign-in of this session (one statement, race-free), audited by `event` in the same statement: the row
     * is (re)started with the device, place and lifetime as they are now; the clients of the same user's live row
     * stay (the new one added), any other row's clients are replaced by the new one
     */
    async startSignIn(row: SessionSignIn, event: NewAuditEvent): Promise<Date> {
      const first = row.clientId ? [row.clientId] : [];
      const [saved] = await db.$queryRaw<{ expiresAt: Date }[]>`
        WITH saved AS (
        INSERT INTO user_sessions (id, user_id, ip, user_agent, browser, os, device_type, country_code, city, remember, clients, started_at, last_active_at, expires_at)
        VALUES (${row.id}, ${row.userId}::uuid, ${row.ip}, ${row.userAgent}, ${row.browser}, ${row.os}, ${row.deviceType}, ${row.countryCode}, ${row.city},
          ${row.remember}, ${first}::text[], ${row.startedAt}::timestamp, ${row.startedAt}::timestamp, ${row.expiresAt}::timestamp)
        ON CONFLICT (id) DO UPDATE SET
          clients = CASE
            WHEN user_sessions.user_id <> EXCLUDED.user_id OR user_sessions.ended_at IS NOT NULL THEN EXCLUDED.clients
            WHEN ${row.clientId}::text IS NULL OR ${row.clientId}::text = ANY(user_sessions.clients) THEN user_sessions.clients
            ELSE array_append(user_sessions.clients, ${row.clientId}::text) END,
          user_id = EXCLUDED.user_id, ip = EXCLUDED.ip, user_agent = EXCLUDED.user_agent, browser = EXCLUDED.browser, os = EXCLUDED.os,
          device_type = EXCLUDED.device_type, country_code = EXCLUDED.country_code, city = EXCLUDED.city, remember = EXCLUDED.remember,
          started_at = EXCLUDED.started_at, last_active_at = EXCLUDED.last_active_at, expires_at = EXCLUDED.expires_at, ended_at = NULL, end_reason = NULL
        RETURNING expires_at
        ), audited AS (
          INSERT INTO audit_events (type, outcome, user_id, client_id, ip, user_agent, data, created_at)
          SELECT ${event.type}, ${event.outcome}, ${event.userId ?? null}::uuid, ${event.clientId ?? null}, ${event.ip ?? null}, ${event.userAgent?.slice(0, 512) ?? null},
            ${JSON.stringify(event.data ?? {})}::jsonb, ${new Date()}::timestamp FROM saved
        )
        SELECT expires_at AS "expiresAt" FROM saved`;
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
      const { count } = await db.userSession.updateMany({ where: { id: { in: ids }, endedAt: null, ...(userId ? { userId } : {}) }, data: { endedAt: at, endReason: reason } });
      return count;
    },
  };
}

export type UserSessionQueries = ReturnType<typeof createUserSessionQueries>;
