// One clock for every process behind the same Redis (lib/redis-clock.ts): hosts whose clocks are 5 minutes
// apart still agree on a rotated refresh token's grace window and on a lock's length, because the app clock of
// each follows Redis's TIME. The two "processes" here are two adapters and two lockout services on one key prefix,
// each with its own skewed host clock.
import { randomBytes } from "node:crypto";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Redis } from "ioredis";
import { errors, type AdapterPayload } from "oidc-provider";
import { createRedisClock, type RedisClock } from "../../src/lib/redis-clock.ts";
import { createRedisAdapterFactory } from "../../src/oidc/redis-adapter.ts";
import { createLockoutService } from "../../src/services/lockout.ts";
import { TEST_REDIS_URL } from "../helpers/env.ts";
import { deleteRedisPrefix, testRedisPrefix } from "../helpers/databases.ts";

const FIVE_MINUTES = 300_000;
const id = (label: string) => `${label}-${randomBytes(6).toString("hex")}`;

describe("one clock behind one Redis", () => {
  const keyPrefix = testRedisPrefix();
  let redis: Redis;
  let ahead: RedisClock; // this host's clock runs 5 minutes fast
  let behind: RedisClock; // this one 5 minutes slow

  beforeAll(async () => {
    redis = new Redis(TEST_REDIS_URL, { keyPrefix });
    ahead = await createRedisClock(redis, { hostMs: () => Date.now() + FIVE_MINUTES, refreshMs: 0 });
    behind = await createRedisClock(redis, { hostMs: () => Date.now() - FIVE_MINUTES, refreshMs: 0 });
  });
  afterAll(async () => {
    redis.disconnect();
    await deleteRedisPrefix(keyPrefix);
  });

  it("each clock reads Redis's time, whatever its host's says", async () => {
    const [seconds] = await redis.time();
    for (const clock of [ahead, behind]) expect(Math.abs(clock.epoch() - Number(seconds))).toBeLessThanOrEqual(2);
    expect(Math.abs(ahead.offsetMs() + FIVE_MINUTES)).toBeLessThan(2000);
    expect(Math.abs(behind.offsetMs() - FIVE_MINUTES)).toBeLessThan(2000);
  });

  it("a refresh token rotated by one process and reused at once at the other is a concurrent refresh: refused, the grant kept", async () => {
    const factory = (clock: RedisClock) =>
      createRedisAdapterFactory({
        redis,
        clock,
        refreshReuseGrace: 5,
        grantIndexTtl: 3600,
        refreshReuseDetection: 1800,
        atTokenEndpoint: () => true,
      });
    const [A, B] = [factory(behind), factory(ahead)];
    const grantId = id("grant");
    const rt = id("rt");
    const exp = behind.epoch() + 3600;
    await new A("Grant").upsert(grantId, { jti: grantId, kind: "Grant", clientId: "c", accountId: "u", exp } as AdapterPayload, 3600);
    await new A("RefreshToken").upsert(
      rt,
      { jti: rt, kind: "RefreshToken", grantId, clientId: "c", accountId: "u", exp } as AdapterPayload,
      3600,
    );

    await new A("RefreshToken").consume(rt); // process A rotates it
    await expect(new B("RefreshToken").find(rt)).rejects.toBeInstanceOf(errors.InvalidGrant); // B: within the grace window
    expect(await new B("Grant").find(grantId)).toMatchObject({ jti: grantId }); // not revoked
  });

  it("a lock started by one process lasts as long at the other", async () => {
    const settings = { threshold: 3, baseSeconds: 600, maxSeconds: 86_400 };
    const [A, B] = [createLockoutService({ redis, clock: behind, settings }), createLockoutService({ redis, clock: ahead, settings })];
    const subject = { userId: id("user") };
    let last;
    for (let i = 0; i < 3; i++) last = await A.recordFailure(subject);
    expect(last!.lockedNow).toBe(true);
    const until = (await B.lockedUntil(subject))!;
    expect(until).toBeInstanceOf(Date);
    const minutesLeft = (until.getTime() - ahead.now().getTime()) / 60_000;
    expect(minutesLeft).toBeGreaterThan(9.9);
    expect(minutesLeft).toBeLessThanOrEqual(10);
  });
});
