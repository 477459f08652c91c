// A REST API route's documented errors (defineRoute's `errors`) as the OpenAPI document lists them, and the
// check that an error a route answered is one of them. `documented(code)` declares a catalogue code with the
// catalogue's status (lib/error-catalogue.ts), so the document and the answer cannot disagree on it; a
// description still written by hand names its codes first ("code: when"), which the check reads. Every answer a
// route gives is checked (mountApiRoutes): an undeclared one is logged, and under NODE_ENV=test also recorded
// for the app, so the test harness fails the test file that provoked it (test/helpers/test-app.ts).
import { CATALOGUE, wireCode, type ErrorCode } from "../../../lib/error-catalogue.ts";
import { AppError } from "../../errors.ts";

export type DocumentedError = { status: number; description: string };

/** a catalogue code the route can answer (a "code#variant" key: its code), with its status from the catalogue; `when` says in which case */
export const documented = (key: ErrorCode, when?: string): DocumentedError => ({
  status: CATALOGUE[key].status,
  description: `${wireCode(key)}: ${when ?? CATALOGUE[key].message}`,
});

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
export function undeclaredAnswer(
  responses: Record<string, { description?: string | undefined }>,
  answer: { status: number; code: string },
): string | null {
  const { status, code } = answer;
  if (status < 400 || status >= 500 || EVERY_ROUTE.has(code)) return null;
  const listed = responses[String(status)];
  if (!listed) return `${status} ${code}: the route documents no ${status}`;
  return names(listed.description ?? "", code) ? null : `${status} ${code}: the route's ${status} does not name this code`;
}

/** the same for an error a handler threw (what is not an AppError becomes a 500, not the route's to declare) */
export const undeclaredError = (responses: Record<string, { description?: string | undefined }>, err: unknown): string | null =>
  err instanceof AppError ? undeclaredAnswer(responses, err) : null;

/** the undeclared answers recorded per app context while NODE_ENV=test (recordUndeclared) */
const recorded = new WeakMap<object, string[]>();

/** records an undeclared answer an app gave (only under NODE_ENV=test: production only logs it) */
export function recordUndeclared(app: object, answer: string): void {
  const list = recorded.get(app) ?? [];
  list.push(answer);
  recorded.set(app, list);
}

/** the undeclared answers `app` gave so far, each as "METHOD path: why" */
export const undeclaredAnswersOf = (app: object): readonly string[] => recorded.get(app) ?? [];
