// Whether Redis keeps what it holds across a restart. Sessions, grants, refresh tokens and lockout counts live
// only there: without AOF (or a replica to fail over to) a Redis restart signs everyone out and forgets every
// lock. Production warns at start (context.ts) and /readyz reports it; neither refuses to run.
import type { RedisClient } from "./redis.ts";

/** aof: every write logged; replicated: a replica holds a copy; snapshots: RDB only (minutes may be lost); none */
export type RedisPersistence = "aof" | "replicated" | "snapshots" | "none" | "unknown";

const field = (info: string, name: string) => new RegExp(`^${name}:(.*)$`, "m").exec(info)?.[1]?.trim();

/** from INFO persistence + replication and CONFIG GET save (null when CONFIG is not allowed, as on some managed Redis) */
export function persistenceFrom(info: string, save: string | null): RedisPersistence {
  if (field(info, "aof_enabled") === "1") return "aof";
  if (Number(field(info, "connected_slaves") ?? 0) > 0) return "replicated";
  if (save === null) return "unknown";
  return save.trim() ? "snapshots" : "none";
}

export async function redisPersistence(redis: RedisClient): Promise<RedisPersistence> {
  try {
    const [persistence, replication] = await Promise.all([redis.info("persistence"), redis.info("replication")]);
    const save = await (redis.config("GET", "save") as Promise<string[]>).then(
      (r) => r[1] ?? "",
      () => null,
    );
    return persistenceFrom(`${persistence}\n${replication}`, save);
  } catch {
    return "unknown";
  }
}

/** what an operator is told at start in production, or null when Redis keeps its data */
export function persistenceWarning(p: RedisPersistence): string | null {
  if (p === "aof" || p === "replicated") return null;
  if (p === "snapshots")
    return "Redis keeps only RDB snapshots: a restart loses the sessions, refresh tokens and lockouts written since the last one. Turn on AOF (appendonly yes) or run a replica (docs/operations.md)";
  if (p === "none")
    return "Redis has no persistence: a restart signs everyone out and forgets every lockout. Turn on AOF (appendonly yes) or run a replica (docs/operations.md)";
  return "could not tell whether Redis persists its data (INFO/CONFIG refused); make sure AOF or a replica is on (docs/operations.md)";
}
