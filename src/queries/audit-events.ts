// Audit event rows: append, read back, and the audit log's filtered keyset pages (newest first by
// (created_at, id), with the user's email joined). Filters are SQL fragments built with Prisma.sql (values are
// always bound parameters, never spliced text). Indexes (migration 20261201115925_audit_query_indexes):
// (created_at, id) for unfiltered pages, (user_id, created_at), (type, created_at), and an expression index on
// ((data->>'teamId'), created_at, id) for the team filter: events carry their team in data (team-members.ts,
// ownership.ts, login.succeeded), so a team_id column would need every writer changed.
// The admin page may choose another order (sortedPage: by event type or by actor, each then newest first, or oldest
// first): a whitelist of constant sort expressions, paged by a keyset over the expressions' values and (created_at,
// id); those orders sort the filtered rows in the database (no index serves the actor order).
import { Prisma, type PrismaClient } from "../generated/prisma/client.ts";
import type { Sql } from "../db/sql.ts";

export type NewAuditEvent = {
  type: string;
  outcome: "success" | "failure";
  userId?: string | null;
  actorId?: string | null;
  clientId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  data?: Prisma.InputJsonObject;
};

/** an event as stored: the user agent cut to 512 characters */
export const trimmedAudit = (event: NewAuditEvent): NewAuditEvent => ({ ...event, userAgent: event.userAgent?.slice(0, 512) ?? null });

/** a validated filter (src/services/audit-log.ts validates what callers send) */
export type AuditFilter = {
  userId?: string;
  /** who acted (a user id, "cli", "bootstrap", ...) */
  actorId?: string;
  teamId?: string;
  /** exact type, or every type starting with `prefix` ("login.") */
  type?: { exact: string } | { prefix: string };
  outcome?: "success" | "failure";
  /** [from, to) */
  from?: Date;
  to?: Date;
  /** types left out (the audit page hides read access unless asked) */
  excludeTypes?: string[];
};

/** the keyset position: rows strictly older than this (created_at, id) */
export type AuditPosition = { createdAt: Date; id: bigint };

export type AuditRow = {
  id: bigint;
  createdAt: Date;
  type: string;
  outcome: string;
  userId: string | null;
  userEmail: string | null;
  userName: string | null;
  actorId: string | null;
  /** the acting user's email and name, when the actor is a user that still exists */
  actorEmail: string | null;
  actorName: string | null;
  clientId: string | null;
  ip: string | null;
  userAgent: string | null;
  data: unknown;
};

/** the orders the admin page may choose besides newest first (`time desc`, page()) */
export type AuditSortColumn = "time" | "type" | "actor";
export type AuditOrder = { col: AuditSortColumn; dir: "asc" | "desc" };
/** a sorted page's keyset position: the sort keys' values (text, in ORDER BY's order), then created_at and id */
export type AuditSortPosition = AuditPosition & { keys: string[] };
export type SortedAuditRow = AuditRow & { sortKeys: string[] };

/** actor ids that are user ids (the others: "cli", "bootstrap", a deleted user's pseudonym) */
const UUID_PATTERN = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";

/** LIKE pattern for "starts with": the prefix's own % _ \ are matched literally */
const likePrefix = (prefix: string) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function whereOf(filter: AuditFilter, after: AuditPosition | null): Prisma.Sql {
  const conds: Prisma.Sql[] = [];
  if (filter.userId) conds.push(Prisma.sql`e.user_id = ${filter.userId}::uuid`);
  if (filter.actorId) conds.push(Prisma.sql`e.actor_id = ${filter.actorId}`);
  if (filter.excludeTypes?.length) conds.push(Prisma.sql`e.type NOT IN (${Prisma.join(filter.excludeTypes)})`);
  if (filter.teamId) conds.push(Prisma.sql`(e.data->>'teamId') = ${filter.teamId}`);
  if (filter.type && "exact" in filter.type) conds.push(Prisma.sql`e.type = ${filter.type.exact}`);
  if (filter.type && "prefix" in filter.type) conds.push(Prisma.sql`e.type LIKE ${likePrefix(filter.type.prefix)}`);
  if (filter.outcome) conds.push(Prisma.sql`e.outcome = ${filter.outcome}`);
  if (filter.from) conds.push(Prisma.sql`e.created_at >= ${filter.from}::timestamp`);
  if (filter.to) conds.push(Prisma.sql`e.created_at < ${filter.to}::timestamp`);
  if (after) conds.push(Prisma.sql`(e.created_at, e.id) < (${after.createdAt}::timestamp, ${after.id}::bigint)`);
  return conds.length ? Prisma.sql`WHERE ${Prisma.join(conds, " AND ")}` : Prisma.empty;
}

