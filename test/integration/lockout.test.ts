// Progressive lockout in Redis with a controllable clock: the lock schedule, no counting while locked, reset,
// exact counting under parallel failures.
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
  const make = (threshold: number): LockoutService => createLockoutService({ redis, clock, settings: { threshold, baseSeconds: 600, maxSeconds: 86_400 } });
  let n = 0;
  const subject = () => ({ userId: `user-${++n}` });

  beforeAll(() => { redis = new Redis(TEST_REDIS_URL, { keyPrefix: prefix }); });
  afterAll(async () => { redis.disconnect(); await deleteRedisPrefix(prefix); });

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

  it("unknown identifiers are counted and locked the same way", async () => {
    const lockout = make(3);
    const who = { identifier: "email:nobody@example.test" };
    for (let i = 0; i < 3; i++) await lockout.recordFailure(who);
    expect(await lockout.lockedUntil(who)).not.toBeNull();
  });
});
