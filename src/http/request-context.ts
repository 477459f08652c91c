// Gives each request an id (honouring a sane X-Request-Id), a child logger made on first use, and one
// access-log line. Only the path is logged, never the query string (it can hold codes and tokens).
import type { Middleware } from "koa";
import { randomUUID } from "node:crypto";
import { trace } from "@opentelemetry/api";
import type { Logger } from "../lib/logger.ts";
import { redactedPath as loggedPath } from "../lib/redact-path.ts";

/** the request's trace id when tracing is on (lib/tracing.ts), so a log line leads to its trace */
const traceIdOf = (): { traceId?: string } => {
  const context = trace.getActiveSpan()?.spanContext();
  return context && context.traceId !== "00000000000000000000000000000000" ? { traceId: context.traceId } : {};
};

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
      accessLog[level](
        {
          requestId,
          ...traceIdOf(),
          method: ctx.method,
          path: loggedPath(ctx.path),
          status: ctx.status,
          ms: Math.round(ms * 10) / 10,
          ip: ctx.ip,
        },
        "request",
      );
    }
  };
}
