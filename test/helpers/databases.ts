// A fresh Postgres database and Redis key prefix per test file, dropped afterwards.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { Redis } from "ioredis";
import { TEST_PG_ADMIN_URL, TEST_REDIS_URL } from "./env.ts";

export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `gh_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

export function testRedisPrefix(): string {
  return `ghtest:${randomBytes(6).toString("hex")}:`;
}

export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}