/**
 * the sort keys before (created_at, id) of each order, all text: the event type; for the actor, first whether the
 * event has an actor of its own (the page shows none when the user acted: those rows come last either way), then
 * the actor's display name or email as the page shows it, else the actor id ("cli", a deleted user's)
 */
const SORT_KEYS: Record<AuditSortColumn, { expr: Prisma.Sql; fixedDir?: "asc" }[]> = {
  time: [],
  type: [{ expr: Prisma.sql`e.type` }],
  actor: [
    {
      expr: Prisma.sql`(CASE WHEN e.actor_id IS NULL OR e.actor_id IS NOT DISTINCT FROM COALESCE(e.user_id::text, e.user_pseudonym) THEN '1' ELSE '0' END)`,
      fixedDir: "asc",
    },
    { expr: Prisma.sql`lower(COALESCE(NULLIF(a.name, ''), a.email, e.actor_id, ''))` },
  ],
};

/** the ORDER BY terms of an order: its keys, then created_at and id (newest first within equal keys, except by time) */
function sortTerms(order: AuditOrder): { expr: Prisma.Sql; dir: "asc" | "desc" }[] {
  const keys = SORT_KEYS[order.col].map((k) => ({ expr: k.expr, dir: k.fixedDir ?? order.dir }));
  const timeDir = order.col === "time" ? order.dir : "desc";
  return [...keys, { expr: Prisma.sql`e.created_at`, dir: timeDir }, { expr: Prisma.sql`e.id`, dir: timeDir }];
}

/** rows after `p` in the order of `terms`: (t1 past v1) OR (t1 = v1 AND t2 past v2) OR ... */
function afterSorted(terms: { expr: Prisma.Sql; dir: "asc" | "desc" }[], p: AuditSortPosition): Prisma.Sql {
  const values = [...p.keys.map((k) => Prisma.sql`${k}::text`), Prisma.sql`${p.createdAt}::timestamp`, Prisma.sql`${p.id}::bigint`];
  const ors = terms.map((term, i) => {
    const equal = terms.slice(0, i).map((t, j) => Prisma.sql`${t.expr} = ${values[j]!}`);
    const past = term.dir === "asc" ? Prisma.sql`${term.expr} > ${values[i]!}` : Prisma.sql`${term.expr} < ${values[i]!}`;
    return Prisma.sql`(${Prisma.join([...equal, past], " AND ")})`;
  });
  return Prisma.sql`(${Prisma.join(ors, " OR ")})`;
}

/** the columns of an audit row, and its values for a statement whose parameters so far are `offset` */
export const AUDIT_COLUMNS = "type, outcome, user_id, actor_id, client_id, ip, user_agent, data, created_at";
export const auditValues = (offset: number) =>
  `($${offset + 1}, $${offset + 2}, $${offset + 3}::uuid, $${offset + 4}, $${offset + 5}, $${offset + 6}, $${offset + 7}, $${offset + 8}::jsonb, $${offset + 9}::timestamp)`;
export const auditParams = (e: NewAuditEvent, at: string) => [
  e.type,
  e.outcome,
  e.userId ?? null,
  e.actorId ?? null,
  e.clientId ?? null,
  e.ip ?? null,
  e.userAgent?.slice(0, 512) ?? null,
  JSON.stringify(e.data ?? {}),
  at,
];

