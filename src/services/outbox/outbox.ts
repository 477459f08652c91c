// The durable outbox of deliveries (emails, back-channel logouts) in Postgres. A message is a row written with
// the event it tells about (in the event's own transaction where there is one: a registration, a reset
// request), so it is exactly as durable as that event. Each app process runs a worker that claims due rows
// (FOR UPDATE SKIP LOCKED, with a lease: several processes never take the same row at once), hands each to its
// kind's handler, deletes it once delivered, and otherwise retries it with exponential backoff; after
// `maxAttempts` the row stays as a dead letter for an administrator (services/outbox/admin.ts). Delivery is at
// least once: a process that dies between sending and deleting leaves the row to be sent again after its lease,
// with the same id (an email's Message-ID), so the receiving side sees the same message twice, never two.
// Payloads are sealed with the master key (an email carries live links and codes), bound to the row's id.
import { decryptSecret, encryptSecret, randomUuid } from "../../lib/crypto.ts";
import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../lib/logger.ts";
import type { Telemetry } from "../../lib/telemetry.ts";
import type { ClaimedMessage, NewOutboxMessage, OutboxKind, OutboxQueries } from "../../queries/outbox.ts";

export type OutboxSettings = { maxAttempts: number; retryBaseMs: number; pollMs: number };
export type OutboxDelivery = { id: string; recipient: string; topic: string; payload: unknown; attempts: number };
/** delivers one message; throws when it was not delivered (it is then retried) */
export type OutboxHandler = (message: OutboxDelivery) => Promise<void>;

/** how long a claimed row is this worker's before another may take it (longer than any send may take) */
export const LEASE_MS = 60_000;
const BATCH = 5;
const MAX_DELAY_MS = 3_600_000;

/** the wait after the `attempt`th failed attempt: base, 2 x base, 4 x base ... at most an hour */
export const retryDelayMs = (attempt: number, baseMs: number) => Math.min(MAX_DELAY_MS, baseMs * 2 ** Math.max(0, attempt - 1));

const errorText = (err: unknown) =>
  String((err as Error)?.message ?? err)
    .replace(/\s+/g, " ")
    .slice(0, 500);

/** `counts`: /metrics' counters of rows queued and delivery attempts (lib/telemetry.ts) */
export function createOutbox(deps: {
  queries: OutboxQueries;
  clock: Clock;
  masterKey: Buffer;
  log: Logger;
  settings: OutboxSettings;
  counts?: Pick<Telemetry, "queued" | "delivery">;
}) {
  const { queries, clock, log, settings } = deps;
  const handlers = new Map<OutboxKind, OutboxHandler>();
  const purpose = (id: string) => `outbox:${id}`;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let again = false;
  let started = false;
  let stopped = false;
  let lastReadError = 0;

  async function deliver(m: ClaimedMessage): Promise<void> {
    let failure: string | null = null;
    try {
      const payload: unknown = JSON.parse(decryptSecret(deps.masterKey, m.payload, purpose(m.id)));
      await handlers.get(m.kind)!({ id: m.id, recipient: m.recipient, topic: m.topic, payload, attempts: m.attempts });
    } catch (err) {
      failure = errorText(err);
    }
    if (failure === null) {
      deps.counts?.delivery(m.kind, "delivered");
      return queries.delivered(m.id);
    }
    const now = clock.now();
    const dead = m.attempts >= settings.maxAttempts;
    deps.counts?.delivery(m.kind, dead ? "dead" : "failed");
    await queries.failed(
      m.id,
      m.attempts,
      failure,
      dead ? null : new Date(now.getTime() + retryDelayMs(m.attempts, settings.retryBaseMs)),
      now,
    );
    const facts = { outboxId: m.id, kind: m.kind, topic: m.topic, attempt: m.attempts, err: { message: failure } };
    if (dead) log.error(facts, "delivery failed for the last time: kept as a dead letter");
    else log.warn(facts, "delivery failed; it will be retried");
  }

  /** one batch of due rows; how many there were */
  async function drainOnce(): Promise<number> {
    const kinds = [...handlers.keys()];
    if (!kinds.length) return 0;
    const now = clock.now();
    const batch = await queries.claim(kinds, now, new Date(now.getTime() + LEASE_MS), BATCH);
    // a failure to record an outcome leaves the row leased: it is tried again once the lease is over
    await Promise.all(
      batch.map((m) =>
        deliver(m).catch((err: unknown) =>
          log.warn({ outboxId: m.id, err: { message: errorText(err) } }, "outbox: recording a delivery failed"),
        ),
      ),
    );
    return batch.length;
  }

  async function loop(): Promise<void> {
    do {
      again = false;
      try {
        while (!stopped && (await drainOnce()) > 0);
      } catch (err) {
        // Postgres away: the next poll tries again; said once a minute at most
        if (Date.now() - lastReadError > 60_000)
          log.warn({ err: { message: errorText(err) } }, "outbox: reading the queue failed; retrying");
        lastReadError = Date.now();
      }
    } while (again && !stopped);
  }

  /** a process that never started its worker (the CLI) only queues: the running server sends */
  function wake(): void {
    if (!started || stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = loop().finally(() => {
      running = null;
    });
  }

  return {
    /** a sealed row for `enqueue` or for a caller's own transaction (queries' insertOutbox) */
    message(
      kind: OutboxKind,
      recipient: string,
      topic: string,
      payload: unknown,
      opts: { dedupeKey?: string; attempts?: number; lastError?: string } = {},
    ): NewOutboxMessage {
      const id = randomUuid();
      const now = clock.now();
      const retryAt = opts.attempts ? new Date(now.getTime() + retryDelayMs(opts.attempts, settings.retryBaseMs)) : now;
      return {
        id,
        kind,
        recipient,
        topic,
        payload: encryptSecret(deps.masterKey, JSON.stringify(payload), purpose(id)),
        dedupeKey: opts.dedupeKey ?? null,
        createdAt: now,
        nextAttemptAt: retryAt,
        attempts: opts.attempts ?? 0,
        lastError: opts.lastError ? errorText(opts.lastError) : null,
      };
    },
    /** writes the rows and starts sending them (throws when Postgres does not take them) */
    async enqueue(messages: NewOutboxMessage[]): Promise<void> {
      await queries.insert(messages);
      for (const m of messages) deps.counts?.queued(m.kind);
      wake();
    },
    /** who delivers a kind (this process only takes rows of kinds it can deliver) */
    handle(kind: OutboxKind, handler: OutboxHandler): void {
      handlers.set(kind, handler);
    },
    /** rows written elsewhere are due: look now rather than at the next poll */
    wake,
    /** polls every `pollMs` for due rows (retries, rows other processes wrote, leases run out) */
    start(): void {
      started = true;
      stopped = false;
      timer ??= setInterval(wake, settings.pollMs);
      timer.unref();
      wake();
    },
    /** stops polling and waits for the sends in flight */
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(timer);
      timer = undefined;
      await running;
    },
    /** resolves when nothing due is left for this (started) process, e.g. in tests; retries not yet due stay */
    async idle(): Promise<void> {
      wake();
      while (running) await running;
    },
    depth: () => queries.depth(),
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
