// Gives each request an id (honouring a sane X-Request-Id), a child logger made on first use, and one
// access-log line. Only the path is logged, never the query string (it can hold codes and tokens). The provider's
// machine-facing endpoints do the same through openRequest/closeRequest (provider-lane.ts).
import type { Context, Middleware } from "koa";
import { randomUUID } from "node:crypto";
import { trace } from "@opentelemetry/api";
import type { Logger } from "../lib/logger.ts";
import { redactedPath as loggedPath } from "../lib/redact-path.ts";

/** the request's trace id when tracing is on (lib/tracing.ts), so a log line leads to its trace */
const traceIdOf = (): { traceId?: string } => {
  const context = trace.getActiveSpan()?.spanContext();
  return context && context.traceId !== "00000000000000000000000000000000" ? { traceId: context.traceId } : {};
};

/** what closeRequest needs of an opened request */
export type OpenedRequest = { requestId: string; started: bigint };

/** the request's id (ctx.state.requestId, X-Request-Id) and its child logger (ctx.state.log, made on first use) */
export function openRequest(ctx: Context, log: Logger): OpenedRequest {
  const incoming = ctx.get("x-request-id");
  const requestId = /^[\w.-]{8,64}$/.test(incoming) ? incoming : randomUUID();
  ctx.state.requestId = requestId;
  let child: Logger | undefined;
  Object.defineProperty(ctx.state, "log", { get: () => (child ??= log.child({ requestId })), configurable: true, enumerable: true });
  ctx.set("X-Request-Id", requestId);
  return { requestId, started: process.hrtime.bigint() };
}

/** the access-log line; returns the request's duration in seconds */
export function closeRequest(ctx: Context, accessLog: Logger, { requestId, started }: OpenedRequest): number {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const level = ctx.status >= 500 ? "error" : "info";
  accessLog[level](
    {
      requestId,
      ...traceIdOf(),
      method: ctx.method,
      path: loggedPath(ctx.path),
      status: ctx.status,
      ms: Math.round(seconds * 10_000) / 10,
      ip: ctx.ip,
    },
    "request",
  );
  return seconds;
}

export function requestContext(log: Logger, accessLog: Logger): Middleware {
  return async (ctx, next) => {
    const opened = openRequest(ctx, log);
    try {
      await next();
    } finally {
      closeRequest(ctx, accessLog, opened);
    }
  };
}
