// Liveness (/healthz: the process answers) and readiness (/readyz: Postgres and Redis answer in time; it also
// says whether Redis persists its data; "draining" once shutdown has begun).
import type Router from "@koa/router";
import type { AppContext } from "../web-context.ts";

export function registerHealthRoutes(router: Router, app: AppContext) {
  router.get("/healthz", (ctx) => {
    ctx.body = { status: "ok" };
  });
  router.get("/readyz", async (ctx) => {
    const { ready, draining, checks, redisPersistence } = await app.readiness();
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? "ready" : draining ? "draining" : "not_ready", checks, ...(redisPersistence ? { redisPersistence } : {}) };
  });
}
