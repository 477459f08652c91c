// The audit log as admins read it: validated filters (user, team, event type exact or "prefix.", outcome, time
// range [from, to)), newest-first pages with an opaque cursor, and a streamed CSV export of a filtered range.
//
// Cursor: base64url of the last row's (created_at, id); the next page is the rows strictly older than it, so events
// recorded between two page loads (always newer) never shift, repeat or hide rows of later pages. A cursor does not
// carry the filter: send the same filter with it. Export: at most EXPORT_MAX_ROWS rows (newest first; narrow the
// range for more; `exportSize` tells beforehand whether an export will be cut), read in batches of EXPORT_BATCH
// rows by the same keyset, every cell formula-safe (src/lib/csv.ts). Bad input throws AuditQueryError (-> 400).
// The admin page may ask for another order (`sort`: oldest first, by event type, by actor; queries/audit-events.ts
// sortedPage): its cursor carries the order and the last row's sort keys, and a cursor of another order is refused.
import type { AuditService } from "./audit.ts";
import { auditedBy, type AdminActor } from "./admin-actor.ts";
import { z } from "zod";
import { csvLine, csvLines, CSV_BOM, type CsvValue } from "../lib/csv.ts";
import type { AuditEventQueries, AuditFilter, AuditOrder, AuditPosition, AuditRow, AuditSortPosition } from "../queries/audit-events.ts";

export type { AuditOrder };

export const AUDIT_PAGE_MAX = 200;
export const AUDIT_PAGE_DEFAULT = 50;
export const EXPORT_MAX_ROWS = 100_000;
export const EXPORT_BATCH = 1000;
/**
 * read access: an admin listed or opened users. Still recorded (who looked at whose personal data), but the admin
 * page hides them unless asked (`includeReads`), so they do not bury the events that change something
 */
export const READ_ACCESS_TYPES = ["user.searched", "user.viewed"] as const;

/** a filter or cursor the caller sent is not valid: `issues` say which field and why */
export class AuditQueryError extends Error {
  readonly code = "audit.invalid_query";
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = "AuditQueryError";
  }
}

const TYPE = /^[a-z0-9_]+(\.[a-z0-9_]+)*(\.|\.\*)?$/;
const emptyToUndefined = (v: unknown) => (v === "" || v === null ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(emptyToUndefined, schema.optional());

/** the filter fields, as strings from a query string or JSON body */
export const auditFilterSchema = z
  .object({
    userId: optional(z.uuid({ message: "userId must be a user id (UUID)" })),
    actorId: optional(z.string().max(100, { message: "actorId has at most 100 characters" })),
    teamId: optional(z.uuid({ message: "teamId must be a team id (UUID)" })),
    type: optional(
      z.string().max(100).regex(TYPE, { message: 'type must be an event type ("login.failed") or a prefix ending in "." ("login.")' }),
    ),
    outcome: optional(z.enum(["success", "failure"], { message: 'outcome must be "success" or "failure"' })),
    from: optional(z.iso.datetime({ offset: true, message: "from must be an ISO 8601 date-time" })),
    to: optional(z.iso.datetime({ offset: true, message: "to must be an ISO 8601 date-time" })),
  })
  .strict();

export const auditPageSchema = auditFilterSchema
  .extend({
    limit: optional(
      z.coerce
        .number()
        .int()
        .min(1)
        .max(AUDIT_PAGE_MAX, { message: `limit must be 1-${AUDIT_PAGE_MAX}` }),
    ),
    cursor: optional(z.string().max(200)),
  })
  .strict();

export type AuditFilterInput = z.input<typeof auditFilterSchema>;
export type AuditPageInput = z.input<typeof auditPageSchema>;

/** what an admin page (or the API) shows of one event */
export type AuditEventView = {
  id: string;
  createdAt: string;
  type: string;
  outcome: string;
  userId: string | null;
  userEmail: string | null;
  actorId: string | null;
  clientId: string | null;
  ip: string | null;
  userAgent: string | null;
  data: unknown;
  userName: string | null;
  actorEmail: string | null;
  actorName: string | null;
};

/** what a caller may add to a filter besides its fields: leave out read access (READ_ACCESS_TYPES) */
export type AuditListOptions = { hideReads?: boolean };
/** a page's options: besides the filter's, the order (default newest first) */
export type AuditPageOptions = AuditListOptions & { sort?: AuditOrder };

export const EXPORT_COLUMNS = ["time", "type", "outcome", "user_id", "user_email", "actor", "client", "ip", "user_agent", "data"] as const;

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.join(".") || "(query)", message: i.message }));
  throw new AuditQueryError(issues.map((i) => (i.path === "(query)" ? i.message : `${i.path}: ${i.message}`)).join("; "), issues);
}

