// login_locations rows: where each successful sign-in came from (address, its network, country, coordinates),
// read back newest first for the suspicious-login rules. Reads and deletes go through the (user_id, created_at) index.
import type { PrismaClient } from "../generated/prisma/client.ts";

export type LoginLocationRow = {
  ip: string; network: string; countryCode: string | null; latitude: number | null; longitude: number | null; createdAt: Date;
};

export function createLoginLocationQueries(db: PrismaClient) {
  return {
    record: (row: { userId: string } & LoginLocationRow) => db.loginLocation.create({ data: row, select: { id: true } }),

    /** the user's sign-ins since `since`, newest first, at most `limit` */
    recent: (userId: string, since: Date, limit: number): Promise<LoginLocationRow[]> =>
      db.loginLocation.findMany({
        where: { userId, createdAt: { gte: since } },
        orderBy: { createdAt: "desc" },
        take: limit,
        select: { ip: true, network: true, countryCode: true, latitude: true, longitude: true, createdAt: true },
      }),

    /** forgets the user's sign-ins older than `before` (they no longer count for the rules) */
    pruneBefore: (userId: string, before: Date) => db.loginLocation.deleteMany({ where: { userId, createdAt: { lt: before } } }),
  };
}

export type LoginLocationQueries = ReturnType<typeof createLoginLocationQueries>;
