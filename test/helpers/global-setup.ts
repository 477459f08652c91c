// Runs once before the suite: the real Postgres and Redis must answer, or the run stops with a clear message; Debian's
// chromium for the browser tests is installed when missing and this user may (ensure-chromium.ts).
import pg from "pg";
import { Redis } from "ioredis";
import { TEST_PG_ADMIN_URL, TEST_REDIS_URL } from "./env.ts";
import { ensureChromium } from "./ensure-chromium.ts";

export default async function setup() {
  ensureChromium();
  const client = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (err) {
    throw new Error(`Tests need PostgreSQL at ${TEST_PG_ADMIN_URL} (set TEST_DATABASE_URL): ${(err as Error).message}`, { cause: err });
  } finally {
    await client.end().catch(() => {});
  }
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(`Tests need Redis at ${TEST_REDIS_URL} (set TEST_REDIS_URL): ${(err as Error).message}`, { cause: err });
  } finally {
    redis.disconnect();
  }
}
