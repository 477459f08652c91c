// Redis bytes per signed-in session, by kind of key, with one sample value of each kind: starts the built server
// as the bench does, signs in `n` times (default 40, each a fresh browser), waits for the code and the short-lived
// records to matter as they would, and prints MEMORY USAGE per session by kind, then in all and at rest (without
// the access token, the code and its marker). A key's name is part of its bytes, so the server keeps its keys under
// the product's default prefix (REDIS_KEY_PREFIX, "gh:"), as a deployment does, on a Redis database of its own
// (BENCH_REDIS_BYTES_DB, default 13; refused when keys under that prefix are already there); `--bench-prefix` measures
// under the bench's longer prefix on the shared database instead (as before 2026-12-07). `refreshed`: each session
// refreshes its tokens once, and the count waits until the rotated token's record has gone (10 s): what is kept
// of the rotated token for reuse detection (its entry in a shared hash) counts at rest. `node --import tsx bench/redis-bytes.ts [n] [values] [refreshed] [--bench-prefix]` after
// `npm run build`; see docs/performance.md.
import { Redis } from "ioredis";
import { startServer, BENCH_REDIS_URL, type BenchRedis } from "./lib/server.ts";
import { seed } from "./lib/seed.ts";
import { basic, flowContext, loginFlow } from "./lib/flows.ts";
import { settings } from "../src/config/schema.ts";
import { testRedisPrefix } from "../test/helpers/databases.ts";

const n = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 40);

async function ownDatabase(): Promise<BenchRedis> {
  const url = new URL(BENCH_REDIS_URL);
  url.pathname = `/${process.env.BENCH_REDIS_BYTES_DB ?? "13"}`;
  const prefix = settings.REDIS_KEY_PREFIX.schema.parse(undefined) as string;
  const redis = new Redis(url.toString());
  const [, taken] = await redis.scan("0", "MATCH", `${prefix}*`, "COUNT", 1000);
  const size = await redis.dbsize();
  redis.disconnect();
  if (taken.length || size > 0)
    throw new Error(`Redis database ${url.pathname.slice(1)} is not empty: choose another with BENCH_REDIS_BYTES_DB`);
  return { url: url.toString(), prefix };
}

/** one refresh with rotation at the token endpoint; throws unless it returns a new refresh token */
async function refresh(baseUrl: string, client: { id: string; secret: string }, refreshToken: string): Promise<void> {
  const res = await fetch(`${baseUrl}/token`, {
    method: "POST",
    headers: {
      authorization: basic(client.id, client.secret),
      "content-type": "application/x-www-form-urlencoded",
      "x-forwarded-proto": "https",
    },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken }),
  });
  const body = (await res.json()) as { refresh_token?: string };
  if (res.status !== 200 || !body.refresh_token || body.refresh_token === refreshToken) throw new Error(`refresh failed: ${res.status}`);
}

const where = process.argv.includes("--bench-prefix") ? { url: BENCH_REDIS_URL, prefix: testRedisPrefix("ghbench") } : await ownDatabase();
const server = await startServer(where);
try {
  const seeded = await seed(
    server.databaseUrl,
    20,
    { memoryCost: 19456, timeCost: 2, parallelism: 1 },
    { count: 4, masterKey: server.env.MASTER_KEY! },
  );
  const ctx = await flowContext(server.baseUrl, server.issuer, seeded);
  for (let i = 0; i < n; i++) {
    const tokens = await loginFlow(ctx);
    if (process.argv.includes("refreshed")) await refresh(server.baseUrl, seeded.webClient, tokens.refresh_token!);
  }
  // a rotated refresh token's record stays 10 seconds (parallel uses, the grace window), then only its rotated entry
  await new Promise((r) => setTimeout(r, process.argv.includes("refreshed") ? 11_000 : 500));
  const redis = new Redis(where.url);
  const bytes = new Map<string, { total: number; keys: number; sample: string; sampleBytes: number }>();
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${server.redisPrefix}*`, "COUNT", 1000);
    cursor = next;
    for (const key of keys) {
      const rest = key.slice(server.redisPrefix.length);
      const kind = rest
        .replace(/[A-Za-z0-9_-]{20,}/g, "…")
        .replace(/^oidc:\{rotated:\d+:[A-Za-z0-9_-]+\}/, "oidc:{rotated:…}")
        .replace(/:[0-9a-f-]{36}/g, ":…")
        .replace(/^(rl:\w+:\w+):.*/, "$1:…");
      const usage = Number(await redis.memory("USAGE", key)) || 0;
      const entry = bytes.get(kind) ?? { total: 0, keys: 0, sample: key, sampleBytes: usage };
      entry.total += usage;
      entry.keys += 1;
      bytes.set(kind, entry);
    }
  } while (cursor !== "0");
  const sessions = (await redis.keys(`${server.redisPrefix}oidc:{Session:*`)).filter((k) => !k.endsWith(":ended")).length;
  console.log(`prefix ${JSON.stringify(server.redisPrefix)} (${server.redisPrefix.length} chars), ${sessions} sessions`);
  let sum = 0;
  for (const [kind, e] of [...bytes].sort((a, b) => b[1].total - a[1].total)) {
    sum += e.total;
    const type = await redis.type(e.sample);
    const value =
      type === "string"
        ? ((await redis.get(e.sample)) ?? "")
        : type === "hash"
          ? JSON.stringify(await redis.hgetall(e.sample))
          : type === "zset"
            ? JSON.stringify(await redis.zrange(e.sample, 0, -1, "WITHSCORES"))
            : type;
    console.log(
      `${String(Math.round(e.total / sessions)).padStart(6)} B/session  ${String(e.keys).padStart(4)} keys  ${kind} [${type}, sample ${e.sampleBytes} B, value ${value.length} chars]`,
    );
    if (process.argv.includes("values")) console.log(`        ${value.slice(0, 1200)}`);
  }
  // at rest: what stays while the user is signed in (not the access token, 15 min, nor the code and its marker, 60 s,
  // nor the sign-in's rate-limit counters, 60-second windows)
  const passing = (kind: string) => /^oidc:\{(AccessToken|AuthorizationCode):/.test(kind) || kind.startsWith("rl:");
  const atRest = [...bytes].filter(([kind]) => !passing(kind)).reduce((total, [, e]) => total + e.total, 0);
  console.log(`total ${Math.round(sum / sessions)} B/session, at rest ${Math.round(atRest / sessions)} B/session`);
  redis.disconnect();
} finally {
  await server.stop();
}
