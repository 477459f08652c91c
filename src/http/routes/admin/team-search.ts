// The team finder that /admin/teams and /admin/roles/teams share (both need gatehouse.admin.teams.manage): part
// of a team's name or slug (?q=), newest first, in cursor pages (?cursor=). The view model goes to the partial
// views/partials/admin-team-search.eta; a bad search text or page link is a 400 with the service's message.
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import { stamp, type Stamp } from "./users-view.ts";
import { sortHeaders, sortOf, type SortHeader, type SortSpec } from "./sorting.ts";
import type { TeamSortColumn } from "../../../services/team-list.ts";
import { translateText, translator } from "../../../lib/i18n/index.ts";

const PAGE_SIZE = 25;
const englishWords = translator("en");
const english = (text: string) => translateText(englishWords, text);

export type TeamSearchView = {
  q: string;
  teams: { id: string; name: string; slug: string; members: number; created: Stamp; owner: { username: string; email: string } | null }[];
  paged: boolean;
  firstUrl: string;
  nextUrl: string | null;
  /** the refused field ("q", "cursor"), with `error` on the page */
  errorField?: string;
  /** the column headers' sort links (sorting.ts), and the order a header chose (kept by the search form) */
  headers: Record<string, SortHeader>;
  sortChosen: { sort: string; dir: string } | null;
};

/** the teams table's sortable columns (a whitelist: queries/admin-lists.ts TEAM_SORT; labels are message keys); newest first by default */
const TEAMS_SORT: SortSpec<unknown> = {
  columns: {
    name: { label: "admin.col.name" },
    slug: { label: "admin.col.slug" },
    members: { label: "admin.col.members" },
    created: { label: "admin.col.created" },
  } satisfies Record<TeamSortColumn, { label: string }>,
  default: { col: "created", dir: "desc" },
};
export type TeamSearchOutcome = { status: number; search: TeamSearchView; error?: string };

const queryValue = (ctx: Context, name: string) => {
  const v = ctx.query[name];
  return (Array.isArray(v) ? v[0] : v)?.trim() ?? "";
};

/**
 * one page of the teams matching the request's ?q= and ?cursor=, with the links of `path` (the page's own); the
 * column labels said by `say` (the page's language; else the English of their keys)
 */
export async function searchTeams(
  app: AppContext,
  ctx: Context,
  path: string,
  say: (text: string) => string = english,
): Promise<TeamSearchOutcome> {
  const q = queryValue(ctx, "q").slice(0, 300);
  const cursor = queryValue(ctx, "cursor");
  // a column header chose the order (the database sorts: queries/admin-lists.ts); else newest first
  const sort = sortOf(ctx, TEAMS_SORT);
  const chosen = Object.hasOwn(TEAMS_SORT.columns, queryValue(ctx, "sort")) ? { sort: String(sort.col), dir: sort.dir } : null;
  const firstUrl = q || chosen ? `${path}?${new URLSearchParams({ ...(q ? { q } : {}), ...(chosen ?? {}) }).toString()}` : path;
  const search: TeamSearchView = {
    q,
    teams: [],
    paged: Boolean(cursor),
    firstUrl,
    nextUrl: null,
    headers: sortHeaders(ctx, TEAMS_SORT, sort, path, say),
    sortChosen: chosen,
  };
  const input = { query: q || undefined, cursor: cursor || undefined, limit: PAGE_SIZE };
  const result = chosen
    ? await app.services.teamList.search({ ...input, sort: { col: chosen.sort as TeamSortColumn, dir: chosen.dir } })
    : await app.services.teamAdmin.search(input);
  if (result.outcome !== "ok")
    return { status: 400, search: { ...search, errorField: result.field === "query" ? "q" : result.field }, error: result.message };
  const next = result.nextCursor ? new URLSearchParams({ ...(q ? { q } : {}), ...(chosen ?? {}), cursor: result.nextCursor }) : null;
  search.nextUrl = next ? `${path}?${next.toString()}` : null;
  search.teams = result.teams.map((t) => ({
    id: t.id,
    name: t.name,
    slug: t.slug,
    members: t.memberCount,
    created: stamp(t.createdAt),
    owner: t.owner ? { username: t.owner.username, email: t.owner.email } : null,
  }));
  return { status: 200, search };
}
