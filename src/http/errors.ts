// Errors the HTTP layer turns into clear 4xx pages or JSON; anything else is a 500 with no details.
import { CATALOGUE, fillMessage, wireCode, type ErrorCode } from "../lib/error-catalogue.ts";
import { RETRY_AFTER_SECONDS } from "../db/unavailable.ts";

export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    /** safe to show to the user */
    readonly publicMessage: string,
    readonly data?: Record<string, unknown>,
  ) {
    super(`${code}: ${publicMessage}`);
    this.name = "AppError";
  }
}

/**
 * the catalogue's error for `key` (its status and words: lib/error-catalogue.ts; a "code#variant" key answers
 * its code); the message's {name} placeholders come from `vars`, by default the error's data
 */
export const catalogueError = (key: ErrorCode, data?: Record<string, unknown>, vars: Record<string, unknown> | undefined = data) =>
  new AppError(wireCode(key), CATALOGUE[key].status, fillMessage(CATALOGUE[key].message, vars), data);

/** Postgres or Redis not there (db/unavailable.ts): the 503 pages and the REST API answer, with Retry-After */
export const serviceUnavailable = () => catalogueError("service_unavailable", { retryAfter: RETRY_AFTER_SECONDS });

export function assertThat(condition: unknown, error: () => AppError): asserts condition {
  if (!condition) throw error();
}
