// Redis bytes per signed-in session, measured once after the password login's last run (bench/run.ts).
import { Redis } from "ioredis";
import { BENCH_REDIS_URL } from "./server.ts";

export type RedisPerSession = Awaited<ReturnType<typeof redisBytesPerSession>>;

/**
 * Redis bytes per signed-in session, from MEMORY USAGE of every key: "at rest" is what stays for the session's
 * life (the session, its uid key and clock, the grant with its team and index, the user index, the refresh
 * token); "after login" adds what expires soon after (the used authorization code: 60 s, the access token: 15 min).
 */
export async function redisBytesPerSession(prefix: string) {
  const redis = new Redis(BENCH_REDIS_URL);
  const bytes: Record<string, number> = {};
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    for (const key of keys) {
      const kind = key.includes("session-meta:")
        ? "session-meta"
        : `${/\{(\w+):/.exec(key)?.[1] ?? "other"}${key.endsWith("}:team") ? ":team" : ""}`;
      bytes[kind] = (bytes[kind] ?? 0) + (Number(await redis.memory("USAGE", key)) || 0);
    }
  } while (cursor !== "0");
  const sessions = (await redis.keys(`${prefix}oidc:{Session:*`)).length;
  redis.disconnect();
  const sum = (kinds: string[]) => kinds.reduce((n, k) => n + (bytes[k] ?? 0), 0);
  const per = (n: number) => (sessions ? Math.round(n / sessions) : 0);
  return {
    sessions,
    // the user index is shared by a user's sessions (counted here as the bench left it: users signed in more than once share one)
    atRestBytesPerSession: per(sum(["Session", "uid", "session-meta", "Grant", "Grant:team", "grant", "user", "RefreshToken"])),
    afterLoginBytesPerSession: per(sum(Object.keys(bytes))),
    bytesByKind: Object.fromEntries(Object.entries(bytes).map(([k, v]) => [k, per(v)])),
  };
}
