// /api/v1/teams/:teamId/members: a team's members (gatehouse.team.read), a member's new role and removing a
// member (gatehouse.team.members.manage). The team member service decides and audits: the Owner is never
// demoted or removed (only an ownership transfer moves it), nobody gives or touches a role with more than
// their own, a removed member's tokens for the team are revoked.
import { z } from "zod";
import type { AppContext } from "../../web-context.ts";
import type { MemberView } from "../../../services/team-members.ts";
import { TEAM_PERMISSIONS } from "../../../services/team-roles.ts";
import { defineRoute, type ApiRoute } from "./openapi.ts";
import { nextCursor, pageOf, pageQuery } from "./pagination.ts";
import { TAGS, forbiddenDoc, invalidDoc, memberParams, notFoundDoc, roleRef, teamParams, uuidField, type TeamApi } from "./teams-shared.ts";
import { documented } from "./declared-errors.ts";
import { iso, when } from "./schemas.ts";

export const teamMember = z
  .object({
    userId: z.uuid(),
    username: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    role: roleRef,
    isOwner: z.boolean(),
    joinedAt: when,
  })
  .meta({ id: "TeamMember" });

const roleChange = z
  .object({
    userId: z.uuid(),
    role: roleRef,
    changed: z.boolean().meta({ description: "false when the member already had this role (nothing changed, nothing audited)" }),
  })
  .meta({ id: "TeamMemberRoleChange" });

const roleChangeBody = z.strictObject({ roleId: uuidField("role") });

export const memberView = (m: MemberView): z.input<typeof teamMember> => ({
  userId: m.userId,
  username: m.username,
  email: m.email,
  name: m.name,
  role: { id: m.role.id, key: m.role.key, name: m.role.name },
  isOwner: m.isOwner,
  joinedAt: iso(m.joinedAt),
});

export function teamMemberRoutes(app: AppContext, api: TeamApi): ApiRoute[] {
  const { services } = app;
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/teams/:teamId/members",
      tags: TAGS,
      access: { token: "user", team: TEAM_PERMISSIONS.read },
      params: teamParams,
      query: pageQuery,
      summary: "A team's members with their roles, newest first",
      response: {
        status: 200,
        description: "a page of members",
        schema: z.object({ members: z.array(teamMember), nextCursor }).meta({ id: "TeamMemberPage" }),
      },
      errors: [notFoundDoc()],
      handle: async (ctx, { params, query }) => {
        const by = await api.actorOf(ctx);
        const { members } = await api.settle(params.teamId, by, await services.teamMembers.list(params.teamId, by));
        const page = pageOf(members, (m) => [iso(m.joinedAt), m.userId], query);
        return { members: page.items.map(memberView), nextCursor: page.nextCursor };
      },
    }),

    defineRoute({
      method: "patch",
      path: "/api/v1/teams/:teamId/members/:userId",
      tags: TAGS,
      access: { token: "user", team: TEAM_PERMISSIONS.members },
      params: memberParams,
      body: roleChangeBody,
      summary: "Give a member another role",
      description:
        "Never the Owner role (a team has one Owner; it moves only by an ownership transfer), never to the Owner, and never a role with permissions the caller's own role lacks, nor to a member whose role has such permissions. Audited (team.member.role_changed) with the caller as actor.",
      response: { status: 200, description: "the member's role now", schema: roleChange },
      errors: [
        invalidDoc("data.field roleId: not one of this team's roles"),
        forbiddenDoc("the member is the Owner, the role is Owner, or a role beyond the caller's own"),
        notFoundDoc(documented("member.not_found", "the team has no such member")),
      ],
      handle: async (ctx, { params, body }) => {
        const by = await api.actorOf(ctx);
        const result = await api.settle(
          params.teamId,
          by,
          await services.teamMembers.changeRole(params.teamId, by, params.userId, body.roleId, api.request(ctx)),
          "member",
        );
        return {
          userId: params.userId,
          role: { id: result.role.id, key: result.role.key, name: result.role.name },
          changed: result.outcome === "changed",
        };
      },
    }),

    defineRoute({
      method: "delete",
      path: "/api/v1/teams/:teamId/members/:userId",
      tags: TAGS,
      access: { token: "user", team: TEAM_PERMISSIONS.members },
      params: memberParams,
      summary: "Remove a member from a team",
      description:
        "Every grant and token the member holds for this team is revoked, and a pending ownership transfer to them is cancelled. The Owner is never removed; a member leaves on their own Teams page, not here. Audited (team.member.removed) with the caller as actor.",
      response: { status: 204, description: "removed" },
      errors: [
        forbiddenDoc("the member is the Owner, the caller themselves, or has a role beyond the caller's own"),
        notFoundDoc(documented("member.not_found", "the team has no such member")),
      ],
      handle: async (ctx, { params }) => {
        const by = await api.actorOf(ctx);
        await api.settle(
          params.teamId,
          by,
          await services.teamMembers.remove(params.teamId, by, params.userId, api.request(ctx)),
          "member",
        );
      },
    }),
  ];
}
