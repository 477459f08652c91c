// Whether Redis keeps its data across a restart (db/redis-persistence.ts): read from INFO and CONFIG, warned
// about at start in production, reported by /readyz.
import { describe, it, expect, afterAll } from "vitest";
import { Redis } from "ioredis";
import { persistenceFrom, persistenceWarning, redisPersistence } from "../../src/db/redis-persistence.ts";
import { TEST_REDIS_URL } from "../helpers/env.ts";
import { startTestApp } from "../helpers/test-app.ts";

describe("Redis persistence", () => {
  const redis = new Redis(TEST_REDIS_URL);
  afterAll(() => {
    redis.disconnect();
  });

  it("AOF first, then a replica, then RDB snapshots, else none; unknown when CONFIG is refused", () => {
    expect(persistenceFrom("aof_enabled:1\r\nconnected_slaves:0", "")).toBe("aof");
    expect(persistenceFrom("aof_enabled:0\r\nconnected_slaves:2", "")).toBe("replicated");
    expect(persistenceFrom("aof_enabled:0\r\nconnected_slaves:0", "3600 1 300 100")).toBe("snapshots");
    expect(persistenceFrom("aof_enabled:0\r\nconnected_slaves:0", "")).toBe("none");
    expect(persistenceFrom("aof_enabled:0\r\nconnected_slaves:0", null)).toBe("unknown");
    expect(persistenceWarning("aof")).toBeNull();
    expect(persistenceWarning("replicated")).toBeNull();
    for (const p of ["snapshots", "none", "unknown"] as const) expect(persistenceWarning(p)).toMatch(/AOF/);
  });

  it("reads the real server's settings as they are", async () => {
    const aof = ((await redis.config("GET", "appendonly")) as string[])[1] === "yes";
    const replicas = Number(/connected_slaves:(\d+)/.exec(await redis.info("replication"))?.[1] ?? 0);
    const save = ((await redis.config("GET", "save")) as string[])[1] ?? "";
    const expected = aof ? "aof" : replicas > 0 ? "replicated" : save.trim() ? "snapshots" : "none";
    expect(await redisPersistence(redis)).toBe(expected);
  });

  it("/readyz reports it beside the checks", async () => {
    const t = await startTestApp();
    try {
      const res = await fetch(`${t.url}/readyz`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { checks: Record<string, string>; redisPersistence: string };
      expect(body.checks).toEqual({ postgres: "ok", redis: "ok" });
      expect(body.redisPersistence).toBe(await redisPersistence(redis));
    } finally {
      await t.close();
    }
  });
});
