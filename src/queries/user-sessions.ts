// user_sessions rows: one per SSO session (id = oidc-provider's Session uid). The only Prisma access for them.
import type { PrismaClient, UserSession } from "../generated/prisma/client.ts";

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