function toFilter(input: z.output<typeof auditFilterSchema>, opts: AuditListOptions = {}): AuditFilter {
  const filter: AuditFilter = {};
  if (input.userId) filter.userId = input.userId;
  if (input.actorId) filter.actorId = input.actorId;
  // a type filter that names a read-access type exactly shows it anyway
  if (opts.hideReads && !(READ_ACCESS_TYPES as readonly string[]).includes(input.type ?? "")) filter.excludeTypes = [...READ_ACCESS_TYPES];
  if (input.teamId) filter.teamId = input.teamId.toLowerCase(); // as the events store it (the id's canonical text)
  if (input.type)
    filter.type = input.type.endsWith(".*")
      ? { prefix: input.type.slice(0, -1) }
      : input.type.endsWith(".")
        ? { prefix: input.type }
        : { exact: input.type };
  if (input.outcome) filter.outcome = input.outcome;
  if (input.from) filter.from = new Date(input.from);
  if (input.to) filter.to = new Date(input.to);
  if (filter.from && filter.to && filter.from >= filter.to)
    throw new AuditQueryError("from must be before to", [{ path: "to", message: "must be after from" }]);
  return filter;
}

const MAX_BIGINT = 2n ** 63n - 1n;

export function encodeCursor(row: { createdAt: Date; id: bigint }): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
}

export function decodeCursor(cursor: string): AuditPosition {
  const [time, id, extra] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(time ?? "");
  if (
    extra !== undefined ||
    !id ||
    !/^\d{1,19}$/.test(id) ||
    BigInt(id) > MAX_BIGINT ||
    Number.isNaN(createdAt.getTime()) ||
    createdAt.toISOString() !== time
  ) {
    throw new AuditQueryError("cursor is not valid: use the nextCursor of a previous page", [
      { path: "cursor", message: "not a cursor from this API" },
    ]);
  }
  return { createdAt, id: BigInt(id) };
}

const BAD_CURSOR = () =>
  new AuditQueryError("cursor is not valid: use the nextCursor of a previous page", [
    { path: "cursor", message: "not a cursor from this API" },
  ]);
const orderName = (o: AuditOrder) => `${o.col}:${o.dir}`;

/** a sorted page's cursor: the order, the last row's sort keys, created_at and id (base64url JSON) */
export function encodeSortedCursor(order: AuditOrder, row: { createdAt: Date; id: bigint; sortKeys: string[] }): string {
  return Buffer.from(
    JSON.stringify({ o: orderName(order), k: row.sortKeys, t: row.createdAt.toISOString(), i: row.id.toString() }),
  ).toString("base64url");
}

export function decodeSortedCursor(order: AuditOrder, cursor: string): AuditSortPosition {
  let v: { o?: unknown; k?: unknown; t?: unknown; i?: unknown };
  try {
    v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as typeof v;
  } catch {
    throw BAD_CURSOR();
  }
  const keys =
    Array.isArray(v?.k) && v.k.length <= 2 && v.k.every((k) => typeof k === "string" && k.length <= 600) ? (v.k as string[]) : null;
  const createdAt = new Date(typeof v?.t === "string" ? v.t : "");
  const id = typeof v?.i === "string" && /^\d{1,19}$/.test(v.i) ? BigInt(v.i) : null;
  if (
    v?.o !== orderName(order) ||
    !keys ||
    id === null ||
    id > MAX_BIGINT ||
    Number.isNaN(createdAt.getTime()) ||
    createdAt.toISOString() !== v.t
  )
    throw BAD_CURSOR();
  return { keys, createdAt, id };
}

/** newest first: the plain keyset page (page()), whose cursors the API also uses */
const isNewestFirst = (o: AuditOrder | undefined) => !o || (o.col === "time" && o.dir === "desc");

