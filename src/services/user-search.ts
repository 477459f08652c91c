// Finding users for the provider admins (user-admin.ts): one account by id, email or username, a team for the
// team filter, and the search with cursor pages (newest first), audited as user.searched.
import type { SafeUser } from "../queries/users.ts";
import { UUID } from "../lib/ids.ts";
import { decodeKeysetCursor, encodeKeysetCursor } from "../lib/keyset-cursor.ts";
import type { UserAdminActor, UserAdminDeps } from "./user-admin-types.ts";
import type { UserAdminSteps } from "./user-admin-steps.ts";

export const MAX_PAGE = 100;

export type UserSearchInput = { query?: string; teamId?: string; disabled?: boolean; cursor?: string; limit: number };
export type UserSearchResult =
  | { outcome: "ok"; users: SafeUser[]; nextCursor: string | null }
  | { outcome: "invalid"; field: "cursor" | "limit" | "query" | "teamId"; message: string };

export function createUserSearch({ queries, services }: UserAdminDeps, { record }: UserAdminSteps) {
  const users = queries.users;
  return {
    /** the account named by id, email or username (safe fields), or null */
    async find(identifier: string): Promise<SafeUser | null> {
      const value = identifier.trim();
      if (UUID.test(value)) return users.findSafe(value.toLowerCase());
      const user = await services.accounts.findByIdentifier(value);
      return user ? users.findSafe(user.id) : null;
    },

    /** a team by its slug, for the team filter (id, slug, name), or null */
    async teamBySlug(slug: string): Promise<{ id: string; slug: string; name: string } | null> {
      const team = await queries.teams.findBySlug(slug.trim().toLowerCase());
      return team ? { id: team.id, slug: team.slug, name: team.name } : null;
    },

    /** users whose email or username contains `query` (any case), in a team, disabled or not; newest first */
    async search(input: UserSearchInput, actor: UserAdminActor): Promise<UserSearchResult> {
      if (!Number.isInteger(input.limit) || input.limit < 1 || input.limit > MAX_PAGE)
        return { outcome: "invalid", field: "limit", message: `The page size is a whole number from 1 to ${MAX_PAGE}.` };
      const query = input.query?.normalize("NFC").trim().toLowerCase() || undefined;
      if (query && query.length > 254)
        return { outcome: "invalid", field: "query", message: "The search text has at most 254 characters." };
      if (input.teamId !== undefined && !UUID.test(input.teamId)) return { outcome: "invalid", field: "teamId", message: "No such team." };
      const after = input.cursor ? decodeKeysetCursor(input.cursor) : undefined;
      if (after === null)
        return { outcome: "invalid", field: "cursor", message: "This page link is not valid; start from the first page." };
      const rows = await users.search({ query, teamId: input.teamId, disabled: input.disabled, after, take: input.limit + 1 });
      const page = rows.slice(0, input.limit);
      await record("user.searched", "success", null, actor, {
        query: query ?? null,
        teamId: input.teamId ?? null,
        disabled: input.disabled ?? null,
        count: page.length,
        paged: Boolean(after),
      });
      return { outcome: "ok", users: page, nextCursor: rows.length > input.limit ? encodeKeysetCursor(page.at(-1)!) : null };
    },
  };
}
