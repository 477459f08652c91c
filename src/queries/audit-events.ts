// Audit event rows: append and read back.
import type { PrismaClient, Prisma } from "../generated/prisma/client.ts";

export type NewAuditEvent = {
  type: string;
  outcome: "success" | "failure";
  userId?: string | null;
  actorId?: string | null;
  clientId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  data?: Prisma.InputJsonObject;
};

export function createAuditEventQueries(db: PrismaClient) {
  return {
    insert: (event: NewAuditEvent) => db.auditEvent.create({ data: { ...event, data: event.data ?? {} } }),
    listForUser: (userId: string, take = 50) => db.auditEvent.findMany({ where: { userId }, orderBy: { id: "desc" }, take }),
    listByType: (type: string, take = 50) => db.auditEvent.findMany({ where: { type }, orderBy: { id: "desc" }, take }),
  };
}

export type AuditEventQueries = ReturnType<typeof createAuditEventQueries>;
