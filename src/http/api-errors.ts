// Errors of the REST API (/api/*) as JSON {code, message, data} with the right status, never an HTML page: a
// missing or bad bearer token answers 401 with WWW-Authenticate, a missing permission 403, a rate limit 429 with
// Retry-After, Postgres or Redis not there 503 with Retry-After (db/unavailable.ts).
import type { Middleware } from "koa";
import { AppError } from "./errors.ts";
import { isDependencyUnavailable, RETRY_AFTER_SECONDS } from "../db/unavailable.ts";
import { ResourceServerError, wwwAuthenticate } from "../resource-server/index.ts";

export function apiErrors(realm: string): Middleware {
  return async (ctx, next) => {
    ctx.set("Cache-Control", "no-store");
    try {
      await next();
    } catch (err) {
      ctx.type = "json";
      if (err instanceof ResourceServerError) {
        ctx.status = err.status;
        ctx.set("WWW-Authenticate", wwwAuthenticate(err, realm));
        ctx.body = { code: err.code, message: err.message, data: {} };
        return;
      }
      if (err instanceof AppError) {
        ctx.status = err.status;
        if (typeof err.data?.retryAfter === "number") ctx.set("Retry-After", String(err.data.retryAfter));
        ctx.body = { code: err.code, message: err.publicMessage, data: err.data ?? {} };
        return;
      }
      // the body parser's refusals (bad JSON, too large, odd encoding) carry a 4xx status; their own messages
      // are not shown
      const status = (err as { status?: unknown }).status;
      if (typeof status === "number" && status >= 400 && status < 500) {
        ctx.status = status;
        ctx.body = status === 413 ? { code: "request.too_large", message: "The request body is too large.", data: {} }
          : status === 415 ? { code: "request.unsupported_type", message: "Send JSON in UTF-8.", data: {} }
          : { code: "request.invalid_json", message: "The request body is not valid JSON.", data: {} };
        return;
      }
      if (isDependencyUnavailable(err)) {
        ctx.state.log?.error({ err }, "service unavailable");
        ctx.status = 503;
        ctx.set("Retry-After", String(RETRY_AFTER_SECONDS));
        ctx.body = { code: "service_unavailable", message: "Gatehouse cannot reach its database right now. Please try again in a few seconds.", data: {} };
        return;
      }
      ctx.state.log?.error({ err }, "unhandled API error");
      ctx.status = 500;
      ctx.body = { code: "internal_error", message: "Something went wrong on our side. Please try again.", data: {} };
    }
  };
}
