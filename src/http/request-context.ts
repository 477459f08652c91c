// Gives each request an id (honouring a sane X-Request-Id), a child logger made on first use, and one
// access-log line. Only the path is logged, never the query string (it can hold codes and tokens).
import type { Middleware } from "koa";
import { randomUUID } from "node:crypto";
import type { Logger } from "../lib/logger.ts";

/** emailed links carry their token in the path (/invitations/<token>): a 32-byte token segment is not logged */
const loggedPath = (path: string) => path.replace(/\/[A-Za-z0-9_-]{43}(?=\/|$)/g, "/:token");

export function requestContext(log: Logger, accessLog: Logger): Middleware {
  return async (ctx, next) => {
    const incoming = ctx.get("x-request-id");
    const requestId = /^[\w.-]{8,64}$/.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    let child: Logger | undefined;
    Object.defineProperty(ctx.state, "log", { get: () => (child ??= log.child({ requestId })), configurable: true, enumerable: true });
    ctx.set("X-Request-Id", requestId);
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const level = ctx.status >= 500 ? "error" : "info";
      accessLog[level]({ requestId, method: ctx.method, path: loggedPath(ctx.path), status: ctx.status, ms: Math.round(ms * 10) / 10, ip: ctx.ip }, "request");
    }
  };
}
