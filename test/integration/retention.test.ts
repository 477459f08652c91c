// The retention job (#21 item 5) against a real Postgres and Redis with an injected clock (200 days ahead of the
// wall clock, so every period is measured from the app's clock): per table, rows past their period are removed
// and rows inside it kept, in batches; audit events are kept while AUDIT_RETENTION_DAYS is 0; two runners at once
// make one pass (the Redis lock) and the lock is let go afterwards, also when a task fails; the schedule runs a
// pass when one is due and not before; /metrics has the counts and the last pass's time.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { randomBytes, randomUUID } from "node:crypto";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { gatehouseCli } from "../helpers/cli.ts";
import { createLogger } from "../../src/lib/logger.ts";
import type { Clock } from "../../src/lib/clock.ts";
import { createRetention, type RetentionTask } from "../../src/services/retention/index.ts";
import { createRedisLock } from "../../src/services/retention/lock.ts";

const DAY = 86_400_000;
const log = createLogger("silent");
const LOCK_KEY = "retention:{job}:lock";

function movableClock(start: number): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => new Date(now),
    epoch: () => Math.floor(now / 1000),
    advance: (ms) => {
      now += ms;
    },
  };
}

describe("retention job", () => {
  let t: TestApp;
  const clock = movableClock(Date.now() + 200 * DAY);
  const ago = (days: number) => new Date(clock.now().getTime() - days * DAY);
  const token = () => randomBytes(12).toString("hex");
  let userId: string;
  let teamId: string;
  let dueUsers: { due: string; waiting: string };

  beforeAll(async () => {
    t = await startTestApp(
      {
        RETENTION_INTERVAL_MINUTES: "60",
        RETENTION_BATCH_SIZE: "10",
        RETENTION_SESSIONS_DAYS: "90",
        RETENTION_LOGIN_LOCATIONS_DAYS: "365",
        RETENTION_EXPIRED_TOKENS_DAYS: "30",
        RETENTION_OUTBOX_DEAD_DAYS: "30",
      },
      { clock },
    );
    userId = (await t.createUser()).id;
    teamId = (await t.app.db.prisma.team.create({ data: { name: "Retention", slug: `retention-${token()}` } })).id;
  });
  afterAll(async () => {
    await t?.close();
  });

  const db = () => t.app.db.prisma;

  async function seed() {
    const p = db();
    const session = (tag: string, started: number, ended: number | null, expires: number) =>
      p.userSession.create({
        data: {
          id: `${tag}-${token()}`,
          userId,
          startedAt: ago(started),
          lastActiveAt: ago(started),
          expiresAt: ago(expires),
          endedAt: ended === null ? null : ago(ended),
          endReason: ended === null ? null : "logout",
        },
      });
    await session("gone-ended", 92, 91, 62); // ended 91 days ago
    await session("gone-expired", 125, null, 95); // never marked ended, expired 95 days ago
    await session("kept-ended", 90, 89, 60);
    await session("kept-live", 1, null, -29);
    await session("kept-long", 100, 10, -5); // started long ago, ended 10 days ago
    // the wall clock's yesterday is 201 days before the app's clock: removed (periods run on the app's clock)
    await p.userSession.create({
      data: {
        id: `gone-wall-${token()}`,
        userId,
        startedAt: new Date(Date.now() - 2 * DAY),
        lastActiveAt: new Date(Date.now() - 2 * DAY),
        expiresAt: new Date(Date.now() + 28 * DAY),
        endedAt: new Date(Date.now() - DAY),
      },
    });

    const place = (tag: string, days: number) => ({ userId, ip: "192.0.2.1", network: tag, createdAt: ago(days) });
    await p.loginLocation.createMany({ data: Array.from({ length: 25 }, (_, i) => place("gone", 366 + i)) }); // three batches of 10
    await p.loginLocation.createMany({ data: [place("kept", 364), place("kept", 2)] });

    const link = (tag: string, used: number | null, expires: number) => ({
      userId,
      tokenHash: `${tag}-${token()}`,
      usedAt: used === null ? null : ago(used),
      expiresAt: ago(expires),
    });
    for (const make of [
      (d: ReturnType<typeof link>) => p.emailVerificationToken.create({ data: { ...d, email: "a@example.test" } }),
      (d: ReturnType<typeof link>) => p.passwordResetToken.create({ data: d }),
      (d: ReturnType<typeof link>) => p.emailChangeToken.create({ data: { ...d, newEmail: "b@example.test" } }),
      (d: ReturnType<typeof link>) => p.accountRestoreToken.create({ data: d }),
    ]) {
      await make(link("gone-used", 31, 30)); // used 31 days ago
      await make(link("gone-expired", null, 31)); // never used, expired 31 days ago
      await make(link("kept-used", 29, 28));
      await make(link("kept-live", null, -1));
    }

    const invitation = (tag: string, f: { accepted?: number; revoked?: number; expires: number }) =>
      p.invitation.create({
        data: {
          email: "i@example.test",
          emailNormalized: "i@example.test",
          tokenHash: `${tag}-${token()}`,
          expiresAt: ago(f.expires),
          acceptedAt: f.accepted === undefined ? null : ago(f.accepted),
          revokedAt: f.revoked === undefined ? null : ago(f.revoked),
        },
      });
    await invitation("gone-accepted", { accepted: 31, expires: 20 });
    await invitation("gone-revoked", { revoked: 40, expires: 35 });
    await invitation("gone-expired", { expires: 31 });
    await invitation("kept-accepted", { accepted: 2, expires: -5 });
    await invitation("kept-pending", { expires: -7 });

    const transfer = (tag: string, f: { accepted?: number; cancelled?: number; expires: number }) =>
      p.ownershipTransfer.create({
        data: {
          teamId,
          fromUserId: userId,
          toUserId: randomUUID(),
          tokenHash: `${tag}-${token()}`,
          expiresAt: ago(f.expires),
          acceptedAt: f.accepted === undefined ? null : ago(f.accepted),
          cancelledAt: f.cancelled === undefined ? null : ago(f.cancelled),
        },
      });
    await transfer("gone-cancelled", { cancelled: 33, expires: 30.5 });
    await transfer("gone-expired", { expires: 31 });
    await transfer("kept-accepted", { accepted: 3, expires: 1 });

    const device = (tag: string, f: { revoked?: number; expires: number }) =>
      p.trustedDevice.create({
        data: {
          userId,
          tokenHash: `${tag}-${token()}`,
          label: tag,
          lastUsedAt: ago(100),
          expiresAt: ago(f.expires),
          revokedAt: f.revoked === undefined ? null : ago(f.revoked),
        },
      });
    await device("gone-revoked", { revoked: 31, expires: -100 });
    await device("gone-expired", { expires: 31 });
    await device("kept-live", { expires: -100 });
    await device("kept-revoked", { revoked: 5, expires: -100 });

    const letter = (tag: string, status: string, dead: number | null) => ({
      id: randomUUID(),
      kind: "email",
      recipient: `${tag}@example.test`,
      topic: "lockout",
      payload: "x",
      status,
      nextAttemptAt: ago(400),
      createdAt: ago(400),
      deadAt: dead === null ? null : ago(dead),
    });
    await p.outboxMessage.createMany({
      data: [letter("gone-dead", "dead", 31), letter("kept-dead", "dead", 29), letter("kept-pending", "pending", null)],
    });

    // accounts deleted with a grace period: the one whose period ended yesterday is erased, the other waits
    const due = await t.createUser();
    const waiting = await t.createUser();
    await p.user.update({ where: { id: due.id }, data: { disabled: true, deletionDueAt: ago(1) } });
    await p.user.update({ where: { id: waiting.id }, data: { disabled: true, deletionDueAt: ago(-3) } });
    dueUsers = { due: due.id, waiting: waiting.id };

    await p.auditEvent.createMany({
      data: [
        { type: "test.ancient", createdAt: ago(3650) },
        { type: "test.old", createdAt: ago(366) },
        { type: "test.recent", createdAt: ago(364) },
      ],
    });
  }

  it("removes per table what is past its period, in batches, and keeps what is inside it; audit events stay while AUDIT_RETENTION_DAYS is 0", async () => {
    await seed();
    const auditBefore = await db().auditEvent.count();
    const run = await t.app.services.retention.runOnce();
    expect(run.outcome).toBe("done");
    if (run.outcome !== "done") return;
    expect(run.report.removed).toEqual({
      user_sessions: 3,
      login_locations: 25,
      email_verification_tokens: 2,
      password_reset_tokens: 2,
      email_change_tokens: 2,
      invitations: 3,
      ownership_transfers: 2,
      trusted_devices: 2,
      outbox: 1,
      account_restore_tokens: 2,
      deleted_accounts: 1,
    });
    expect(run.report.failed).toEqual([]);
    expect(t.app.services.retention.taskNames()).not.toContain("audit_events");

    const ids = (rows: { id?: unknown; tokenHash?: string }[]) =>
      rows
        .map((r) =>
          String(r.tokenHash ?? r.id)
            .split("-")
            .slice(0, 2)
            .join("-"),
        )
        .sort();
    expect(ids(await db().userSession.findMany())).toEqual(["kept-ended", "kept-live", "kept-long"]);
    expect((await db().loginLocation.findMany()).map((r) => r.network)).toEqual(["kept", "kept"]);
    expect(await db().user.findUnique({ where: { id: dueUsers.due } })).toBeNull();
    expect(await db().user.findUnique({ where: { id: dueUsers.waiting } })).toMatchObject({ disabled: true });
    for (const rows of [
      await db().emailVerificationToken.findMany(),
      await db().passwordResetToken.findMany(),
      await db().emailChangeToken.findMany(),
      await db().accountRestoreToken.findMany(),
    ]) {
      expect(ids(rows)).toEqual(["kept-live", "kept-used"]);
    }
    expect(ids(await db().invitation.findMany())).toEqual(["kept-accepted", "kept-pending"]);
    expect(ids(await db().ownershipTransfer.findMany())).toEqual(["kept-accepted"]);
    expect((await db().trustedDevice.findMany()).map((d) => d.label).sort()).toEqual(["kept-live", "kept-revoked"]);
    expect((await db().outboxMessage.findMany()).map((m) => m.recipient).sort()).toEqual([
      "kept-dead@example.test",
      "kept-pending@example.test",
    ]);
    // kept forever by default; the one new event is the erasure of the account whose grace period ended
    expect(await db().auditEvent.count()).toBe(auditBefore + 1);
    expect(await db().auditEvent.findFirst({ where: { type: "account.deleted" } })).toMatchObject({
      userId: null,
      userPseudonym: expect.stringMatching(/^deleted:/),
    });
    expect(await t.app.services.retention.lastRun()).toEqual(clock.now());
    expect(await t.app.redis.exists(LOCK_KEY)).toBe(0); // let go

    // a second pass finds nothing more
    const again = await t.app.services.retention.runOnce();
    expect(again.outcome === "done" && Object.values(again.report.removed).every((n) => n === 0)).toBe(true);
  });

  it("/metrics has the rows removed per table and the last pass's time", async () => {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    expect(text).toContain('gatehouse_retention_removed_total{table="login_locations"} 25');
    expect(text).toContain('gatehouse_retention_removed_total{table="user_sessions"} 3');
    expect(text).toContain('gatehouse_retention_removed_total{table="audit_events"} 0');
    expect(text).toContain(`gatehouse_retention_last_run_timestamp_seconds ${clock.now().getTime() / 1000}`);
  });

  /** another runner on the same database and Redis, as another process would be */
  const runner = (settings: Partial<typeof t.config.retention> = {}, extraTasks: RetentionTask[] = [], tickMs?: number) =>
    createRetention({
      queries: t.app.queries.retention,
      redis: t.app.redis,
      clock,
      log,
      settings: { ...t.config.retention, ...settings },
      extraTasks,
      tickMs,
    });

  it("AUDIT_RETENTION_DAYS removes older audit events only", async () => {
    const run = await runner({ auditDays: 365 }).runOnce();
    expect(run.outcome === "done" && run.report.removed.audit_events).toBe(2);
    const left = (await db().auditEvent.findMany({ where: { type: { startsWith: "test." } } })).map((e) => e.type);
    expect(left).toEqual(["test.recent"]);
  });

  it("two runners at once: one makes the pass, the other is told it is busy; the lock is let go after (also when a task fails)", async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const slow: RetentionTask = {
      name: "slow",
      removeBatch: async () => {
        entered();
        await gate;
        return 0;
      },
    };
    const failing: RetentionTask = {
      name: "failing",
      removeBatch: async () => {
        throw new Error("boom");
      },
    };
    const first = runner({}, [slow, failing]).runOnce();
    await inside;
    expect(await t.app.redis.exists(LOCK_KEY)).toBe(1);
    expect(await runner().runOnce()).toEqual({ outcome: "busy" });
    expect(await t.app.services.retention.runOnce()).toEqual({ outcome: "busy" });
    open();
    const done = await first;
    expect(done.outcome).toBe("done");
    if (done.outcome === "done")
      expect(done.report).toMatchObject({ failed: ["failing"], interrupted: false, removed: { slow: 0, user_sessions: 0 } });
    expect(await t.app.redis.exists(LOCK_KEY)).toBe(0);
    expect((await runner().runOnce()).outcome).toBe("done");
  });

  it("the lock is released only by its holder; a pass that loses it stops at the next batch", async () => {
    const lock = createRedisLock(t.app.redis, "retention:{test}:lock", 60_000);
    const a = (await lock.acquire())!;
    expect(await lock.acquire()).toBeNull();
    await t.app.redis.del("retention:{test}:lock"); // as if a's TTL ran out
    const b = (await lock.acquire())!;
    expect(await a.release()).toBe(false);
    expect(await a.renew()).toBe(false);
    expect(await t.app.redis.exists("retention:{test}:lock")).toBe(1); // still b's
    expect(await b.renew()).toBe(true);
    expect(await b.release()).toBe(true);

    let batches = 0;
    const stolen: RetentionTask = {
      name: "stolen",
      removeBatch: async (_now, limit) => {
        batches++;
        await t.app.redis.set(LOCK_KEY, "someone else");
        return limit;
      },
    };
    const run = await runner({}, [stolen]).runOnce();
    expect(run.outcome === "done" && run.report.interrupted).toBe(true);
    expect(batches).toBe(1);
    expect(await t.app.redis.get(LOCK_KEY)).toBe("someone else"); // not released by the one who lost it
    await t.app.redis.del(LOCK_KEY);
  });

  it("the schedule runs a pass when RETENTION_INTERVAL_MINUTES have gone by since the last one (any process's), not before", async () => {
    expect(t.app.services.retention.started).toBe(true); // createContext started it
    await t.app.services.retention.stop(); // its own minute ticks must not race this test's runner or the CLI's pass
    expect(t.app.services.retention.started).toBe(false);
    await t.app.redis.del("retention:{job}:last-run");
    let passes = 0;
    const counting: RetentionTask = {
      name: "counting",
      removeBatch: async () => {
        passes++;
        return 0;
      },
    };
    const scheduled = runner({ intervalMinutes: 60 }, [counting], 20);
    scheduled.start();
    try {
      for (let i = 0; i < 100 && passes === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(passes).toBe(1);
      await new Promise((r) => setTimeout(r, 200)); // ten more ticks: not due yet
      expect(passes).toBe(1);
      expect(await runner().runOnce({ ifDue: true })).toEqual({ outcome: "not_due" });
      clock.advance(61 * 60_000);
      for (let i = 0; i < 100 && passes === 1; i++) await new Promise((r) => setTimeout(r, 20));
      expect(passes).toBe(2);
    } finally {
      await scheduled.stop();
    }
    expect(runner({ intervalMinutes: 0 }, [], 20).started).toBe(false);
  });

  it("`gatehouse retention run` makes one pass now and prints the counts (the CLI runs on the wall clock)", async () => {
    await db().loginLocation.createMany({
      data: [
        { userId, ip: "192.0.2.9", network: "cli-gone", createdAt: new Date(Date.now() - 400 * DAY) },
        { userId, ip: "192.0.2.9", network: "cli-kept", createdAt: new Date(Date.now() - 10 * DAY) },
      ],
    });
    const gatehouse = gatehouseCli(t, { check: true });
    const { stdout } = await gatehouse("retention", "run", "--json");
    const printed = JSON.parse(stdout.trim()) as { removed: Record<string, number>; keptForever: string[]; failed: string[] };
    expect(printed.removed.login_locations).toBe(1);
    expect(printed.keptForever).toEqual(["audit_events"]);
    expect(printed.failed).toEqual([]);
    expect((await db().loginLocation.findMany({ where: { network: { startsWith: "cli-" } } })).map((r) => r.network)).toEqual(["cli-kept"]);
    const text = await gatehouse("retention", "run");
    expect(text.stdout).toMatch(/^login_locations\s+0 removed$/m);
    expect(text.stdout).toMatch(/^audit_events\s+kept \(retention period 0\)$/m);
  });
});
