// Provider admins and teams: finding teams (search, cursor pages) and acting on one as an administrator. The
// acting itself goes through the team services with `asAdmin(adminId)` as the actor (team-roles.ts
// TeamActorRef): the same rules as for a team's own Owner (the Owner is never removed or demoted, ownership
// moves only by a transfer its new Owner accepts) and the same audit events, with the admin as the actor. The
// caller (the admin area, the admin API) has checked the admin's system role.
import type { TeamDirectoryQueries, TeamListing } from "../queries/team-directory.ts";
import type { TeamQueries, Team } from "../queries/teams.ts";
import { UUID } from "../lib/ids.ts";
import { decodeKeysetCursor, encodeKeysetCursor } from "../lib/keyset-cursor.ts";

export const MAX_TEAM_PAGE = 100;

export type TeamSearchInput = { query?: string; cursor?: string; limit: number };
export type TeamSearchResult =
  | { outcome: "ok"; teams: TeamListing[]; nextCursor: string | null }
  | { outcome: "invalid"; field: "cursor" | "limit" | "query"; message: string };

/** a provider admin as a team actor */
export const asAdmin = (adminId: string) => ({ adminId });

export function createTeamAdmin(deps: { directory: TeamDirectoryQueries; teams: TeamQueries }) {
  const { directory, teams } = deps;
  return {
    /** teams whose name or slug contains `query` (any case), newest first */
    async search(input: TeamSearchInput): Promise<TeamSearchResult> {
      if (!Number.isInteger(input.limit) || input.limit < 1 || input.limit > MAX_TEAM_PAGE)
        return { outcome: "invalid", field: "limit", message: `The page size is a whole number from 1 to ${MAX_TEAM_PAGE}.` };
      const query = input.query?.normalize("NFC").trim().toLowerCase() || undefined;
      if (query && query.length > 100)
        return { outcome: "invalid", field: "query", message: "The search text has at most 100 characters." };
      const after = input.cursor ? decodeKeysetCursor(input.cursor) : undefined;
      if (after === null)
        return { outcome: "invalid", field: "cursor", message: "This page link is not valid; start from the first page." };
      const rows = await directory.search({ query, after, take: input.limit + 1 });
      const page = rows.slice(0, input.limit);
      return { outcome: "ok", teams: page, nextCursor: rows.length > input.limit ? encodeKeysetCursor(page.at(-1)!) : null };
    },
    /** a team by id (a malformed id is simply not found) */
    find: (teamId: string): Promise<Team | null> => (UUID.test(teamId) ? teams.findById(teamId.toLowerCase()) : Promise.resolve(null)),
    findBySlug: (slug: string): Promise<Team | null> => teams.findBySlug(slug.trim().toLowerCase()),
  };
}

export type TeamAdmin = ReturnType<typeof createTeamAdmin>;
