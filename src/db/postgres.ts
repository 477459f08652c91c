// Opens Postgres through Prisma's pg adapter (and plain SQL over the same pool, db/sql.ts): DATABASE_URL when set, otherwise an embedded PGlite (Postgres in
// WASM, development only) persisted in DATA_DIR/pglite and served on a loopback port so the same adapter is
// used everywhere. Migrations are applied before the client is handed out.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client.ts";
import { migrateDeploy } from "./migrate.ts";
import { benchCountersOn, countPgQuery } from "./bench-counters.ts";
import { createPool, sqlOver, type Sql } from "./sql.ts";

export type Database = {
  prisma: PrismaClient;
  /** plain SQL over the same pool (queries/ only, for the hottest statements) */
  sql: Sql;
  url: string;
  embedded: boolean;
  appliedMigrations: string[];
  close(): Promise<void>;
};

async function startEmbedded(dataDir: string): Promise<{ url: string; stop(): Promise<void> }> {
  // development dependencies (a production install has neither): say what to do instead of a module error
  const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("@electric-sql/pglite-socket"),
  ]).catch(() => {
    throw new Error(
      "DATABASE_URL is not set and the embedded Postgres (PGlite, a development dependency) is not installed: set DATABASE_URL, or run `npm install` with development dependencies",
    );
  });
  const dir = path.join(dataDir, "pglite");
  mkdirSync(dir, { recursive: true }); // PGlite's own mkdir is not recursive
  const pglite = await PGlite.create(dir);
  // one real Postgres session inside; the socket server multiplexes connections onto it
  const server = new PGLiteSocketServer({ db: pglite, host: "127.0.0.1", port: 0, maxConnections: 64 });
  await server.start();
  return {
    url: `postgresql://postgres:postgres@${server.getServerConn()}/postgres`,
    async stop() {
      await server.stop();
      await pglite.close();
    },
  };
}

export async function openDatabase(opts: {
  url?: string;
  dataDir: string;
  poolSize: number;
  connectTimeoutMs?: number;
  queryTimeoutMs?: number;
}): Promise<Database> {
  const embedded = opts.url ? undefined : await startEmbedded(opts.dataDir);
  const url = opts.url ?? embedded!.url;
  const appliedMigrations = await migrateDeploy(url);
  const pool = createPool(url, {
    max: opts.poolSize,
    connectTimeoutMs: opts.connectTimeoutMs,
    queryTimeoutMs: opts.queryTimeoutMs,
    onQuery: benchCountersOn ? countPgQuery : undefined,
  });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    sql: sqlOver(pool, { named: !embedded }),
    url,
    embedded: Boolean(embedded),
    appliedMigrations,
    async close() {
      await prisma.$disconnect();
      // the pool is ours (Prisma's adapter and db/sql.ts share it): every connection closed before the embedded server stops
      await pool.end();
      await embedded?.stop();
    },
  };
}
