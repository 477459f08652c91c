// Liveness (/healthz: the process answers) and readiness (/readyz: Postgres and Redis answer in time).
import type Router from "@koa/router";
import type { AppContext } from "../../context.ts";

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
    ctx.body = { status: ready ? "ready" : "not_ready", checks: { postgres, redis } };
  });
}
