// The admin teams list in an order an administrator chose (#18 item 1: sortable tables): the same search as
// team-admin.ts (part of the name or slug), sorted by a whitelisted column (queries/admin-lists.ts), paged by a
// cursor (the last row's id). Like the unsorted search, reading the list is not audited.
import { UUID } from "../lib/ids.ts";
import type { AdminListQueries, SortDir, TeamSortColumn } from "../queries/admin-lists.ts";
import type { TeamListing } from "../queries/team-directory.ts";

export type { TeamSortColumn };
export type SortedTeamSearchInput = { query?: string; sort: { col: TeamSortColumn; dir: SortDir }; cursor?: string; limit: number };
export type SortedTeamSearchResult =
  | { outcome: "ok"; teams: TeamListing[]; nextCursor: string | null }
  | { outcome: "invalid"; field: "query" | "cursor" | "limit"; message: string };

export function createTeamList(deps: { queries: AdminListQueries }) {
  return {
    async search(input: SortedTeamSearchInput): Promise<SortedTeamSearchResult> {
      if (!Number.isInteger(input.limit) || input.limit < 1 || input.limit > 200)
        return { outcome: "invalid", field: "limit", message: "The page size is a whole number from 1 to 200." };
      const query = input.query?.normalize("NFC").trim().toLowerCase() || undefined;
      if (query && query.length > 100)
        return { outcome: "invalid", field: "query", message: "The search text has at most 100 characters." };
      const invalidCursor = {
        outcome: "invalid",
        field: "cursor",
        message: "This page link is not valid; start from the first page.",
      } as const;
      if (input.cursor !== undefined && !UUID.test(input.cursor)) return invalidCursor;
      const rows = await deps.queries
        .teams({ query, sort: input.sort, afterId: input.cursor, take: input.limit + 1 })
        .catch((err: unknown) => {
          if ((err as { code?: string }).code === "P2025") return null; // the cursor's team was deleted meanwhile
          throw err;
        });
      if (!rows) return invalidCursor;
      const page = rows.slice(0, input.limit);
      return { outcome: "ok", teams: page, nextCursor: rows.length > input.limit ? page.at(-1)!.id : null };
    },
  };
}

export type TeamList = ReturnType<typeof createTeamList>;
