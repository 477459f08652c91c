// Errors the HTTP layer turns into clear 4xx pages or JSON; anything else is a 500 with no details.
import { CATALOGUE, fillMessage, wireCode, type ErrorCode, type SaidCode } from "../lib/error-catalogue.ts";
import { RETRY_AFTER_SECONDS } from "../db/unavailable.ts";
import type { Said, Worded } from "../lib/i18n/refusal.ts";

export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    /** safe to show to the user */
    readonly publicMessage: string,
    readonly data?: Record<string, unknown>,
    /** a refusal's message key with its values (lib/i18n/refusal.ts): an error page says them in its language */
    readonly said?: Said,
  ) {
    super(`${code}: ${publicMessage}`);
    this.name = "AppError";
  }
}

/**
 * the catalogue's error for `key` (its status and words: lib/error-catalogue.ts; a "code#variant" key answers
 * its code); the message's {name} placeholders come from `vars`, by default the error's data. A "{said}" entry
 * takes a service's refusal instead: refusalError
 */
export const catalogueError = (key: ErrorCode, data?: Record<string, unknown>, vars: Record<string, unknown> | undefined = data) =>
  new AppError(wireCode(key), CATALOGUE[key].status, fillMessage(CATALOGUE[key].message, vars), data);

/**
 * the catalogue's error for `key` whose words are a service's refusal (a catalogue entry "{said}"): the refusal's
 * message key and values, its English words in the answer (the REST API's message), the key kept for a page
 */
export const refusalError = (key: SaidCode, refusal: Worded, data?: Record<string, unknown>) =>
  new AppError(wireCode(key), CATALOGUE[key].status, fillMessage(CATALOGUE[key].message, { said: refusal.message }), data, {
    key: refusal.key,
    ...(refusal.values ? { values: refusal.values } : {}),
  });

/** Postgres or Redis not there (db/unavailable.ts): the 503 pages and the REST API answer, with Retry-After */
export const serviceUnavailable = () => catalogueError("service_unavailable", { retryAfter: RETRY_AFTER_SECONDS });

export function assertThat(condition: unknown, error: () => AppError): asserts condition {
  if (!condition) throw error();
}
