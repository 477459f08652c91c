// Liveness (/healthz: the process answers) and readiness (/readyz: Postgres and Redis answer in time; it also
// says whether Redis persists its data).
import type Router from "@koa/router";
import type { AppContext } from "../web-context.ts";
import { redisPersistence as redisPersistenceOf } from "../../db/redis-persistence.ts";

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), ms).unref())]);

export function registerHealthRoutes(router: Router, app: AppContext) {
  router.get("/healthz", (ctx) => {
    ctx.body = { status: "ok" };
  });
  router.get("/readyz", async (ctx) => {
    const check = async (fn: () => Promise<unknown>) => withTimeout(fn(), 2000).then(() => "ok" as const, () => "unavailable" as const);
    const [postgres, redis] = await Promise.all([check(() => app.queries.ping()), check(() => app.redis.ping())]);
    const ready = postgres === "ok" && redis === "ok";
    ctx.status = ready ? 200 : 503;
    // informational: a Redis without AOF or a replica still serves (docs/operations.md says what it risks)
    const redisPersistence = redis === "ok" && !app.embedded.redis ? await withTimeout(redisPersistenceOf(app.redis), 2000).catch(() => "unknown" as const) : undefined;
    ctx.body = { status: ready ? "ready" : "not_ready", checks: { postgres, redis }, ...(redisPersistence ? { redisPersistence } : {}) };
  });
}
