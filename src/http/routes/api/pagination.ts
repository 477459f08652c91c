// Cursor pagination for the REST API's lists. A cursor is opaque to callers: base64url of the JSON of the
// last item's sort key (a tuple of strings, newest first, ending with the item's id so the order is total and
// stable). `limit` is 1-100, default 50. A page holds the items strictly after the cursor's key, so pages
// never repeat an item, and an item added or removed between pages shifts nothing else.
// `pageOf` pages a list that is already whole in memory: the self-service lists (a user's sessions, devices,
// teams) are small and their services return them whole (listing sessions also ends dead ones on the way).
// Lists that grow without bound (users, audit events) should use the same cursor as a SQL keyset
// (WHERE (created_at, id) < ($1, $2) ORDER BY created_at DESC, id DESC LIMIT $limit + 1) through decodeCursor.
import { z } from "zod";

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 100;

const cursorKey = z.array(z.string().max(200)).min(1).max(4);
export type CursorKey = z.infer<typeof cursorKey>;

export const encodeCursor = (key: CursorKey) => Buffer.from(JSON.stringify(key), "utf8").toString("base64url");

/** the key in a cursor, or null when it is not one of ours */
export function decodeCursor(cursor: string): CursorKey | null {
  if (!/^[A-Za-z0-9_-]{1,1024}$/.test(cursor)) return null;
  try {
    const parsed = cursorKey.safeParse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null; // not JSON
  }
}

/** the query of a paged list: ?limit=&cursor= (the cursor decoded to its key) */
export const pageQuery = z.strictObject({
  limit: z.coerce
    .number<string>()
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(MAX_LIMIT, `must be at most ${MAX_LIMIT}`)
    .default(DEFAULT_LIMIT)
    .meta({ description: `how many items per page, 1-${MAX_LIMIT}`, example: 20 }),
  cursor: z
    .string()
    .max(1024)
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      const key = decodeCursor(value);
      if (!key) {
        ctx.addIssue({ code: "custom", message: "is not a cursor from this API (pass a page's nextCursor as it is)" });
        return z.NEVER;
      }
      return key;
    })
    .meta({ description: "the previous page's nextCursor; leave out for the first page" }),
});
export type PageQuery = z.output<typeof pageQuery>;

/** the nextCursor of a paged answer */
export const nextCursor = z.string().nullable().meta({ description: "pass as ?cursor= for the next page; null on the last page" });

/** tuples compared item by item, newest (greatest) first */
function compareDesc(a: CursorKey, b: CursorKey): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? "";
    const y = b[i] ?? "";
    if (x !== y) return x < y ? 1 : -1;
  }
  return 0;
}

/**
 * one page of a whole list: sorted by `keyOf` descending (keys must be unique: end them with the id), the
 * items after the cursor's key, at most `limit`; nextCursor when more follow
 */
export function pageOf<T>(
  items: readonly T[],
  keyOf: (item: T) => CursorKey,
  query: { limit: number; cursor?: CursorKey | undefined },
): { items: T[]; nextCursor: string | null } {
  const keyed = items.map((item) => ({ item, key: keyOf(item) })).sort((a, b) => compareDesc(a.key, b.key));
  const after = query.cursor;
  const rest = after ? keyed.filter((k) => compareDesc(k.key, after) > 0) : keyed;
  const page = rest.slice(0, query.limit);
  const more = rest.length > page.length;
  return { items: page.map((p) => p.item), nextCursor: more ? encodeCursor(page[page.length - 1]!.key) : null };
}
