// user_sessions rows: one per SSO session (id = oidc-provider's Session uid). The only Prisma access for them.
import type { PrismaClient, UserSession } from "../generated/prisma/client.ts";

export type { UserSession };

/** what a sign-in writes: the device, place and lifetime of the session as it is now */
export type SessionSignIn = {
  id: string; userId: string; ip: string | null; userAgent: string | null; browser: string | null; os: string | null; deviceType: string | null;
  countryCode: string | null; city: string | null; remember: boolean; clientId: string; startedAt: Date; expiresAt: Date;
};

export function createUserSessionQueries(db: PrismaClient) {
  return {
    find: (id: string) => db.userSession.findUnique({ where: { id } }),

    /**
     * a sign-in: a new row, or (`fresh`: a new login in the same browser) new device details and lifetime; a
     * session signing in to one more client only adds it to `clients`
     */
    async recordSignIn(row: SessionSignIn, fresh: boolean): Promise<UserSession> {
      const { clientId, ...fields } = row;
      const existing = await db.userSession.findUnique({ where: { id: row.id }, select: { clients: true, userId: true } });
      if (!existing) {
        return db.userSession.create({ data: { ...fields, clients: [clientId], lastActiveAt: row.startedAt } });
      }
      const clients = existing.clients.includes(clientId) ? existing.clients : [...existing.clients, clientId];
      const { id: _id, ...update } = fields;
      return db.userSession.update({
        where: { id: row.id },
        data: fresh || existing.userId !== row.userId
          ? { ...update, clients: existing.userId === row.userId ? clients : [clientId], lastActiveAt: row.startedAt, endedAt: null, endReason: null }
          : { clients },
      });
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
