// A finished sign-in written in one statement (one round trip, all or nothing): the user's last login time,
// the place it came from (login_locations, with the user's rows past the keep window pruned) and the sign-in's
// audit events, in order.
import { Prisma, type PrismaClient } from "../generated/prisma/client.ts";
import type { NewAuditEvent } from "./audit-events.ts";
import type { LoginLocationRow } from "./login-locations.ts";

export type FinishedSignIn = {
  userId: string;
  at: Date;
  location?: { row: { userId: string } & LoginLocationRow; pruneBefore: Date };
  events: NewAuditEvent[];
};

const eventRow = (e: NewAuditEvent, at: Date) => Prisma.sql`(
  ${e.type}, ${e.outcome}, ${e.userId ?? null}::uuid, ${e.actorId ?? null}, ${e.clientId ?? null}, ${e.ip ?? null},
  ${e.userAgent?.slice(0, 512) ?? null}, ${JSON.stringify(e.data ?? {})}::jsonb, ${at}::timestamp)`;

export function createSignInQueries(db: PrismaClient) {
  return {
    async finish(s: FinishedSignIn): Promise<void> {
      if (!s.events.length) throw new Error("a finished sign-in has at least its login.succeeded event");
      const now = new Date();
      const loc = s.location?.row;
      const location = loc
        ? Prisma.sql`, placed AS (
            INSERT INTO login_locations (user_id, ip, network, country_code, latitude, longitude, created_at)
            VALUES (${loc.userId}::uuid, ${loc.ip}, ${loc.network}, ${loc.countryCode}, ${loc.latitude}::float8, ${loc.longitude}::float8, ${loc.createdAt}::timestamp)
          ), pruned AS (
            DELETE FROM login_locations WHERE user_id = ${loc.userId}::uuid AND created_at < ${s.location!.pruneBefore}::timestamp
          )`
        : Prisma.empty;
      await db.$executeRaw`
        WITH signed_in AS (UPDATE users SET last_login_at = ${s.at}::timestamp WHERE id = ${s.userId}::uuid)${location}
        INSERT INTO audit_events (type, outcome, user_id, actor_id, client_id, ip, user_agent, data, created_at)
        VALUES ${Prisma.join(s.events.map((e) => eventRow(e, now)))}`;
    },
  };
}

export type SignInQueries = ReturnType<typeof createSignInQueries>;