const view = (r: AuditRow): AuditEventView => ({
  id: r.id.toString(),
  createdAt: r.createdAt.toISOString(),
  type: r.type,
  outcome: r.outcome,
  userId: r.userId,
  userEmail: r.userEmail,
  actorId: r.actorId,
  clientId: r.clientId,
  ip: r.ip,
  userAgent: r.userAgent,
  data: r.data,
  userName: r.userName,
  actorEmail: r.actorEmail,
  actorName: r.actorName,
});

const csvCells = (r: AuditRow): CsvValue[] => [
  r.createdAt,
  r.type,
  r.outcome,
  r.userId,
  r.userEmail,
  r.actorId,
  r.clientId,
  r.ip,
  r.userAgent,
  JSON.stringify(r.data ?? {}),
];

export function createAuditLog(queries: Pick<AuditEventQueries, "page" | "sortedPage" | "countUpTo">, audit: AuditService) {
  return {
    /**
     * an admin's export: its size, then the CSV itself as it streams; the export is audited first (audit.exported:
     * the filter, the rows, whether it was cut, and who). Bad input throws AuditQueryError before anything is recorded
     */
    async exportFor(
      input: Record<string, string>,
      actor: AdminActor,
      opts: AuditListOptions = {},
    ): Promise<{ size: { rows: number; truncated: boolean }; chunks: AsyncGenerator<string> }> {
      const size = await this.exportSize(input, opts);
      const chunks = this.exportCsv(input, opts);
      const filter = opts.hideReads ? { ...input, hideReads: true } : input;
      await audit.record({
        type: "audit.exported",
        outcome: "success",
        userId: null,
        ...auditedBy(actor),
        data: { filter, rows: size.rows, truncated: size.truncated },
      });
      return { size, chunks };
    },

    /** one page, newest first unless `opts.sort` says otherwise; nextCursor is null on the last page */
    async list(input: AuditPageInput, opts: AuditPageOptions = {}): Promise<{ events: AuditEventView[]; nextCursor: string | null }> {
      const parsed = parse(auditPageSchema, input);
      const limit = parsed.limit ?? AUDIT_PAGE_DEFAULT;
      const sort = opts.sort;
      if (sort && !isNewestFirst(sort)) {
        const position = parsed.cursor ? decodeSortedCursor(sort, parsed.cursor) : null;
        const rows = await queries.sortedPage(toFilter(parsed, opts), sort, position, limit + 1);
        const page = rows.slice(0, limit);
        const last = page.at(-1);
        return { events: page.map(view), nextCursor: rows.length > limit && last ? encodeSortedCursor(sort, last) : null };
      }
      const after = parsed.cursor ? decodeCursor(parsed.cursor) : null;
      const rows = await queries.page(toFilter(parsed, opts), after, limit + 1);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return { events: page.map(view), nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
    },

    /** how many rows an export of `input` would have, and whether it would be cut at EXPORT_MAX_ROWS */
    async exportSize(input: AuditFilterInput, opts: AuditListOptions = {}): Promise<{ rows: number; truncated: boolean }> {
      const n = await queries.countUpTo(toFilter(parse(auditFilterSchema, input), opts), EXPORT_MAX_ROWS + 1);
      return { rows: Math.min(n, EXPORT_MAX_ROWS), truncated: n > EXPORT_MAX_ROWS };
    },

    /**
     * the CSV text of a filtered range, in chunks (BOM + header, then one chunk per batch): validation happens
     * here, before the first chunk, so a bad filter throws before any response is started
     */
    exportCsv(input: AuditFilterInput, opts: AuditListOptions & { maxRows?: number; batch?: number } = {}): AsyncGenerator<string> {
      const filter = toFilter(parse(auditFilterSchema, input), opts);
      const maxRows = Math.min(opts.maxRows ?? EXPORT_MAX_ROWS, EXPORT_MAX_ROWS);
      const batch = opts.batch ?? EXPORT_BATCH;
      return (async function* () {
        yield CSV_BOM + csvLine(EXPORT_COLUMNS);
        let after: AuditPosition | null = null;
        let sent = 0;
        while (sent < maxRows) {
          const rows = await queries.page(filter, after, Math.min(batch, maxRows - sent));
          if (rows.length === 0) return;
          yield csvLines(rows.map(csvCells));
          sent += rows.length;
          const last = rows.at(-1)!;
          after = { createdAt: last.createdAt, id: last.id };
        }
      })();
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
