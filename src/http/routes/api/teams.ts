// The team admin API (/api/v1/teams...), for a user's access token (a client_credentials token gets 403
// token.user_required). A provider admin whose system role has gatehouse.admin.teams.manage acts on any team
// (asAdmin: the Owner role's permissions, not the Owner) and alone may list every team; anyone else acts as
// themselves, a member, and the team services decide by their team role: not a member is 404 team.not_found
// (another team's existence never shows, so one team's Owner or Manager cannot touch another), a role lacking
// the route's team permission (x-gatehouse-team-permission in the document) 403 permission.denied. The
// services audit every change with the caller as actor and the request's IP and user agent.
import { z } from "zod";
import type { AppContext } from "../../web-context.ts";
import { MAX_TEAM_PAGE } from "../../../services/team-admin.ts";
import { TEAM_PERMISSIONS } from "../../../services/team-roles.ts";
import { defineRoute, type ApiRoute } from "./openapi.ts";
import { fieldInvalid } from "./request-invalid.ts";
import { DEFAULT_LIMIT, nextCursor } from "./pagination.ts";
import { TAGS, createTeamApi, notFoundDoc, teamParams } from "./teams-shared.ts";
import { iso, when } from "./schemas.ts";
import { teamMemberRoutes } from "./teams-members.ts";
import { teamRoleRoutes } from "./teams-roles.ts";
import { teamInvitationRoutes } from "./teams-invitations.ts";
import { teamTransferRoutes } from "./teams-transfer.ts";
import { teamVirtuozzoRoutes } from "./teams-virtuozzo.ts";
import { teamSsoRoutes } from "./teams-sso.ts";
import { ADMIN_PERMISSIONS } from "../../../authz/core-permissions.ts";

export const teamView = z
  .object({
    id: z.uuid(),
    slug: z.string(),
    name: z.string(),
    createdAt: when,
    memberCount: z.number().int(),
  })
  .meta({ id: "Team" });

const teamListing = teamView
  .extend({
    owner: z.object({ id: z.uuid(), username: z.string(), email: z.string(), name: z.string().nullable() }).nullable(),
  })
  .meta({ id: "TeamListing" });

const searchQuery = z.strictObject({
  query: z.string().max(100, "has at most 100 characters").optional().meta({ description: "part of the team's name (any case) or slug" }),
  cursor: z.string().max(1024).optional().meta({ description: "the previous page's nextCursor; leave out for the first page" }),
  limit: z.coerce
    .number<string>()
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(MAX_TEAM_PAGE, `must be at most ${MAX_TEAM_PAGE}`)
    .default(DEFAULT_LIMIT)
    .meta({ description: `how many teams per page, 1-${MAX_TEAM_PAGE}`, example: 20 }),
});

export function teamRoutes(app: AppContext): ApiRoute[] {
  const { services } = app;
  const api = createTeamApi(app);

  return [
    defineRoute({
      method: "get",
      path: "/api/v1/teams",
      tags: TAGS,
      access: { token: "user", permission: ADMIN_PERMISSIONS.teamsManage },
      query: searchQuery,
      summary: "Every team (provider admins), newest first",
      description: "Members see their own teams at /api/v1/me/teams.",
      response: {
        status: 200,
        description: "a page of teams with member counts and Owners",
        schema: z.object({ teams: z.array(teamListing), nextCursor }).meta({ id: "TeamListingPage" }),
      },
      handle: async (_ctx, { query }) => {
        const found = await services.teamAdmin.search(query);
        if (found.outcome === "invalid") {
          throw fieldInvalid("query", found.field, found.message);
        }
        return {
          teams: found.teams.map((t) => ({
            id: t.id,
            slug: t.slug,
            name: t.name,
            createdAt: iso(t.createdAt),
            memberCount: t.memberCount,
            owner: t.owner,
          })),
          nextCursor: found.nextCursor,
        };
      },
    }),

    defineRoute({
      method: "get",
      path: "/api/v1/teams/:teamId",
      tags: TAGS,
      access: { token: "user", team: TEAM_PERMISSIONS.read },
      params: teamParams,
      query: z.strictObject({}),
      summary: "A team",
      response: { status: 200, description: "the team", schema: teamView },
      errors: [notFoundDoc()],
      handle: async (ctx, { params }) => {
        const by = await api.actorOf(ctx);
        const { actor, members } = await api.settle(params.teamId, by, await services.teamMembers.list(params.teamId, by));
        const { team } = actor;
        return { id: team.id, slug: team.slug, name: team.name, createdAt: iso(team.createdAt), memberCount: members.length };
      },
    }),

    ...teamMemberRoutes(app, api),
    ...teamRoleRoutes(app, api),
    ...teamInvitationRoutes(app, api),
    ...teamTransferRoutes(app, api),
    // email domains and single sign-on (#17 item 3)
    ...teamSsoRoutes(app, api),
    // the Virtuozzo plugin (#19): only when it is turned on
    ...(app.config.virtuozzo.enabled ? teamVirtuozzoRoutes(app, api) : []),
  ];
}
