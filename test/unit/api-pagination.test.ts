// The REST API's cursor pagination (pure logic): cursors round-trip and refuse anything not made by
// encodeCursor, `limit` is 1-100 (default 50), and pageOf walks a list in a total, stable order (ties broken
// by the id at the end of the key) with no item twice and none left out, even when items come and go
// between pages.
import { describe, it, expect } from "vitest";
import { decodeCursor, encodeCursor, pageOf, pageQuery } from "../../src/http/routes/api/pagination.ts";

type Item = { id: string; at: string };
const keyOf = (i: Item) => [i.at, i.id];
const walk = (items: Item[], limit: number) => {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: Item[]; nextCursor: string | null } = pageOf(
      items,
      keyOf,
      pageQuery.parse({ limit: String(limit), ...(cursor ? { cursor } : {}) }),
    );
    seen.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor;
  } while (cursor && seen.length <= items.length);
  return seen;
};

describe("API cursor pagination", () => {
  it("round-trips a key and refuses what encodeCursor did not make", () => {
    const key = ["2026-12-01T10:00:00.000Z", "abc"];
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
    for (const bad of [
      "",
      "!!!",
      "bm90IGpzb24",
      Buffer.from("{}").toString("base64url"),
      Buffer.from("[]").toString("base64url"),
      Buffer.from("[1,2]").toString("base64url"),
      Buffer.from(JSON.stringify(["a", "b", "c", "d", "e"])).toString("base64url"),
      "A".repeat(2000),
    ]) {
      expect(decodeCursor(bad), bad.slice(0, 20)).toBeNull();
    }
  });

  it("limit: 1-100, whole numbers, default 50; an unknown parameter or a bad cursor is an issue", () => {
    expect(pageQuery.parse({})).toEqual({ limit: 50 });
    expect(pageQuery.parse({ limit: "100" }).limit).toBe(100);
    for (const bad of [
      { limit: "0" },
      { limit: "101" },
      { limit: "2.5" },
      { limit: "x" },
      { limit: ["1", "2"] },
      { cursor: "nope!" },
      { other: "1" },
    ]) {
      expect(pageQuery.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it("pages newest first with ties broken by id: every item once, in the same order as the whole list", () => {
    const items: Item[] = Array.from({ length: 7 }, (_, i) => ({
      id: `id-${i}`,
      at: i < 4 ? "2026-12-01T10:00:00.000Z" : `2026-12-01T1${i}:00:00.000Z`,
    }));
    const whole = pageOf(items, keyOf, { limit: 100 }).items.map((i) => i.id);
    expect(whole).toEqual(["id-6", "id-5", "id-4", "id-3", "id-2", "id-1", "id-0"]);
    for (const limit of [1, 2, 3, 6, 7]) expect(walk([...items].reverse(), limit), `limit ${limit}`).toEqual(whole);
    const last = pageOf(items, keyOf, { limit: 7 });
    expect(last.nextCursor).toBeNull();
  });

  it("an item added or removed between pages shifts nothing else", () => {
    const items: Item[] = Array.from({ length: 5 }, (_, i) => ({ id: `id-${i}`, at: `2026-12-01T1${i}:00:00.000Z` }));
    const first = pageOf(items, keyOf, { limit: 2 });
    expect(first.items.map((i) => i.id)).toEqual(["id-4", "id-3"]);
    const changed = [...items.filter((i) => i.id !== "id-3" && i.id !== "id-2"), { id: "id-9", at: "2026-12-01T19:00:00.000Z" }];
    const cursor = decodeCursor(first.nextCursor!)!;
    const second = pageOf(changed, keyOf, { limit: 2, cursor });
    expect(second.items.map((i) => i.id)).toEqual(["id-1", "id-0"]);
    expect(second.nextCursor).toBeNull();
  });
});
