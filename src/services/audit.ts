// Records audit events. Writes are awaited: an event that cannot be recorded fails the action (fail closed).
import type { AuditEventQueries, NewAuditEvent } from "../queries/audit-events.ts";

export type AuditContext = { ip?: string | null; userAgent?: string | null; actorId?: string | null };

export function createAuditService(queries: AuditEventQueries) {
  return {
    record: async (event: NewAuditEvent) => {
      await queries.insert({ ...event, userAgent: event.userAgent?.slice(0, 512) ?? null });
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
