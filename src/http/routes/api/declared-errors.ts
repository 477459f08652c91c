// A REST API route's documented errors (defineRoute's `errors`) as the OpenAPI document lists them, and the
// check that an error a route answered is one of them. `documented(code)` declares a catalogue code with the
// catalogue's status (lib/error-catalogue.ts), so the document and the answer cannot disagree on it; a
// description still written by hand names its codes first ("code: when"), which the check reads.
import { CATALOGUE, type ErrorCode } from "../../../lib/error-catalogue.ts";
import { AppError } from "../../errors.ts";

export type DocumentedError = { status: number; description: string };

/** a catalogue code the route can answer, with its status from the catalogue; `when` says in which case */
export const documented = (code: ErrorCode, when?: string): DocumentedError => ({ status: CATALOGUE[code].status, description: `${code}: ${when ?? CATALOGUE[code].message}` });

/** codes any route under /api can answer whatever it declares (the document's introduction lists them) */
const EVERY_ROUTE = new Set(["request.invalid_characters", "request.invalid", "rate_limit_unavailable", "service_unavailable"]);

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** whether `description` names `code` (as a whole code: "team.not_found" is not "not_found") */
export const names = (description: string, code: string) => new RegExp(`(^|[^\\w.])${escape(code)}(?![\\w.])`).test(description);

/**
 * why an answer (its status and code) is not among those a route documents (`responses`: status ->
 * description, as in the OpenAPI document), or null when it is: a client error (4xx) whose code the route's
 * entry for that status does not name. Server errors are not the route's to declare.
 */
export function undeclaredAnswer(responses: Record<string, { description?: string | undefined }>, answer: { status: number; code: string }): string | null {
  const { status, code } = answer;
  if (status < 400 || status >= 500 || EVERY_ROUTE.has(code)) return null;
  const listed = responses[String(status)];
  if (!listed) return `${status} ${code}: the route documents no ${status}`;
  return names(listed.description ?? "", code) ? null : `${status} ${code}: the route's ${status} does not name this code`;
}

/** the same for an error a handler threw (what is not an AppError becomes a 500, not the route's to declare) */
export const undeclaredError = (responses: Record<string, { description?: string | undefined }>, err: unknown): string | null =>
  err instanceof AppError ? undeclaredAnswer(responses, err) : null;
