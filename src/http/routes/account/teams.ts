// /account/teams: the user's teams (name, address, role), how applications ask for a team (the address is what
// they pass as `team`), and leaving one: a POST that first shows a confirmation, then leaves (CSRF both
// times). An Owner must hand the team over first; leaving revokes the grants that speak for the team.
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import { defineForms } from "../../forms.ts";
import { catalogueError } from "../../errors.ts";
import type { AccountRouteHelpers } from "./helpers.ts";

const SLUG = /^[a-z0-9-]{1,48}$/;
const CSRF_BINDING = "account-teams";

export function registerTeamsRoutes(router: Router, app: AppContext, h: AccountRouteHelpers): void {
  const { csrf, services } = app;
  const forms = defineForms(router, app, { guard: h.requireAccount, csrf: CSRF_BINDING });

  async function renderTeams(ctx: Context, locals: { notice?: string; error?: string; transferUrl?: string } = {}, status = 200) {
    const { user } = h.account(ctx);
    const memberships = await services.teams.membershipsOf(user.id);
    return h.render(
      ctx,
      "teams",
      {
        title: "Teams",
        section: "teams",
        csrfToken: csrf.token(ctx, CSRF_BINDING),
        teams: memberships.map((m) => ({ name: m.team.name, slug: m.team.slug, role: m.role.name, isOwner: m.role.key === "owner" })),
        ...locals,
      },
      status,
    );
  }

  /** the signed-in user's membership of the team in the URL, or a 404 page */
  async function membershipOf(ctx: Context) {
    const slug = String(ctx.params.slug ?? "");
    const membership = SLUG.test(slug) ? await app.services.teams.membershipBySlug(slug, h.account(ctx).user.id) : null;
    if (!membership) throw catalogueError("team.not_found#member", { startOverUrl: "/account/teams" });
    return membership;
  }

  router.get("/account/teams", h.requireAccount, (ctx) => renderTeams(ctx));

  forms.post({
    path: "/account/teams/:slug/leave",
    load: membershipOf,
    async handle(ctx, { loaded: membership, submitted }) {
      const { team } = membership;
      const ownerCannotLeave = () =>
        renderTeams(
          ctx,
          { error: h.say(ctx)("teams.ownerCannotLeave", { team: team.name }), transferUrl: `/account/teams/${team.slug}/transfer` },
          409,
        );
      if (membership.role.key === "owner") return ownerCannotLeave();
      if (submitted.confirm !== "yes") {
        return h.render(ctx, "teams", {
          title: "Leave team",
          section: "teams",
          csrfToken: csrf.token(ctx, CSRF_BINDING),
          confirm: { name: team.name, slug: team.slug, role: membership.role.name, action: `/account/teams/${team.slug}/leave` },
        });
      }
      const result = await services.teamMembers.leave(team.id, h.account(ctx).user.id, h.requestInfo(ctx));
      if (result.outcome === "owner_must_transfer") return ownerCannotLeave(); // became the Owner since the page was shown
      if (result.outcome === "not_found") return renderTeams(ctx, { notice: h.say(ctx)("teams.noLongerMember", { team: team.name }) });
      return renderTeams(ctx, { notice: h.say(ctx)("teams.left", { team: team.name }) });
    },
  });
}
