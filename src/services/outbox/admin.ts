// What administrators do with the outbox (the admin page, the REST API and the CLI all call this): list what
// waits or gave up (never the message itself: emails carry live links and codes), retry a dead letter (it is
// pending again with fresh attempts, due now) or discard it. Each action is audited with the acting admin.
import type { Clock } from "../../lib/clock.ts";
import { UUID } from "../../lib/ids.ts";
import type { OutboxEntry, OutboxKind, OutboxQueries, OutboxStatus } from "../../queries/outbox.ts";
import type { AuditService } from "../audit.ts";
import { auditedBy, surfaceOf, type AdminActor } from "../admin-actor.ts";

/** the acting admin and the surface (the API's token client too: data.apiClientId) */
export type OutboxActor = AdminActor & { via: "admin" | "api" | "cli"; apiClientId?: string };
export type OutboxFilter = { status?: OutboxStatus; kind?: OutboxKind };
export type OutboxAction = { outcome: "done"; entry: OutboxEntry } | { outcome: "not_found" } | { outcome: "not_dead"; entry: OutboxEntry };

export function createOutboxAdmin(deps: { queries: OutboxQueries; audit: AuditService; clock: Clock; wake: () => void }) {
  const { queries, audit, clock } = deps;
  const find = (id: string) => (UUID.test(id) ? queries.find(id.toLowerCase()) : Promise.resolve(null));
  const record = (type: string, actor: OutboxActor, data: Record<string, string | number>) =>
    audit.record({
      type,
      outcome: "success",
      ...auditedBy(actor),
      data: { ...data, ...surfaceOf(actor) },
    });

  /** the entry (refreshed) after a change that only applies to a dead letter */
  async function onDeadLetter(id: string, change: (id: string) => Promise<boolean>): Promise<OutboxAction> {
    const entry = await find(id);
    if (!entry) return { outcome: "not_found" };
    if (!(await change(entry.id))) return { outcome: "not_dead", entry: (await queries.find(entry.id)) ?? entry };
    return { outcome: "done", entry: (await queries.find(entry.id)) ?? entry };
  }

  return {
    /** newest first; `after` is the last item of the previous page */
    list: (filter: OutboxFilter, after: { createdAt: Date; id: string } | null, take: number) => queries.list(filter, after, take),

    find,

    /** a dead letter back in the queue (attempts start again), sent at once */
    async retry(id: string, actor: OutboxActor): Promise<OutboxAction> {
      const result = await onDeadLetter(id, (rowId) => queries.revive(rowId, clock.now()));
      if (result.outcome === "done") {
        await record("outbox.retried", actor, { outboxId: result.entry.id, kind: result.entry.kind, topic: result.entry.topic });
        deps.wake();
      }
      return result;
    },

    /** every dead letter (of one kind) back in the queue; how many */
    async retryAll(actor: OutboxActor, kind?: OutboxKind): Promise<number> {
      const count = await queries.reviveAll(clock.now(), kind);
      if (count) {
        await record("outbox.retried", actor, { count, ...(kind ? { kind } : {}) });
        deps.wake();
      }
      return count;
    },

    /** a dead letter deleted for good */
    async discard(id: string, actor: OutboxActor): Promise<OutboxAction> {
      const result = await onDeadLetter(id, (rowId) => queries.discard(rowId));
      if (result.outcome === "done")
        await record("outbox.discarded", actor, { outboxId: result.entry.id, kind: result.entry.kind, topic: result.entry.topic });
      return result;
    },

    /** waiting and dead rows per kind (the admin page's summary, /metrics) */
    depth: () => queries.depth(),
  };
}

export type OutboxAdmin = ReturnType<typeof createOutboxAdmin>;
