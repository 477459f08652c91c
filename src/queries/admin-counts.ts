// The admin dashboard's headline counts: users (disabled ones counted apart), teams, and live sessions (session
// records not ended and not yet expired at `now`). Plain Prisma counts; the indexes on the tables suffice.
import type { PrismaClient } from "../generated/prisma/client.ts";

export type AdminCounts = { users: number; disabledUsers: number; teams: number; liveSessions: number };

export function createAdminCountQueries(db: PrismaClient) {
  return {
    async counts(now: Date): Promise<AdminCounts> {
      const [users, disabledUsers, teams, liveSessions] = await Promise.all([
        db.user.count(),
        db.user.count({ where: { disabled: true } }),
        db.team.count(),
        db.userSession.count({ where: { endedAt: null, expiresAt: { gt: now } } }),
      ]);
      return { users, disabledUsers, teams, liveSessions };
    },
  };
}

export type AdminCountQueries = ReturnType<typeof createAdminCountQueries>;
