// Postgres queries and Redis commands a server has sent so far, as it counts them in bench mode: Gatehouse on
// /metrics (src/db/bench-counters.ts), the bare oidc-provider on /__counters (Redis only; it has no database).
export type Counts = { pgQueries: number | null; redisCommands: number | null };

export async function readCounters(target: "gatehouse" | "bare", baseUrl: string): Promise<Counts> {
  try {
    if (target === "bare")
      return {
        pgQueries: null,
        redisCommands: ((await (await fetch(`${baseUrl}/__counters`)).json()) as { redisCommands: number }).redisCommands,
      };
    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
    const value = (name: string) => {
      const m = new RegExp(`^${name} (\\S+)$`, "m").exec(metrics);
      return m ? Number(m[1]) : null;
    };
    return { pgQueries: value("gatehouse_bench_pg_queries_total"), redisCommands: value("gatehouse_bench_redis_commands_total") };
  } catch {
    return { pgQueries: null, redisCommands: null };
  }
}

/** per op, to one decimal; null where the server does not count */
export function countsPerOp(before: Counts, after: Counts, ops: number): Counts {
  const per = (a: number | null, b: number | null) => (a === null || b === null || !ops ? null : Math.round(((b - a) / ops) * 10) / 10);
  return { pgQueries: per(before.pgQueries, after.pgQueries), redisCommands: per(before.redisCommands, after.redisCommands) };
}
