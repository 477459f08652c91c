// Webhook endpoints and the audit events waiting to be dispatched (services/webhooks/). A trigger on
// audit_events (migration 20261207120000_webhooks) writes a webhook_events row in each audit event's own
// transaction while an endpoint is enabled; `dispatch` takes a batch of them (SKIP LOCKED: processes never take
// the same), and in one transaction writes the outbox rows the service builds from them and deletes them.
import type { PrismaClient } from "../generated/prisma/client.ts";
import { insertOutbox, type NewOutboxMessage } from "./outbox.ts";
import { trimmedAudit, type NewAuditEvent } from "./audit-events.ts";

export type WebhookEndpointRow = {
  id: string;
  url: string;
  description: string;
  eventTypes: string[];
  secret: string;
  previousSecret: string | null;
  previousSecretUntil: Date | null;
  enabled: boolean;
  disabledReason: string | null;
  failureCount: number;
  createdAt: Date;
  updatedAt: Date;
};

/** an audit event as a webhook carries it */
export type DispatchedAuditEvent = {
  id: bigint;
  type: string;
  outcome: string;
  userId: string | null;
  actorId: string | null;
  clientId: string | null;
  ip: string | null;
  userAgent: string | null;
  data: unknown;
  createdAt: Date;
};

export type NewWebhookEndpoint = Pick<WebhookEndpointRow, "id" | "url" | "description" | "eventTypes" | "secret" | "createdAt">;
export type WebhookEndpointChange = Partial<Pick<WebhookEndpointRow, "url" | "description" | "eventTypes" | "enabled">>;

export function createWebhookQueries(db: PrismaClient) {
  /** the waiting outbox rows of an endpoint become dead letters (it was disabled); how many */
  const killPending = async (tx: Pick<PrismaClient, "outboxMessage">, endpointId: string, now: Date, reason: string) =>
    (
      await tx.outboxMessage.updateMany({
        where: { kind: "webhook", recipient: endpointId, status: "pending" },
        data: { status: "dead", deadAt: now, lastError: reason },
      })
    ).count;

  return {
    create: (e: NewWebhookEndpoint): Promise<WebhookEndpointRow> => db.webhookEndpoint.create({ data: { ...e, updatedAt: e.createdAt } }),
    list: (): Promise<WebhookEndpointRow[]> => db.webhookEndpoint.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
    find: (id: string): Promise<WebhookEndpointRow | null> => db.webhookEndpoint.findUnique({ where: { id } }),

    /** the changed row, or null when there is no such endpoint; disabling kills its waiting messages */
    update: async (id: string, change: WebhookEndpointChange, now: Date): Promise<WebhookEndpointRow | null> =>
      db.$transaction(async (tx) => {
        const enabling = change.enabled === true ? { failureCount: 0, disabledReason: null } : {};
        const disabling = change.enabled === false ? { disabledReason: "admin" } : {};
        const { count } = await tx.webhookEndpoint.updateMany({
          where: { id },
          data: { ...change, ...enabling, ...disabling, updatedAt: now },
        });
        if (!count) return null;
        if (change.enabled === false) await killPending(tx, id, now, "the endpoint was disabled by an administrator");
        return tx.webhookEndpoint.findUnique({ where: { id } });
      }),

    /** a new secret; the old one signs too until `previousUntil` */
    rotateSecret: async (id: string, secret: string, previousSecret: string, previousUntil: Date, now: Date) =>
      (
        await db.webhookEndpoint.updateMany({
          where: { id },
          data: { secret, previousSecret, previousSecretUntil: previousUntil, updatedAt: now },
        })
      ).count === 1,

    /** the endpoint and every message to it (waiting or dead) */
    delete: async (id: string): Promise<boolean> =>
      db.$transaction(async (tx) => {
        await tx.outboxMessage.deleteMany({ where: { kind: "webhook", recipient: id } });
        return (await tx.webhookEndpoint.deleteMany({ where: { id } })).count === 1;
      }),

    /** a delivered message: the failure streak ends */
    succeeded: async (id: string) => {
      await db.webhookEndpoint.updateMany({ where: { id, failureCount: { gt: 0 } }, data: { failureCount: 0 } });
    },

    /**
     * a failed attempt: the streak grows; at `limit` the endpoint is disabled, its waiting messages kept as dead
     * letters and `audit` written, in one transaction. True when this attempt disabled it
     */
    failed: async (id: string, limit: number, now: Date, audit: NewAuditEvent): Promise<boolean> =>
      db.$transaction(async (tx) => {
        const rows = await tx.$queryRaw<{ failure_count: number }[]>`
          UPDATE webhook_endpoints SET failure_count = failure_count + 1 WHERE id = ${id}::uuid AND enabled RETURNING failure_count`;
        if (!rows[0] || rows[0].failure_count < limit) return false;
        await tx.webhookEndpoint.update({ where: { id }, data: { enabled: false, disabledReason: "failures", updatedAt: now } });
        await killPending(tx, id, now, `the endpoint was disabled after ${limit} failed attempts in a row`);
        await tx.auditEvent.create({ data: { ...trimmedAudit(audit), data: audit.data ?? {} } });
        return true;
      }),

    /** whether any audit event waits (one cheap statement: the poll asks this before it opens a transaction) */
    anyStaged: async () => (await db.webhookEvent.findFirst({ select: { id: true } })) !== null,

    /**
     * up to `limit` waiting audit events (oldest first) and the enabled endpoints, handed to `build`; its outbox
     * rows are written and the events deleted in one transaction. How many events were taken
     */
    dispatch: async (
      limit: number,
      build: (events: DispatchedAuditEvent[], endpoints: WebhookEndpointRow[]) => NewOutboxMessage[],
    ): Promise<number> =>
      db.$transaction(async (tx) => {
        const taken = await tx.$queryRaw<{ id: bigint; audit_id: bigint }[]>`
          SELECT id, audit_id FROM webhook_events ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
        if (!taken.length) return 0;
        // an audit row removed since (retention, an erasure) has nothing left to tell
        const events = await tx.$queryRaw<DispatchedAuditEvent[]>`
          SELECT id, type, outcome, user_id::text AS "userId", actor_id AS "actorId", client_id AS "clientId", ip, user_agent AS "userAgent", data, created_at AS "createdAt"
          FROM audit_events WHERE id = ANY(${taken.map((t) => t.audit_id)}::bigint[]) ORDER BY id`;
        const endpoints = await tx.webhookEndpoint.findMany({ where: { enabled: true }, orderBy: { createdAt: "asc" } });
        await insertOutbox(tx, build(events, endpoints));
        await tx.$executeRaw`DELETE FROM webhook_events WHERE id = ANY(${taken.map((t) => t.id)}::bigint[])`;
        return taken.length;
      }),
  };
}

export type WebhookQueries = ReturnType<typeof createWebhookQueries>;
