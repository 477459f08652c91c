// login_locations rows: where each successful sign-in came from (address, its network, country, coordinates),
// read back newest first for the suspicious-login rules. Reads and deletes go through the (user_id, created_at) index.
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Sql } from "../db/sql.ts";

export type LoginLocationRow = {
  ip: string;
  network: string;
  countryCode: string | null;
  latitude: number | null;
  longitude: number | null;
  createdAt: Date;
};

export function createLoginLocationQueries(db: PrismaClient, sql: Sql) {
  return {
    record: (row: { userId: string } & LoginLocationRow) => db.loginLocation.create({ data: row, select: { id: true } }),

    /** the user's sign-ins since `since`, newest first, at most `limit` (read at every sign-in: a prepared statement) */
    recent: (userId: string, since: Date, limit: number): Promise<LoginLocationRow[]> =>
      sql.rows<LoginLocationRow>(
        "recent-login-locations",
        `
        SELECT ip, network, country_code AS "countryCode", latitude, longitude, created_at AS "createdAt" FROM login_locations
        WHERE user_id = $1::uuid AND created_at >= $2::timestamp ORDER BY created_at DESC LIMIT $3`,
        [userId, since.toISOString(), limit],
      ),

    /** forgets the user's sign-ins older than `before` (they no longer count for the rules) */
    pruneBefore: (userId: string, before: Date) => db.loginLocation.deleteMany({ where: { userId, createdAt: { lt: before } } }),
  };
}

export type LoginLocationQueries = ReturnType<typeof createLoginLocationQueries>;
