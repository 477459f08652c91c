// /admin/teams: the provider admins' team screens (every route needs gatehouse.admin.teams.manage). The list
// searches by part of a team's name or slug, newest first, in cursor pages; a team's page shows its members
// (the Owner marked and out of reach), the pending ownership transfer and the actions (teams-actions.ts):
// change a member's role, remove a member, start or cancel an ownership transfer. The admin acts through the
// team services as `asAdmin(adminId)`, which audit every change with the admin as the actor.
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../../context.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { registerAdminTeamActions, type TeamPageLocals } from "./teams-actions.ts";
import { noticeText, teamDetailsView, teamFromUrl, TEAMS_CSRF } from "./teams-view.ts";
import { when } from "./users-view.ts";
import { ADMIN_PERMISSIONS } from "../../../authz/core-permissions.ts";

const PAGE_SIZE = 25;

const queryValue = (ctx: Context, name: string) => {
  const v = ctx.query[name];
  return (Array.isArray(v) ? v[0] : v)?.trim() ?? "";
};

export function registerAdminTeamRoutes(router: Router, app: AppContext, h: AdminRouteHelpers): void {
  const { services, csrf } = app;

  router.get("/admin/teams", h.requireAdmin(ADMIN_PERMISSIONS.teamsManage), async (ctx) => {
    const q = queryValue(ctx, "q").slice(0, 300);
    const cursor = queryValue(ctx, "cursor");
    const render = (locals: Record<string, unknown>, status = 200) =>
      h.render(ctx, "teams", { section: "teams", title: "Teams", filter: { q }, teams: [], nextUrl: null, ...locals }, status);

    const result = await services.teamAdmin.search({ query: q || undefined, cursor: cursor || undefined, limit: PAGE_SIZE });
    if (result.outcome !== "ok") return render({ error: result.message, errorField: result.field === "query" ? "q" : result.field }, 400);
    const first = q ? `/admin/teams?${new URLSearchParams({ q }).toString()}` : "/admin/teams";
    const next = result.nextCursor ? new URLSearchParams({ ...(q ? { q } : {}), cursor: result.nextCursor }) : null;
    return render({
      paged: Boolean(cursor),
      firstUrl: first,
      nextUrl: next ? `/admin/teams?${next.toString()}` : null,
      teams: result.teams.map((t) => ({
        id: t.id, name: t.name, slug: t.slug, members: t.memberCount, created: when(t.createdAt),
        owner: t.owner ? { username: t.owner.username, email: t.owner.email } : null,
      })),
    });
  });

  /** the team's page (404 for an unknown or malformed id) with a notice or an error from an action */
  async function renderTeam(ctx: Context, locals: TeamPageLocals = {}, status = 200) {
    const team = await teamFromUrl(app, ctx);
    const view = await teamDetailsView(app, team, h.admin(ctx).user.id);
    return h.render(ctx, "teams-detail", {
      section: "teams",
      title: `Team ${team.name}`,
      ...view,
      csrfToken: csrf.token(ctx, TEAMS_CSRF),
      ...locals,
    }, status);
  }

  router.get("/admin/teams/:teamId", h.requireAdmin(ADMIN_PERMISSIONS.teamsManage), (ctx) => renderTeam(ctx, { notice: noticeText(ctx.query.notice) }));

  registerAdminTeamActions(router, app, h, renderTeam);
}
