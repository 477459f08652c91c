// A finished sign-in written in one statement (one round trip, all or nothing): the user's last login time,
// the place it came from (login_locations, with the user's rows past the keep window pruned) and the sign-in's
// audit events, in order. A prepared statement per shape (how many events, with or without a place).
import type { Sql } from "../db/sql.ts";
import { AUDIT_COLUMNS, auditParams, auditValues, type NewAuditEvent } from "./audit-events.ts";
import type { LoginLocationRow } from "./login-locations.ts";

export type FinishedSignIn = {
  userId: string;
  at: Date;
  location?: { row: { userId: string } & LoginLocationRow; pruneBefore: Date };
  events: NewAuditEvent[];
};

export function createSignInQueries(sql: Sql) {
  return {
    async finish(s: FinishedSignIn): Promise<void> {
      if (!s.events.length) throw new Error("a finished sign-in has at least its login.succeeded event");
      const now = new Date().toISOString();
      const params: unknown[] = [s.at.toISOString(), s.userId];
      let placed = "";
      const loc = s.location?.row;
      if (loc) {
        params.push(
          loc.ip,
          loc.network,
          loc.countryCode,
          loc.latitude,
          loc.longitude,
          loc.createdAt.toISOString(),
          s.location!.pruneBefore.toISOString(),
        );
        placed = `, placed AS (
            INSERT INTO login_locations (user_id, ip, network, country_code, latitude, longitude, created_at)
            VALUES ($2::uuid, $3, $4, $5, $6::float8, $7::float8, $8::timestamp)
          ), pruned AS (DELETE FROM login_locations WHERE user_id = $2::uuid AND created_at < $9::timestamp)`;
      }
      const rows = s.events.map((e) => {
        const v = auditValues(params.length);
        params.push(...auditParams(e, now));
        return v;
      });
      await sql.run(
        `finish-sign-in-${s.events.length}${loc ? "-placed" : ""}`,
        `
        WITH signed_in AS (UPDATE users SET last_login_at = $1::timestamp WHERE id = $2::uuid)${placed}
        INSERT INTO audit_events (${AUDIT_COLUMNS}) VALUES ${rows.join(", ")}`,
        params,
      );
    },
  };
}

export type SignInQueries = ReturnType<typeof createSignInQueries>;
