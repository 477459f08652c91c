// The admin user list in an order an administrator chose (#18 item 1: sortable tables): the same search as
// user-search.ts (email or username contains the text, a team), sorted by a whitelisted column (queries/
// admin-lists.ts), paged by a cursor (the last row's id). Audited as user.searched like the unsorted search, so
// choosing an order is no way around the record of who searched for what.
import { UUID } from "../lib/ids.ts";
import type { AdminListQueries, SortDir, UserSortColumn } from "../queries/admin-lists.ts";
import type { SafeUser } from "../queries/users.ts";
import { auditedBy, surfaceOf, type AdminActor, type AdminSurface } from "./admin-actor.ts";
import type { AuditService } from "./audit.ts";

export type { UserSortColumn };
export type SortedUserSearchInput = {
  query?: string;
  teamId?: string;
  sort: { col: UserSortColumn; dir: SortDir };
  cursor?: string;
  limit: number;
};
export type SortedUserSearchResult =
  | { outcome: "ok"; users: SafeUser[]; nextCursor: string | null }
  | { outcome: "invalid"; field: "query" | "teamId" | "cursor" | "limit"; message: string };

export function createUserList(deps: { queries: AdminListQueries; audit: AuditService }) {
  return {
    async search(
      input: SortedUserSearchInput,
      actor: AdminActor & { via?: AdminSurface; apiClientId?: string },
    ): Promise<SortedUserSearchResult> {
      if (!Number.isInteger(input.limit) || input.limit < 1 || input.limit > 200)
        return { outcome: "invalid", field: "limit", message: "The page size is a whole number from 1 to 200." };
      const query = input.query?.normalize("NFC").trim().toLowerCase() || undefined;
      if (query && query.length > 254)
        return { outcome: "invalid", field: "query", message: "The search text has at most 254 characters." };
      if (input.teamId !== undefined && !UUID.test(input.teamId)) return { outcome: "invalid", field: "teamId", message: "No such team." };
      if (input.cursor !== undefined && !UUID.test(input.cursor))
        return { outcome: "invalid", field: "cursor", message: "This page link is not valid; start from the first page." };
      const rows = await deps.queries
        .users({ query, teamId: input.teamId, sort: input.sort, afterId: input.cursor, take: input.limit + 1 })
        .catch((err: unknown) => {
          // a cursor row deleted meanwhile: Prisma cannot start after it
          if ((err as { code?: string }).code === "P2025") return null;
          throw err;
        });
      if (!rows) return { outcome: "invalid", field: "cursor", message: "This page link is not valid; start from the first page." };
      const page = rows.slice(0, input.limit);
      await deps.audit.record({
        type: "user.searched",
        outcome: "success",
        ...auditedBy(actor),
        data: {
          query: query ?? null,
          teamId: input.teamId ?? null,
          sort: `${input.sort.col} ${input.sort.dir}`,
          count: page.length,
          paged: Boolean(input.cursor),
          ...(actor.via ? surfaceOf({ via: actor.via, apiClientId: actor.apiClientId }) : {}),
        },
      });
      return { outcome: "ok", users: page, nextCursor: rows.length > input.limit ? page.at(-1)!.id : null };
    },
  };
}

export type UserList = ReturnType<typeof createUserList>;
