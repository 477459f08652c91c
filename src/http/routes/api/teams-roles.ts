// /api/v1/teams/:teamId/roles: a team's roles with their grants, what those resolve to and how many members
// hold each (gatehouse.team.read or roles.manage); creating, editing and deleting roles
// (gatehouse.team.roles.manage). The team role service decides and audits: Owner ("*") is neither editable nor
// deletable, built-in roles are not deletable, a role in use is not deleted, and nobody grants or edits beyond
// their own permissions.
import { z } from "zod";
import type { AppContext } from "../../web-context.ts";
import type { TeamActorRef, RoleView } from "../../../services/team-roles.ts";
import { TEAM_PERMISSIONS } from "../../../services/team-roles.ts";
import { catalogueError } from "../../errors.ts";
import { defineRoute, type ApiRoute } from "./openapi.ts";
import { nextCursor, pageOf, pageQuery } from "./pagination.ts";
import { TAGS, forbiddenDoc, invalidDoc, notFoundDoc, roleParams, teamParams, type TeamApi } from "./teams-shared.ts";
import { documented } from "./declared-errors.ts";
import { iso, when } from "./schemas.ts";

export const teamRole = z
  .object({
    id: z.uuid(),
    key: z.string().meta({ description: "what tokens carry as the role; stays when the role is renamed" }),
    name: z.string(),
    permissions: z.array(z.string()).meta({ description: "the role's grants: permission codes and wildcards (the Owner's is [\"*\"])" }),
    resolved: z.array(z.string()).meta({ description: "the registered permission codes the grants cover" }),
    builtIn: z.boolean().meta({ description: "Owner, Manager and Developer: created with the team, never deleted" }),
    memberCount: z.number().int(),
    editable: z.boolean().meta({ description: "false for Owner" }),
    deletable: z.boolean().meta({ description: "a custom role that nobody holds" }),
    createdAt: when,
  })
  .meta({ id: "TeamRole" });

const name = z.string().max(200).meta({ description: "2 to 48 characters; unique in the team (any case)", example: "Support" });
const grants = z
  .array(z.string().max(200))
  .max(500)
  .meta({ description: 'permission codes or wildcards (acme.blog.*); never "*" nor gatehouse.admin.*', example: ["gatehouse.team.read"] });
const createBody = z.strictObject({ name, permissions: grants });
const updateBody = z
  .strictObject({ name: name.optional(), permissions: grants.optional() })
  .refine((b) => b.name !== undefined || b.permissions !== undefined, "give a name, permissions or both");

const roleView = (r: RoleView): z.input<typeof teamRole> => ({
  id: r.id,
  key: r.key,
  name: r.name,
  permissions: r.permissions,
  resolved: r.resolved,
  builtIn: r.builtIn,
  memberCount: r.memberCount,
  editable: r.editable,
  deletable: r.deletable,
  createdAt: iso(r.createdAt),
});

export function teamRoleRoutes(app: AppContext, api: TeamApi): ApiRoute[] {
  const { services } = app;

  /** the team's roles as the caller may see them */
  async function roles(teamId: string, by: TeamActorRef) {
    return (await api.settle(teamId, by, await services.teamRoles.list(teamId, by))).roles;
  }
  /** one role of the team, as listed (after a change: its counts and resolved codes) */
  async function listed(teamId: string, by: TeamActorRef, roleId: string) {
    const role = (await roles(teamId, by)).find((r) => r.id === roleId);
    if (!role) throw catalogueError("role.not_found");
    return roleView(role);
  }

  return [
    defineRoute({
      method: "get",
      path: "/api/v1/teams/:teamId/roles",
      tags: TAGS,
      access: { token: "user", team: TEAM_PERMISSIONS.read },
      params: teamParams,
      query: pageQuery,
      summary: "A team's roles: built-in ones first, then custom ones, newest first",
      description: `Members whose role has ${TEAM_PERMISSIONS.read} or ${TEAM_PERMISSIONS.roles} may list them.`,
      response: {
        status: 200,
        description: "a page of roles",
        schema: z.object({ roles: z.array(teamRole), nextCursor }).meta({ id: "TeamRolePage" }),
      },
      errors: [notFoundDoc()],
      handle: async (ctx, { params, query }) => {
        const page = pageOf(
          await roles(params.teamId, await api.actorOf(ctx)),
          (r) => [r.builtIn ? "1" : "0", iso(r.createdAt), r.id],
          query,
        );
        return { roles: page.items.map(roleView), nextCursor: page.nextCursor };
      },
    }),

    defineRoute({
      method: "post",
      path: "/api/v1/teams/:teamId/roles",
      tags: TAGS,
      access: { token: "user", team: TEAM_PERMISSIONS.roles },
      params: teamParams,
      body: createBody,
      summary: "Create a custom role",
      description: "Its key comes from the name. Audited (team.role.created) with the caller as actor.",
      response: { status: 201, description: "the new role", schema: teamRole },
      errors: [
        invalidDoc('data.field name (length, taken) or permissions (unknown code, "*", admin codes)'),
        forbiddenDoc("grants beyond the caller's own permissions"),
        notFoundDoc(),
      ],
      handle: async (ctx, { params, body }) => {
        const by = await api.actorOf(ctx);
        const { role } = await api.settle(params.teamId, by, await services.teamRoles.create(params.teamId, by, body, api.request(ctx)));
        return listed(params.teamId, by, role.id);
      },
    }),

    defineRoute({
      method: "patch",
      path: "/api/v1/teams/:teamId/roles/:roleId",
      tags: TAGS,
      access: { token: "user", team: TEAM_PERMISSIONS.roles },
      params: roleParams,
      body: updateBody,
      summary: "Rename a role or change its grants",
      description:
        "What is left out stays as it is; the key (what tokens say) never changes. Owner is not editable. Audited (team.role.updated) with the caller as actor.",
      response: { status: 200, description: "the role now", schema: teamRole },
      errors: [
        invalidDoc("data.field name or permissions"),
        forbiddenDoc("the Owner role, or a role or grants beyond the caller's own permissions"),
        notFoundDoc(documented("role.not_found", "the team has no such role")),
      ],
      handle: async (ctx, { params, body }) => {
        const by = await api.actorOf(ctx);
        const current =
          body.name === undefined || body.permissions === undefined ? await listed(params.teamId, by, params.roleId) : undefined;
        const input = { name: body.name ?? current!.name, permissions: body.permissions ?? current!.permissions };
        await api.settle(
          params.teamId,
          by,
          await services.teamRoles.update(params.teamId, by, params.roleId, input, api.request(ctx)),
          "role",
        );
        return listed(params.teamId, by, params.roleId);
      },
    }),

    defineRoute({
      method: "delete",
      path: "/api/v1/teams/:teamId/roles/:roleId",
      tags: TAGS,
      access: { token: "user", team: TEAM_PERMISSIONS.roles },
      params: roleParams,
      summary: "Delete a custom role nobody holds",
      description: "Its pending invitations go with it. Audited (team.role.deleted) with the caller as actor.",
      response: { status: 204, description: "deleted" },
      errors: [
        forbiddenDoc("a built-in role, a role members hold, or one beyond the caller's own permissions"),
        notFoundDoc(documented("role.not_found", "the team has no such role")),
      ],
      handle: async (ctx, { params }) => {
        const by = await api.actorOf(ctx);
        await api.settle(params.teamId, by, await services.teamRoles.remove(params.teamId, by, params.roleId, api.request(ctx)), "role");
      },
    }),
  ];
}
