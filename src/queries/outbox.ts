// The outbox table (services/outbox/): deliveries waiting to go out. Workers claim due rows with one UPDATE over
// a `FOR UPDATE SKIP LOCKED` select, which also pushes next_attempt_at forward (the lease): of several processes
// one takes a row, and a row whose worker died is taken again once its lease is over. Sent rows are deleted;
// after the last attempt a row stays as a dead letter. Timestamps are `timestamp(3)` in UTC, as Prisma writes them.
import type { Prisma, PrismaClient } from "../generated/prisma/client.ts";

export type OutboxKind = "email" | "backchannel_logout" | "webhook";
export type OutboxStatus = "pending" | "dead";

export type NewOutboxMessage = {
  id: string;
  kind: OutboxKind;
  recipient: string;
  topic: string;
  /** sealed by the service (never readable from the table alone) */
  payload: string;
  dedupeKey: string | null;
  createdAt: Date;
  /** the first attempt's time (default createdAt) */
  nextAttemptAt?: Date;
  /** attempts already made elsewhere (a delivery that failed inline before it was queued) */
  attempts?: number;
  lastError?: string | null;
};

export type ClaimedMessage = { id: string; kind: OutboxKind; recipient: string; topic: string; payload: string; attempts: number };

/** a row as administrators see it: everything but the payload */
export type OutboxEntry = {
  id: string;
  kind: string;
  recipient: string;
  topic: string;
  status: string;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  deadAt: Date | null;
};

export type OutboxDepthRow = { kind: string; status: string; count: number; oldest: Date };

const ENTRY = {
  id: true,
  kind: true,
  recipient: true,
  topic: true,
  status: true,
  attempts: true,
  nextAttemptAt: true,
  lastError: true,
  createdAt: true,
  deadAt: true,
} as const;

const rowOf = (m: NewOutboxMessage) => ({
  id: m.id,
  kind: m.kind,
  recipient: m.recipient,
  topic: m.topic,
  payload: m.payload,
  dedupeKey: m.dedupeKey,
  createdAt: m.createdAt,
  nextAttemptAt: m.nextAttemptAt ?? m.createdAt,
  attempts: m.attempts ?? 0,
  lastError: m.lastError ?? null,
});

/** writes messages in the caller's transaction (a registration, a reset request): as durable as the event itself */
export async function insertOutbox(tx: Prisma.TransactionClient, messages: NewOutboxMessage[]): Promise<void> {
  // a dedupe key already waiting keeps its row: the event is told once
  if (messages.length) await tx.outboxMessage.createMany({ data: messages.map(rowOf), skipDuplicates: true });
}

export function createOutboxQueries(db: PrismaClient) {
  return {
    insert: (messages: NewOutboxMessage[]) => insertOutbox(db, messages),

    /** up to `limit` due pending rows of these kinds, taken until `leaseUntil`, each with its attempt counted */
    claim: (kinds: OutboxKind[], now: Date, leaseUntil: Date, limit: number) => db.$queryRaw<ClaimedMessage[]>`
      UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ${leaseUntil}::timestamp
      WHERE id IN (
        SELECT id FROM outbox
        WHERE status = 'pending' AND kind = ANY(${kinds}::text[]) AND next_attempt_at <= ${now}::timestamp
        ORDER BY next_attempt_at
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
      RETURNING id::text AS id, kind, recipient, topic, payload, attempts`,

    /** sent: the row goes */
    delivered: async (id: string) => {
      await db.outboxMessage.deleteMany({ where: { id } });
    },

    /** a failed attempt: try again at `retryAt`, or (null) give up; only while the row is still this attempt's */
    failed: async (id: string, attempt: number, error: string, retryAt: Date | null, now: Date) => {
      await db.outboxMessage.updateMany({
        where: { id, attempts: attempt, status: "pending" },
        data: retryAt ? { nextAttemptAt: retryAt, lastError: error } : { status: "dead", deadAt: now, lastError: error },
      });
    },

    /** newest first, after the (createdAt, id) position */
    list: (
      filter: { status?: OutboxStatus; kind?: OutboxKind },
      after: { createdAt: Date; id: string } | null,
      take: number,
    ): Promise<OutboxEntry[]> =>
      db.outboxMessage.findMany({
        select: ENTRY,
        where: {
          ...(filter.status ? { status: filter.status } : {}),
          ...(filter.kind ? { kind: filter.kind } : {}),
          ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
        },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take,
      }),

    find: (id: string): Promise<OutboxEntry | null> => db.outboxMessage.findUnique({ select: ENTRY, where: { id } }),

    /** a dead letter back to pending with fresh attempts, due at `now`; false when it is not a dead letter (any more) */
    revive: async (id: string, now: Date) =>
      (
        await db.outboxMessage.updateMany({
          where: { id, status: "dead" },
          data: { status: "pending", attempts: 0, nextAttemptAt: now, deadAt: null },
        })
      ).count === 1,

    /** every dead letter (of a kind) back to pending; how many */
    reviveAll: async (now: Date, kind?: OutboxKind) =>
      (
        await db.outboxMessage.updateMany({
          where: { status: "dead", ...(kind ? { kind } : {}) },
          data: { status: "pending", attempts: 0, nextAttemptAt: now, deadAt: null },
        })
      ).count,

    /** deletes a dead letter; false when it is not one */
    discard: async (id: string) => (await db.outboxMessage.deleteMany({ where: { id, status: "dead" } })).count === 1,

    /** rows per kind and status, with the oldest's creation time */
    depth: () => db.$queryRaw<OutboxDepthRow[]>`
      SELECT kind, status, count(*)::int AS count, min(created_at) AS oldest FROM outbox GROUP BY kind, status`,
  };
}

export type OutboxQueries = ReturnType<typeof createOutboxQueries>;
