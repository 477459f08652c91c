// /api/v1/teams/:teamId/ownership-transfer: the team's pending ownership transfer (or null), starting one to a
// member, and cancelling it: the team's Owner, or a provider admin with gatehouse.admin.teams.manage acting for
// the Owner. Nothing moves until the member accepts by the link emailed to them (signed in as themselves); the
// API never accepts for them. Starting spends the caller's hourly invitation budget, as the page does. The
// ownership service decides and audits.
import { z } from "zod";
import type { AppContext } from "../../web-context.ts";
import type { PendingTransfer } from "../../../services/ownership.ts";
import type { TeamActorRef } from "../../../services/team-roles.ts";
import { catalogueError } from "../../errors.ts";
import { defineRoute, userOf, type ApiRoute } from "./openapi.ts";
import { TAGS, invalidDoc, notFoundDoc, teamParams, uuidField, type TeamApi } from "./teams-shared.ts";
import { documented } from "./declared-errors.ts";
import { iso, when } from "./schemas.ts";

const OWNER = "*";

export const ownershipTransfer = z
  .object({
    id: z.uuid(),
    fromUserId: z.uuid().meta({ description: "the Owner when it was started" }),
    to: z
      .object({ id: z.uuid(), username: z.string(), email: z.string(), name: z.string().nullable() })
      .meta({ description: "the member asked to become Owner" }),
    expiresAt: when,
    createdAt: when,
  })
  .meta({ id: "TeamOwnershipTransfer" });

const startBody = z.strictObject({ toUserId: uuidField("member") });

const transferView = ({ transfer, to }: PendingTransfer): z.input<typeof ownershipTransfer> => ({
  id: transfer.id,
  fromUserId: transfer.fromUserId,
  to: { id: to.id, username: to.username, email: to.email, name: to.name },
  expiresAt: iso(transfer.expiresAt),
  createdAt: iso(transfer.createdAt),
});

export function teamTransferRoutes(app: AppContext, api: TeamApi): ApiRoute[] {
  const { services } = app;
  const access = { token: "user", team: OWNER } as const;
  const pendingOf = async (teamId: string, by: TeamActorRef) =>
    (await api.settle(teamId, by, await services.ownership.pending(teamId, by))).pending;

  return [
    defineRoute({
      method: "get",
      path: "/api/v1/teams/:teamId/ownership-transfer",
      tags: TAGS,
      access,
      params: teamParams,
      query: z.strictObject({}),
      summary: "The team's pending ownership transfer, or null",
      response: {
        status: 200,
        description: "the pending transfer, or null",
        schema: z.object({ transfer: ownershipTransfer.nullable() }).meta({ id: "TeamOwnershipTransferState" }),
      },
      errors: [notFoundDoc()],
      handle: async (ctx, { params }) => {
        const pending = await pendingOf(params.teamId, await api.actorOf(ctx));
        return { transfer: pending ? transferView(pending) : null };
      },
    }),

    defineRoute({
      method: "post",
      path: "/api/v1/teams/:teamId/ownership-transfer",
      tags: TAGS,
      access,
      params: teamParams,
      body: startBody,
      summary: "Ask a member to become the team's Owner",
      description:
        "Emails the member a single-use link (OWNERSHIP_TRANSFER_TTL). When they accept, signed in, they become Owner and the Owner a Manager, together; until then nothing changes. An earlier pending transfer is cancelled. Audited (team.ownership.transfer_started) with the caller as actor.",
      response: {
        status: 201,
        description: "the pending transfer, and how many earlier ones it replaced",
        schema: z.object({ transfer: ownershipTransfer, replaced: z.number().int() }).meta({ id: "TeamOwnershipTransferStarted" }),
      },
      errors: [
        invalidDoc("data.field toUserId: not a member of this team (or disabled), or already the Owner"),
        notFoundDoc(),
        documented(
          "rate_limited",
          "the caller's hourly invitations and transfers are spent (Retry-After says when to try again); nothing was sent",
        ),
      ],
      handle: async (ctx, { params, body }) => {
        const by = await api.actorOf(ctx);
        // as the page: the Owner (or admin) is known before the budget is spent
        await pendingOf(params.teamId, by);
        await app.rateLimits.invitesPerUser.consume(userOf(ctx).id);
        const started = await api.settle(
          params.teamId,
          by,
          await services.ownership.start(params.teamId, by, body.toUserId, api.request(ctx)),
        );
        const pending = await pendingOf(params.teamId, by);
        if (!pending || pending.transfer.id !== started.transfer.id) throw catalogueError("transfer.not_found");
        return { transfer: transferView(pending), replaced: started.replaced };
      },
    }),

    defineRoute({
      method: "delete",
      path: "/api/v1/teams/:teamId/ownership-transfer",
      tags: TAGS,
      access,
      params: teamParams,
      summary: "Cancel the team's pending ownership transfer",
      description: "Its link stops working. Audited (team.ownership.transfer_cancelled) with the caller as actor.",
      response: { status: 204, description: "cancelled" },
      errors: [notFoundDoc(documented("transfer.not_found", "the team has no pending transfer"))],
      handle: async (ctx, { params }) => {
        const by = await api.actorOf(ctx);
        const result = await api.settle(params.teamId, by, await services.ownership.cancel(params.teamId, by, api.request(ctx)));
        if (result.outcome === "none_pending") throw catalogueError("transfer.not_found");
      },
    }),
  ];
}
