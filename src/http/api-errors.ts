// Errors of the REST API (/api/*) as JSON {code, message, data} with the right status, never an HTML page or a
// stack: a missing or bad bearer token answers 401 with WWW-Authenticate, a missing permission 403, a rate limit 429
// with Retry-After, Postgres or Redis not there 503 with Retry-After (db/unavailable.ts), the body parser's refusals
// 400 (not JSON, not decompressible), 413 or 415, any other 4xx by its status, anything else a plain 500.
// `apiErrors` runs first on every API route; the global error handler (error-handler.ts) answers with the same
// `answerApiError` for every path under /api, so refusals made before the API's router runs (a NUL in the URL, a
// path no route serves) are the API's JSON too.
import { STATUS_CODES } from "node:http";
import type { Context, Middleware } from "koa";
import { AppError, serviceUnavailable } from "./errors.ts";
import { isDependencyUnavailable } from "../db/unavailable.ts";
import { ResourceServerError, wwwAuthenticate } from "../resource-server/index.ts";

/** whether a request's path is the REST API's: /api or below it (any case, as the router matches; %2F counts) */
export function isApiPath(path: string): boolean {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // malformed percent-encoding: judge the path as it came
  }
  return /^\/api(?:\/|$)/i.test(decoded);
}

type Answer = { status: number; code: string; message: string; data?: Record<string, unknown> };

const answer = (status: number, code: string, message: string): Answer => ({ status, code, message });

/** the body parser's refusals (co-body, raw-body, inflation, zlib): their own messages are never shown */
function bodyRefusal(err: { status?: unknown; type?: unknown; code?: unknown; message?: unknown; name?: unknown }): Answer | undefined {
  // a Content-Encoding whose data does not decompress (zlib's Z_DATA_ERROR, Z_BUF_ERROR ...)
  if (typeof err.code === "string" && err.code.startsWith("Z_"))
    return answer(400, "request.invalid_body", "The request body could not be decompressed.");
  if (err.status === 413) return answer(413, "request.too_large", "The request body is too large.");
  if (err.status === 415) {
    return typeof err.message === "string" && err.message.startsWith("Unsupported Content-Encoding")
      ? answer(415, "request.unsupported_type", "The request's Content-Encoding is not supported: send gzip, deflate, br or none.")
      : answer(415, "request.unsupported_type", "Send JSON in UTF-8.");
  }
  if (err.status !== 400) return undefined;
  // co-body's JSON.parse failure (or its refusal of a body that is not an object or array)
  if (err.name === "SyntaxError" || err.type === "entity.parse.failed")
    return answer(400, "request.invalid_json", "The request body is not valid JSON (an object or an array).");
  if (typeof err.type === "string" && /^(request|entity|stream)\./.test(err.type))
    return answer(400, "request.invalid_body", "The request body could not be read (is its Content-Length right?).");
  return undefined;
}

/** code and message of any other 4xx (Koa's ctx.throw, http-errors): from the status, never the error's text */
function otherRefusal(status: number): Answer {
  if (status === 404) return answer(404, "not_found", "There is no such API endpoint.");
  const text = STATUS_CODES[status] ?? "Bad Request";
  return answer(
    status,
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "_")
      .replace(/^_|_$/g, ""),
    `The request was refused: ${text}.`,
  );
}

/** sets the API's JSON error answer for `err` on ctx; `realm` names the API in WWW-Authenticate */
export function answerApiError(ctx: Context, err: unknown, realm?: string): void {
  ctx.set("Cache-Control", "no-store");
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
  if (isDependencyUnavailable(err)) {
    ctx.state.log?.error({ err }, "service unavailable");
    const unavailable = serviceUnavailable();
    ctx.status = unavailable.status;
    ctx.set("Retry-After", String(unavailable.data!.retryAfter));
    ctx.body = { code: unavailable.code, message: unavailable.publicMessage, data: {} };
    return;
  }
  const e = (err ?? {}) as { status?: unknown };
  const refusal = typeof err === "object" && err !== null ? bodyRefusal(err) : undefined;
  const known = refusal ?? (typeof e.status === "number" && e.status >= 400 && e.status < 500 ? otherRefusal(e.status) : undefined);
  if (known) {
    ctx.status = known.status;
    ctx.body = { code: known.code, message: known.message, data: {} };
    return;
  }
  ctx.state.log?.error({ err }, "unhandled API error");
  ctx.status = 500;
  ctx.body = { code: "internal_error", message: "Something went wrong on our side. Please try again.", data: {} };
}

/** an API answer that is an error status with nothing in it (no route answered, Koa's bare 404 or 405) as JSON */
export function answerEmptyApiError(ctx: Context): void {
  if (ctx.status < 400 || ctx.body != null) return;
  const { status, code, message } = otherRefusal(ctx.status);
  ctx.set("Cache-Control", "no-store");
  ctx.status = status;
  ctx.body = { code, message, data: {} };
}

export function apiErrors(realm: string): Middleware {
  return async (ctx, next) => {
    ctx.set("Cache-Control", "no-store");
    try {
      await next();
    } catch (err) {
      answerApiError(ctx, err, realm);
    }
  };
}
