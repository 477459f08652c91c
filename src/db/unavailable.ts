// Whether an error means Postgres or Redis could not be reached or did not answer in time (refused, reset,
// timed out, shutting down, out of connections), as opposed to a bug or bad data. Such a failure is no fault of
// the request: pages, the REST API and the OAuth endpoints answer 503 with Retry-After (http/error-handler.ts,
// oidc/unavailable.ts) instead of a 500, and the request may simply be tried again.

/** seconds a client is asked to wait before trying again */
export const RETRY_AFTER_SECONDS = 5;

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNABORTED",
]);
// Postgres SQLSTATEs: connection exceptions (class 08), shutting down or starting up (57P01-57P03), too many connections
const PG_UNAVAILABLE = /^(08...|57P0[1-3]|53300)$/;
// Prisma's codes for an unreachable, timed-out or closed database, a full pool and too many connections
const PRISMA_UNAVAILABLE = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2037"]);
const MESSAGES = [
  // ioredis
  /^Command timed out$/,
  /^Connection is closed\.?$/,
  /Stream isn't writeable/,
  /Reached the max retries per request limit/,
  /None of startup nodes is available/,
  /Failed to refresh slots cache/,
  /ClusterAllFailedError/,
  /^connect ETIMEDOUT/,
  // pg and pg-pool
  /^Connection terminated/,
  /timeout exceeded when trying to connect/,
  /^Query read timeout$/,
  /not queryable/,
  /the database system is (shutting down|starting up)/,
  /terminating connection due to administrator command/,
];
const NAMES = new Set(["MaxRetriesPerRequestError", "ClusterAllFailedError", "PrismaClientInitializationError"]);

function oneLevel(err: Record<string, unknown>): boolean {
  const code = typeof err.code === "string" ? err.code : undefined;
  if (code && (NETWORK_CODES.has(code) || PG_UNAVAILABLE.test(code) || PRISMA_UNAVAILABLE.has(code))) return true;
  if (typeof err.name === "string" && NAMES.has(err.name)) return true;
  const message = typeof err.message === "string" ? err.message : "";
  return MESSAGES.some((m) => m.test(message));
}

/** true when the error (or what caused it: `cause`, Prisma's driver adapter error) is a dependency that is not there */
export function isDependencyUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  const stack: unknown[] = [err];
  while (stack.length) {
    const e = stack.pop();
    if (!e || typeof e !== "object" || seen.has(e)) continue;
    seen.add(e);
    const rec = e as Record<string, unknown>;
    if (oneLevel(rec)) return true;
    stack.push(
      rec.cause,
      (rec.meta as Record<string, unknown> | undefined)?.driverAdapterError,
      ...(Array.isArray(rec.errors) ? rec.errors : []),
    );
  }
  return false;
}
