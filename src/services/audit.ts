// Records audit events. Writes are awaited: an event that cannot be recorded fails the action (fail closed).
import { trimmedAudit as trimmed, type AuditEventQueries, type NewAuditEvent } from "../queries/audit-events.ts";

export type AuditContext = { ip?: string | null; userAgent?: string | null; actorId?: string | null };

export function createAuditService(queries: AuditEventQueries) {
  return {
    record: async (event: NewAuditEvent) => {
      await queries.insert(trimmed(event));
    },
    /** several events of one action in one write (all or none) */
    recordMany: async (events: NewAuditEvent[]) => {
      if (events.length) await queries.insertMany(events.map(trimmed));
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
