// The pg pool under Prisma's adapter, and plain SQL over it for the few statements every sign-in and token
// runs (queries/ only): a named prepared statement through pg costs a fraction of the CPU of the same query
// through Prisma (docs/performance.md). Timestamps are UTC both ways, as Prisma keeps them: `timestamp` columns
// are read as UTC, and dates are sent as ISO strings (toISOString) by the callers.
import pg from "pg";

const TIMESTAMP_WITHOUT_TZ = 1114;
const utcTimestamp = (value: string) => new Date(`${value.replace(" ", "T")}Z`);

export type PoolOptions = { max: number; connectTimeoutMs?: number; queryTimeoutMs?: number; onQuery?: (query: unknown) => void };

/**
 * a connection pool whose timestamps are UTC; waiting for a connection and each statement are bounded (a stalled
 * or unreachable Postgres fails the request with 503, db/unavailable.ts; a timed-out connection is dropped);
 * `onQuery` (bench counters) sees each statement sent
 */
export function createPool(connectionString: string, opts: PoolOptions): pg.Pool {
  const { max, onQuery } = opts;
  const types = {
    getTypeParser: ((oid: number, format?: string) =>
      oid === TIMESTAMP_WITHOUT_TZ ? utcTimestamp : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({
    connectionString,
    max,
    types,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
    ...(opts.queryTimeoutMs ? { query_timeout: opts.queryTimeoutMs } : {}),
  });
  // an idle connection that breaks (Postgres restarted, the embedded server stopping) leaves the pool by itself and
  // the next query reconnects or fails with its own error: never an unhandled 'error' event that ends the process
  pool.on("error", () => {});
  if (onQuery) {
    pool.on("connect", (client) => {
      const query = client.query;
      client.query = function (this: pg.PoolClient, ...args: unknown[]) {
        onQuery(args[0]);
        return (query as (...a: unknown[]) => unknown).apply(this, args);
      } as typeof client.query;
    });
  }
  return pool;
}

export type Sql = {
  /** the rows of a named prepared statement (parsed once per connection) */
  rows<T>(name: string, text: string, values: unknown[]): Promise<T[]>;
  /** how many rows a named prepared statement changed */
  run(name: string, text: string, values: unknown[]): Promise<number>;
};

/**
 * `named: false` sends every statement unnamed: the embedded PGlite serves all connections from one Postgres
 * session, where a statement name prepared by one connection would clash with another's
 */
export function sqlOver(pool: pg.Pool, opts: { named: boolean }): Sql {
  const query = (name: string, text: string, values: unknown[]) => pool.query(opts.named ? { name, text, values } : { text, values });
  return {
    rows: async <T>(name: string, text: string, values: unknown[]) => (await query(name, text, values)).rows as T[],
    run: async (name, text, values) => (await query(name, text, values)).rowCount ?? 0,
  };
}
