// Sortable admin tables without JavaScript (#18 item 1): `?sort=<column>&dir=asc|desc` in the URL, links in the
// column headers with aria-sort on the sorted one. The columns are a whitelist per table: an unknown column or
// direction is ignored (the table's default order), and no value from the URL ever reaches a query; a list
// loaded whole is sorted by the whitelist's own key functions. A column's label is a message key (or an English
// text), said in the page's words by the `say` the route passes (else shown as it is).
import type { Context } from "koa";

export type SortDir = "asc" | "desc";
/**
 * a column: its header label and the value rows sort by (strings compare by locale, case-insensitive); without
 * `key` the database sorts (a list paged there: queries/admin-lists.ts), this only draws the headers
 */
export type SortColumn<T> = { label: string; key?: (row: T) => string | number | boolean | null };
/** `default.col` null: the order the rows come in (no column marked) */
export type SortSpec<T> = { columns: Record<string, SortColumn<T>>; default: { col: string | null; dir: SortDir } };
type Order = { col: string | null; dir: SortDir };
export type SortHeader = { col: string; label: string; href: string; ariaSort: "ascending" | "descending" | "none"; dir: SortDir | null };
export type Sorted<T> = { rows: T[]; sort: Order; headers: Record<string, SortHeader> };

const one = (v: unknown) => (Array.isArray(v) ? v[0] : v);

/** the order the URL asks for, if the table has that column; else the table's default */
export function sortOf<T>(ctx: Context, spec: SortSpec<T>): Order {
  const col = one(ctx.query.sort);
  const dir = one(ctx.query.dir);
  if (typeof col !== "string" || !Object.hasOwn(spec.columns, col)) return spec.default;
  return { col, dir: dir === "desc" ? "desc" : dir === "asc" ? "asc" : spec.default.col === col ? spec.default.dir : "asc" };
}

function compare(a: string | number | boolean | null, b: string | number | boolean | null): number {
  if (a === b) return 0;
  if (a === null) return 1; // empty values last, whichever the direction
  if (b === null) return -1;
  if (typeof a === "string" && typeof b === "string") return a.localeCompare(b, "en", { sensitivity: "base", numeric: true });
  return a < b ? -1 : 1;
}

/** the rows in the asked order (stable), and each column's header link; `path` keeps the page's other query parameters */
export function sortRows<T>(ctx: Context, rows: T[], spec: SortSpec<T>, path: string): Sorted<T> {
  const sort = sortOf(ctx, spec);
  if (sort.col === null) return { rows, sort, headers: sortHeaders(ctx, spec, sort, path) };
  const key = spec.columns[sort.col]!.key;
  if (!key) throw new Error(`sort column ${sort.col} has no key: the database sorts it`);
  const sign = sort.dir === "asc" ? 1 : -1;
  const sorted = rows
    .map((row, i) => ({ row, i, k: key(row) }))
    .sort((x, y) => (x.k === null || y.k === null ? compare(x.k, y.k) : sign * compare(x.k, y.k)) || x.i - y.i)
    .map((x) => x.row);
  return { rows: sorted, sort, headers: sortHeaders(ctx, spec, sort, path) };
}

/** each column's header: a link to sort by it (the other direction when it is the sorted one), its aria-sort, its label said */
export function sortHeaders<T>(
  ctx: Context,
  spec: SortSpec<T>,
  sort: Order,
  path: string,
  say: (label: string) => string = (label) => label,
): Record<string, SortHeader> {
  const keep = Object.entries(ctx.query).filter(([k, v]) => !["sort", "dir", "cursor", "notice"].includes(k) && typeof v === "string") as [
    string,
    string,
  ][];
  return Object.fromEntries(
    Object.entries(spec.columns).map(([col, c]) => {
      const current = sort.col === col;
      const dir: SortDir = current && sort.dir === "asc" ? "desc" : "asc";
      const query = new URLSearchParams([...keep, ["sort", col], ["dir", dir]]);
      return [
        col,
        {
          col,
          label: say(c.label),
          href: `${path}?${query.toString()}`,
          ariaSort: current ? (sort.dir === "asc" ? "ascending" : "descending") : "none",
          dir: current ? sort.dir : null,
        },
      ];
    }),
  );
}
