// Progressive lockout in Redis with a controllable clock: the lock schedule, no counting while locked, reset,
// exact counting under parallel failures; trusted devices, the unlock link's unlock, and networks' draining buckets.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Redis } from "ioredis";
import { createLockoutService, type LockoutService } from "../../src/services/lockout.ts";
import { deleteRedisPrefix, testRedisPrefix } from "../helpers/databases.ts";
import { TEST_REDIS_URL } from "../helpers/env.ts";

describe("lockout service", () => {
  const prefix = testRedisPrefix();
  let redis: Redis;
  let t = 1_700_000_000;
  const clock = { now: () => new Date(t * 1000), epoch: () => t };
  const make = (threshold: number): LockoutService =>
    createLockoutService({ redis, clock, settings: { threshold, baseSeconds: 600, maxSeconds: 86_400 } });
  let n = 0;
  const subject = () => ({ userId: `user-${++n}` });

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL, { keyPrefix: prefix });
  });
  afterAll(async () => {
    redis.disconnect();
    await deleteRedisPrefix(prefix);
  });

  it("locks after N failures for the base time, then doubles every N more, up to the cap", async () => {
    const lockout = make(5);
    const who = subject();
    t = 1_700_000_000;
    const expected = [600, 1200, 2400, 4800, 9600, 19_200, 38_400, 76_800, 86_400, 86_400];
    for (const seconds of expected) {
      for (let i = 1; i < 5; i++) expect((await lockout.recordFailure(who)).lockedUntil).toBeNull();
      const fifth = await lockout.recordFailure(who);
      expect(fifth.lockedNow).toBe(true);
      expect(fifth.lockedUntil!.getTime() / 1000 - t).toBe(seconds);
      expect(await lockout.lockedUntil(who)).toEqual(fifth.lockedUntil);
      t += seconds - 1;
      expect(await lockout.lockedUntil(who)).not.toBeNull(); // still locked a second before the end
      t += 1;
      expect(await lockout.lockedUntil(who)).toBeNull();
    }
  });

  it("does not count failures while locked, and a reset starts over", async () => {
    const lockout = make(5);
    const who = subject();
    for (let i = 0; i < 5; i++) await lockout.recordFailure(who);
    const during = await lockout.recordFailure(who);
    expect(during.failures).toBe(5);
    expect(during.lockedNow).toBe(false);
    await lockout.reset(who);
    expect(await lockout.lockedUntil(who)).toBeNull();
    expect(await lockout.failures(who)).toBe(0);
  });

  it("50 parallel failures count exactly 50", async () => {
    const lockout = make(1000);
    const who = subject();
    await Promise.all(Array.from({ length: 50 }, () => lockout.recordFailure(who)));
    expect(await lockout.failures(who)).toBe(50);
  });

  it("a trusted device counts on its own; the unlock link's unlock ends the lock but keeps the count", async () => {
    const lockout = make(5);
    const device = { deviceId: `device-${++n}` };
    t = 1_700_000_000;
    for (let i = 0; i < 5; i++) await lockout.recordFailure(device);
    expect(await lockout.lockedUntil(device)).not.toBeNull();
    const account = subject();
    expect(await lockout.failures(account)).toBe(0);
    for (let i = 0; i < 5; i++) await lockout.recordFailure(account);
    // only the link bound to the lock in place unlocks it
    expect(await lockout.unlock(account, "hash-of-no-link")).toEqual({ outcome: "stale" });
    await lockout.bindUnlockLink(account, "hash-1");
    expect(await lockout.unlock(account, "hash-1")).toEqual({ outcome: "unlocked", wasLockedUntil: new Date((t + 600) * 1000) });
    expect(await lockout.lockedUntil(account)).toBeNull();
    expect(await lockout.failures(account)).toBe(5);
    expect(await lockout.unlock(account, "hash-1")).toEqual({ outcome: "stale" }); // used: unbound with the lock
    for (let i = 0; i < 5; i++) await lockout.recordFailure(account);
    expect((await lockout.lockedUntil(account))!.getTime() / 1000 - t).toBe(1200);
    // a new lock's link replaces the old one; a reset (a success) unbinds it
    await lockout.bindUnlockLink(account, "hash-2");
    await lockout.bindUnlockLink(account, "hash-3");
    expect(await lockout.unlock(account, "hash-2")).toEqual({ outcome: "stale" });
    await lockout.reset(account);
    expect(await lockout.unlock(account, "hash-3")).toEqual({ outcome: "stale" });
  });

  it("a network's bucket: its threshold within an hour locks it (doubling per lock), it drains over time, 50 parallel failures count 50", async () => {
    const lockout = createLockoutService({
      redis,
      clock,
      settings: { threshold: 5, baseSeconds: 600, maxSeconds: 86_400, networkThreshold: 10 },
    });
    const net = `198.51.${++n}.0/24`;
    t = 1_700_000_000;
    for (let i = 0; i < 9; i++) expect((await lockout.recordNetworkFailure(net)).lockedUntil).toBeNull();
    t += 360; // drains one failure's worth (10 an hour)
    expect((await lockout.recordNetworkFailure(net)).lockedUntil).toBeNull();
    const locking = await lockout.recordNetworkFailure(net);
    expect(locking).toMatchObject({ lockedNow: true, lockedUntil: new Date((t + 600) * 1000) });
    expect((await lockout.recordNetworkFailure(net)).lockedNow).toBe(false); // not counted while locked
    t += 600;
    expect(await lockout.networkLockedUntil(net)).toBeNull();
    for (let i = 0; i < 10; i++) await lockout.recordNetworkFailure(net);
    expect((await lockout.networkLockedUntil(net))!.getTime() / 1000 - t).toBe(1200);

    const wide = createLockoutService({
      redis,
      clock,
      settings: { threshold: 5, baseSeconds: 600, maxSeconds: 86_400, networkThreshold: 51 },
    });
    const other = `203.0.${++n}.0/24`;
    const results = await Promise.all(Array.from({ length: 50 }, () => wide.recordNetworkFailure(other)));
    expect(Math.max(...results.map((r) => r.failures))).toBe(50);
    expect((await wide.recordNetworkFailure(other)).lockedNow).toBe(true);
  });

  it("unknown identifiers are counted and locked the same way", async () => {
    const lockout = make(3);
    const who = { identifier: "email:nobody@example.test" };
    for (let i = 0; i < 3; i++) await lockout.recordFailure(who);
    expect(await lockout.lockedUntil(who)).not.toBeNull();
  });
});
