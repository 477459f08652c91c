// /api/v1/teams/:teamId/invitations: a team's pending invitations, inviting an address with a role the caller
// may give, a new link for a pending invitation (the old one stops working) and revoking one, all with
// gatehouse.team.invitations.manage. Each email spends the same budgets the pages use: the caller's hourly
// invitations and the invited address's hourly emails (429 rate_limited with Retry-After; nothing is created
// or sent). The invitation service decides and audits; the link's token is only ever in the email.
import type { Context } from "koa";
import { z } from "zod";
import type { AppContext } from "../../web-context.ts";
import type { PendingInvitation } from "../../../services/invitations.ts";
import { TEAM_PERMISSIONS, type TeamActorRef } from "../../../services/team-roles.ts";
import { catalogueError } from "../../errors.ts";
import { defineRoute, userOf, type ApiRoute } from "./openapi.ts";
import { nextCursor, pageOf, pageQuery } from "./pagination.ts";
import {
  TAGS,
  forbiddenDoc,
  invalidDoc,
  invitationParams,
  notFoundDoc,
  roleRef,
  teamParams,
  uuidField,
  type TeamApi,
} from "./teams-shared.ts";
import { documented } from "./declared-errors.ts";
import { iso, when } from "./schemas.ts";

export const teamInvitation = z
  .object({
    id: z.uuid(),
    email: z.string().meta({ description: "the invited address, as it was typed" }),
    role: roleRef,
    invitedBy: z.string().nullable().meta({ description: "the inviter's name (or username)" }),
    expiresAt: when,
    createdAt: when,
  })
  .meta({ id: "TeamInvitation" });

const inviteBody = z.strictObject({
  email: z.email("is not an email address").max(320).meta({ example: "new.member@example.com" }),
  roleId: uuidField("role"),
});

const RATE_LIMITED = documented(
  "rate_limited",
  "the caller's hourly invitations or the address's hourly emails are spent (Retry-After says when to try again); nothing was sent",
);

const invitationView = (i: PendingInvitation): z.input<typeof teamInvitation> => ({
  id: i.id,
  email: i.email,
  role: { id: i.role.id, key: i.role.key, name: i.role.name },
  invitedBy: i.invitedBy,
  expiresAt: iso(i.expiresAt),
  createdAt: iso(i.createdAt),
});

export function teamInvitationRoutes(app: AppContext, api: TeamApi): ApiRoute[] {
  const { services } = app;
  // the pages' budgets (routes/teams/invitations.ts): the inviter's own, and the invited address's
  const beforeSend = (ctx: Context) => async (emailNormalized: string) => {
    await app.rateLimits.invitesPerUser.consume(userOf(ctx).id);
    await app.rateLimits.accountPerIdentifier.consume(emailNormalized);
  };
  const pending = async (teamId: string, by: TeamActorRef) =>
    (await api.settle(teamId, by, await services.invitations.list(teamId, by))).invitations;
  /** the invitation as listed (after a send: with its role and inviter) */
  async function listed(teamId: string, by: TeamActorRef, invitationId: string) {
    const found = (await pending(teamId, by)).find((i) => i.id === invitationId);
    if (!found) throw catalogueError("invitation.not_found");
    return invitationView(found);
  }

  return [
    defineRoute({
      method: "get",
      path: "/api/v1/teams/:teamId/invitations",
      tags: TAGS,
      access: { token: "user", team: TEAM_PERMISSIONS.invitations },
      params: teamParams,
      query: pageQuery,
      summary: "A team's pending invitations, newest first",
      response: {
        status: 200,
        description: "a page of pending invitations",
        schema: z.object({ invitations: z.array(teamInvitation), nextCursor }).meta({ id: "TeamInvitationPage" }),
      },
      errors: [notFoundDoc()],
      handle: async (ctx, { params, query }) => {
        const page = pageOf(await pending(params.teamId, await api.actorOf(ctx)), (i) => [iso(i.createdAt), i.id], query);
        return { invitations: page.items.map(invitationView), nextCursor: page.nextCursor };
      },
    }),

    defineRoute({
      method: "post",
      path: "/api/v1/teams/:teamId/invitations",
      tags: TAGS,
      access: { token: "user", team: TEAM_PERMISSIONS.invitations },
      params: teamParams,
      body: inviteBody,
      summary: "Invite an address to the team with a role",
      description:
        "Emails a single-use link (INVITATION_TTL). Never as Owner, never as a role beyond the caller's own; one pending invitation per address; not to a member. Audited (team.invitation.created) with the caller as actor.",
      response: { status: 201, description: "the pending invitation", schema: teamInvitation },
      errors: [
        invalidDoc("data.field email (not valid, already a member, already invited) or roleId (not one of this team's roles)"),
        forbiddenDoc("the Owner role or a role beyond the caller's own permissions"),
        notFoundDoc(),
        RATE_LIMITED,
      ],
      handle: async (ctx, { params, body }) => {
        const by = await api.actorOf(ctx);
        const sent = await services.invitations.invite(params.teamId, by, body, { request: api.request(ctx), beforeSend: beforeSend(ctx) });
        const { invitation } = await api.settle(params.teamId, by, sent);
        return listed(params.teamId, by, invitation.id);
      },
    }),

    defineRoute({
      method: "post",
      path: "/api/v1/teams/:teamId/invitations/:invitationId/resend",
      tags: TAGS,
      access: { token: "user", team: TEAM_PERMISSIONS.invitations },
      params: invitationParams,
      summary: "Email a pending invitation a new link",
      description: "The earlier link stops working and the expiry starts again. Audited (team.invitation.resent) with the caller as actor.",
      response: { status: 200, description: "the pending invitation with its new expiry", schema: teamInvitation },
      errors: [
        forbiddenDoc("the invitation's role is beyond the caller's own permissions"),
        notFoundDoc(documented("invitation.not_found", "the team has no such pending invitation")),
        RATE_LIMITED,
      ],
      handle: async (ctx, { params }) => {
        const by = await api.actorOf(ctx);
        const sent = await services.invitations.resend(params.teamId, by, params.invitationId, {
          request: api.request(ctx),
          beforeSend: beforeSend(ctx),
        });
        const { invitation } = await api.settle(params.teamId, by, sent, "invitation");
        return listed(params.teamId, by, invitation.id);
      },
    }),

    defineRoute({
      method: "delete",
      path: "/api/v1/teams/:teamId/invitations/:invitationId",
      tags: TAGS,
      access: { token: "user", team: TEAM_PERMISSIONS.invitations },
      params: invitationParams,
      summary: "Revoke a pending invitation",
      description: "Its link stops working. Audited (team.invitation.revoked) with the caller as actor.",
      response: { status: 204, description: "revoked" },
      errors: [notFoundDoc(documented("invitation.not_found", "the team has no such pending invitation"))],
      handle: async (ctx, { params }) => {
        const by = await api.actorOf(ctx);
        await api.settle(
          params.teamId,
          by,
          await services.invitations.revoke(params.teamId, by, params.invitationId, api.request(ctx)),
          "invitation",
        );
      },
    }),
  ];
}
