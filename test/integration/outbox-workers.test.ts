// The outbox worker against a real Postgres: two workers on their own connection pools (as WORKERS=2 has) drain
// one queue without delivering any row twice (FOR UPDATE SKIP LOCKED); a row whose worker died mid-delivery is
// taken again once its lease is over, with the same id; the backoff doubles up to an hour; a failed delivery
// leaves the row with its error, due again after the backoff, and the last one is a dead letter.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { randomBytes } from "node:crypto";
import { createOutbox, LEASE_MS, retryDelayMs, type OutboxDelivery } from "../../src/services/outbox/outbox.ts";
import { createOutboxQueries } from "../../src/queries/outbox.ts";
import { openDatabase, type Database } from "../../src/db/postgres.ts";
import { createLogger } from "../../src/lib/logger.ts";
import type { Clock } from "../../src/lib/clock.ts";
import { systemClock } from "../../src/lib/clock.ts";
import { createTestDatabase } from "../helpers/databases.ts";

const masterKey = randomBytes(32);
const log = createLogger("silent");
const settings = { maxAttempts: 3, retryBaseMs: 1000, pollMs: 20 };

function movableClock(start = Date.now()): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => new Date(now),
    epoch: () => Math.floor(now / 1000),
    advance: (ms) => {
      now += ms;
    },
  };
}

describe("outbox workers", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const dbs: Database[] = [];
  const open = async () => {
    const db = await openDatabase({ url: database.url, dataDir: "/tmp", poolSize: 3 });
    dbs.push(db);
    return db;
  };
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    for (const db of dbs) await db.close();
    await database?.drop();
  });

  it("two workers on separate pools deliver each of 60 rows exactly once", async () => {
    const delivered: { worker: number; id: string }[] = [];
    const workers = await Promise.all(
      [1, 2].map(async (n) => {
        const outbox = createOutbox({ queries: createOutboxQueries((await open()).prisma), clock: systemClock, masterKey, log, settings });
        outbox.handle("email", async (m: OutboxDelivery) => {
          await new Promise((r) => setTimeout(r, 5 + Math.random() * 10));
          delivered.push({ worker: n, id: m.id });
        });
        return outbox;
      }),
    );
    const rows = Array.from({ length: 60 }, (_, i) => workers[0]!.message("email", `w${i}@example.test`, "lockout", { n: i }));
    await createOutboxQueries(dbs[0]!.prisma).insert(rows);
    for (const w of workers) w.start();
    const queries = createOutboxQueries(dbs[0]!.prisma);
    for (let i = 0; i < 200 && (await queries.depth()).length; i++) await new Promise((r) => setTimeout(r, 50));
    for (const w of workers) await w.stop();
    expect(await queries.depth()).toEqual([]);
    expect(delivered).toHaveLength(60);
    expect(new Set(delivered.map((d) => d.id)).size).toBe(60);
    expect(new Set(delivered.map((d) => d.id))).toEqual(new Set(rows.map((r) => r.id)));
  });

  it("takes a row again once the lease of a worker that died is over, with the same id; failures back off, then die", async () => {
    const clock = movableClock();
    const queries = createOutboxQueries((await open()).prisma);
    const seen: OutboxDelivery[] = [];
    let fail = false;
    const outbox = createOutbox({ queries, clock, masterKey, log, settings });
    outbox.handle("backchannel_logout", async (m) => {
      seen.push(m);
      if (fail) throw new Error("relying party answered 503");
    });
    const row = outbox.message("backchannel_logout", "client-1", "logout", { clientId: "client-1", sub: "u", sid: "s" });
    await queries.insert([row]);
    // a worker that took the row and died before recording anything
    expect(
      (await queries.claim(["backchannel_logout"], clock.now(), new Date(clock.now().getTime() + LEASE_MS), 5)).map((m) => m.id),
    ).toEqual([row.id]);
    outbox.start();
    await outbox.idle();
    expect(seen).toEqual([]); // leased
    clock.advance(LEASE_MS + 1);
    fail = true;
    await outbox.idle();
    expect(seen.map((m) => [m.id, m.attempts, m.payload])).toEqual([[row.id, 2, { clientId: "client-1", sub: "u", sid: "s" }]]);
    const failed = await queries.find(row.id);
    expect(failed).toMatchObject({ status: "pending", attempts: 2, lastError: "relying party answered 503" });
    expect(failed!.nextAttemptAt.getTime() - clock.now().getTime()).toBe(retryDelayMs(2, settings.retryBaseMs));
    clock.advance(retryDelayMs(2, settings.retryBaseMs));
    await outbox.idle();
    expect(await queries.find(row.id)).toMatchObject({ status: "dead", attempts: 3, deadAt: clock.now() });
    clock.advance(3_600_000);
    await outbox.idle();
    expect(seen).toHaveLength(2); // a dead letter is left alone
    await outbox.stop();
  });

  it("backs off exponentially from the base, at most an hour", () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 5000))).toEqual([5000, 10_000, 20_000, 40_000]);
    expect(retryDelayMs(12, 5000)).toBe(3_600_000);
  });
});