export function createAuditEventQueries(db: PrismaClient, sql: Sql) {
  return {
    /** one event (a prepared statement: every action writes some) */
    insert: async (event: NewAuditEvent): Promise<{ id: bigint }> => {
      const [row] = await sql.rows<{ id: string }>(
        "audit-insert",
        `INSERT INTO audit_events (${AUDIT_COLUMNS}) VALUES ${auditValues(0)} RETURNING id`,
        auditParams(event, new Date().toISOString()),
      );
      return { id: BigInt(row!.id) };
    },
    /** several events in one statement, in this order */
    insertMany: async (events: NewAuditEvent[]): Promise<void> => {
      const now = new Date().toISOString();
      await sql.run(
        `audit-insert-${events.length}`,
        `INSERT INTO audit_events (${AUDIT_COLUMNS}) VALUES ${events.map((_, i) => auditValues(i * 9)).join(", ")}`,
        events.flatMap((e) => auditParams(e, now)),
      );
    },
    listForUser: (userId: string, take = 50, excludeTypes: readonly string[] = []) =>
      db.auditEvent.findMany({
        where: { userId, ...(excludeTypes.length ? { type: { notIn: [...excludeTypes] } } : {}) },
        orderBy: { id: "desc" },
        take,
      }),
    listByType: (type: string, take = 50) => db.auditEvent.findMany({ where: { type }, orderBy: { id: "desc" }, take }),

    /** up to `take` rows matching `filter`, older than `after`, newest first (ties on created_at by id) */
    page: (filter: AuditFilter, after: AuditPosition | null, take: number) => db.$queryRaw<AuditRow[]>`
      SELECT e.id, e.created_at AS "createdAt", e.type, e.outcome, COALESCE(e.user_id::text, e.user_pseudonym) AS "userId", u.email AS "userEmail",
             u.name AS "userName", e.actor_id AS "actorId", a.email AS "actorEmail", a.name AS "actorName",
             e.client_id AS "clientId", e.ip, e.user_agent AS "userAgent", e.data
      FROM audit_events e LEFT JOIN users u ON u.id = e.user_id
      LEFT JOIN LATERAL (SELECT email, name FROM users WHERE id = CASE WHEN e.actor_id ~* ${UUID_PATTERN} THEN e.actor_id::uuid END) a ON true
      ${whereOf(filter, after)}
      ORDER BY e.created_at DESC, e.id DESC
      LIMIT ${take}`,

    /** up to `take` rows matching `filter` in `order`, after the position `after` (its keys from a row's sortKeys) */
    sortedPage: (filter: AuditFilter, order: AuditOrder, after: AuditSortPosition | null, take: number) => {
      const terms = sortTerms(order);
      const keys = SORT_KEYS[order.col].map((k) => k.expr);
      const where = whereOf(filter, null);
      const past = after ? afterSorted(terms, after) : null;
      const conditions = past ? (where === Prisma.empty ? Prisma.sql`WHERE ${past}` : Prisma.sql`${where} AND ${past}`) : where;
      return db.$queryRaw<SortedAuditRow[]>`
      SELECT e.id, e.created_at AS "createdAt", e.type, e.outcome, COALESCE(e.user_id::text, e.user_pseudonym) AS "userId", u.email AS "userEmail",
             u.name AS "userName", e.actor_id AS "actorId", a.email AS "actorEmail", a.name AS "actorName",
             e.client_id AS "clientId", e.ip, e.user_agent AS "userAgent", e.data,
             ARRAY[${keys.length ? Prisma.join(keys) : Prisma.empty}]::text[] AS "sortKeys"
      FROM audit_events e LEFT JOIN users u ON u.id = e.user_id
      LEFT JOIN LATERAL (SELECT email, name FROM users WHERE id = CASE WHEN e.actor_id ~* ${UUID_PATTERN} THEN e.actor_id::uuid END) a ON true
      ${conditions}
      ORDER BY ${Prisma.join(terms.map((t) => Prisma.sql`${t.expr} ${t.dir === "asc" ? Prisma.sql`ASC` : Prisma.sql`DESC`}`))}
      LIMIT ${take}`;
    },

    /** how many rows match, counting no further than `cap` (for "the export stops at N rows") */
    countUpTo: async (filter: AuditFilter, cap: number) => {
      const [row] = await db.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM (SELECT 1 FROM audit_events e ${whereOf(filter, null)} LIMIT ${cap}) AS capped`;
      return row?.n ?? 0;
    },
  };
}

export type AuditEventQueries = ReturnType<typeof createAuditEventQueries>;
