// /admin/teams: the provider admins' team screens (every route needs gatehouse.admin.teams.manage). The list
// searches by part of a team's name or slug, newest first, in cursor pages (team-search.ts); a team's page shows
// its members (the Owner marked and out of reach), the pending ownership transfer and the actions
// (teams-actions.ts): change a member's role, remove a member, start or cancel an ownership transfer. The admin
// acts through the team services as `asAdmin(adminId)`, which audit every change with the admin as the actor.
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { registerAdminTeamActions, type TeamPageLocals } from "./teams-actions.ts";
import { noticeText, teamDetailsView, teamFromUrl, TEAMS_CSRF } from "./teams-view.ts";
import { searchTeams } from "./team-search.ts";
import { ADMIN_PERMISSIONS } from "../../../authz/core-permissions.ts";
import { sayFor } from "./config-words.ts";
import { sayRefusal } from "../../../lib/i18n/refusal.ts";

export function registerAdminTeamRoutes(router: Router, app: AppContext, h: AdminRouteHelpers): void {
  const { csrf } = app;

  router.get("/admin/teams", h.requireAdmin(ADMIN_PERMISSIONS.teamsManage), async (ctx) => {
    const { status, search, error } = await searchTeams(app, ctx, "/admin/teams", sayFor(ctx, "teams", app.config.defaultLocale));
    return h.render(ctx, "teams", { section: "teams", title: "admin.section.teams", search, error }, status);
  });

  /** the team's page (404 for an unknown or malformed id) with a notice or an error from an action */
  async function renderTeam(ctx: Context, locals: TeamPageLocals = {}, status = 200) {
    const team = await teamFromUrl(app, ctx);
    const say = sayFor(ctx, "teams-detail", app.config.defaultLocale);
    const view = await teamDetailsView(app, team, h.admin(ctx).user.id, say);
    return h.render(
      ctx,
      "teams-detail",
      {
        section: "teams",
        title: say("admin.team.title", { name: team.name }),
        ...view,
        // members link to their admin user page only for admins who may open it
        canUsers: await h.can(ctx, ADMIN_PERMISSIONS.usersRead),
        csrfToken: csrf.token(ctx, TEAMS_CSRF),
        ...locals,
        // a service's refusal: its key with its values in the page's words
        ...(locals.error ? { error: sayRefusal(say, locals.error) } : {}),
      },
      status,
    );
  }

  router.get("/admin/teams/:teamId", h.requireAdmin(ADMIN_PERMISSIONS.teamsManage), (ctx) =>
    renderTeam(ctx, { notice: noticeText(ctx.query.notice) }),
  );

  registerAdminTeamActions(router, app, h, renderTeam);
}
