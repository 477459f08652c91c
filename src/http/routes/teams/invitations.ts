// /account/teams/:slug/invitations: invite an address with a role the actor may assign, and the pending
// invitations (role, expiry) with resend and revoke (two steps). Each email spends the address's hourly budget.
import type Router from "@koa/router";
import type { Context, Middleware } from "koa";
import { z } from "zod";
import type { AppContext } from "../../web-context.ts";
import { TEAM_PERMISSIONS, type TeamActor } from "../../../services/team-roles.ts";
import type { Said } from "../../../lib/i18n/refusal.ts";
import { roleNameIn, type TeamPages } from "./shared.ts";
import { confirmBody, teamForm } from "./form-access.ts";
import { defineForms } from "../../forms.ts";
import { UUID } from "../../../lib/ids.ts";

const inviteBody = z.object({
  email: z.email("team.invitations.emailInvalid").max(320, "team.invitations.emailTooLong"),
  roleId: z.string().regex(UUID, "team.invitations.chooseRole"),
});

export function registerInvitationManagementRoutes(router: Router, app: AppContext, pages: TeamPages, body: Middleware): void {
  const { services } = app;
  // each email spends the invited address's budget and the inviter's own (one account cannot mail thousands)
  const perAddress = (inviterId: string) => async (emailNormalized: string) => {
    await app.rateLimits.invitesPerUser.consume(inviterId);
    await app.rateLimits.accountPerIdentifier.consume(emailNormalized);
  };

  async function renderInvitations(
    ctx: Context,
    actor: TeamActor,
    locals: { error?: string | Said; field?: string; notice?: string; email?: string; roleId?: string } = {},
    status = 200,
  ) {
    const result = await services.invitations.list(actor.team.id, actor.userId);
    if (result.outcome !== "ok") return pages.refuse(result);
    const roles = await services.teamRoles.assignable(actor.team.id, actor.userId);
    return pages.render(
      ctx,
      "invitations",
      actor,
      {
        title: pages.say(ctx, "invitations")("team.title.invitations", { team: actor.team.name }),
        teamSection: "invitations",
        invitations: result.invitations,
        roles,
        now: app.clock.now(),
        ...locals,
      },
      status,
    );
  }

  const invitationId = (ctx: Context) => {
    const id = String(ctx.params.id ?? "");
    return UUID.test(id) ? id : null;
  };
  const invitationIdOrRefuse = async (ctx: Context) => invitationId(ctx) ?? pages.refuse({ outcome: "not_found" });

  router.get("/account/teams/:slug/invitations", pages.requireAccount, async (ctx) => renderInvitations(ctx, await pages.actor(ctx)));

  const forms = defineForms(router, app, body);
  const team = teamForm(pages);
  /** what the inviter typed, shown again with a refusal */
  const typedOf = (fields: Record<string, unknown>) => ({
    email: String(fields.email ?? "").slice(0, 320),
    roleId: String(fields.roleId ?? "").slice(0, 64),
  });

  forms.post({
    path: "/account/teams/:slug/invitations",
    ...team,
    body: inviteBody,
    invalid: (ctx, problem, { scope, submitted }) =>
      renderInvitations(ctx, scope, { error: problem.message, field: problem.field || "email", ...typedOf(submitted) }, 400),
    async handle(ctx, { scope: actor, body: invite, submitted }) {
      const result = await services.invitations.invite(actor.team.id, actor.userId, invite, {
        request: pages.requestInfo(ctx),
        beforeSend: perAddress(actor.userId),
      });
      if (result.outcome === "not_found") return pages.refuse(result);
      if (result.outcome !== "sent") {
        // no permission at all: the page itself is not theirs
        if (result.outcome === "forbidden" && !services.teamRoles.may(actor, TEAM_PERMISSIONS.invitations)) return pages.refuse(result);
        return renderInvitations(
          ctx,
          actor,
          { error: result, field: result.outcome === "invalid" ? result.field : "roleId", ...typedOf(submitted) },
          result.outcome === "invalid" ? 400 : 403,
        );
      }
      return renderInvitations(ctx, actor, {
        notice: pages.say(ctx, "invitations")("team.invitations.sent", { email: result.invitation.email }),
      });
    },
  });

  forms.post({
    path: "/account/teams/:slug/invitations/:id/resend",
    ...team,
    load: (ctx) => invitationIdOrRefuse(ctx),
    body: z.object({}),
    async handle(ctx, { scope: actor, loaded: id }) {
      const result = await services.invitations.resend(actor.team.id, actor.userId, id, {
        request: pages.requestInfo(ctx),
        beforeSend: perAddress(actor.userId),
      });
      if (result.outcome === "not_found") return pages.refuse(result);
      if (result.outcome !== "resent") return renderInvitations(ctx, actor, { error: result }, result.outcome === "invalid" ? 400 : 403);
      return renderInvitations(ctx, actor, {
        notice: pages.say(ctx, "invitations")("team.invitations.resent", { email: result.invitation.email }),
      });
    },
  });

  forms.post({
    path: "/account/teams/:slug/invitations/:id/revoke",
    ...team,
    body: confirmBody,
    async handle(ctx, { scope: actor, body: { confirm } }) {
      const id = invitationId(ctx);
      const listed = await services.invitations.list(actor.team.id, actor.userId);
      if (listed.outcome !== "ok") return pages.refuse(listed);
      const pending = listed.invitations.find((i) => i.id === id);
      if (!id || !pending) return pages.refuse({ outcome: "not_found" });
      if (!confirm) {
        const say = pages.say(ctx, "confirm");
        return pages.confirm(ctx, actor, {
          title: say("team.invitations.revokeTitle"),
          message: say("team.invitations.revokeQuestion", { email: pending.email, role: roleNameIn(say)(pending.role) }),
          action: `/account/teams/${actor.team.slug}/invitations/${id}/revoke`,
          button: say("team.invitations.revokeButton"),
          back: `/account/teams/${actor.team.slug}/invitations`,
        });
      }
      const result = await services.invitations.revoke(actor.team.id, actor.userId, id, pages.requestInfo(ctx));
      if (result.outcome === "not_found") return pages.refuse(result);
      if (result.outcome !== "revoked") return renderInvitations(ctx, actor, { error: result }, result.outcome === "invalid" ? 400 : 403);
      return renderInvitations(ctx, actor, { notice: pages.say(ctx, "invitations")("team.invitations.revoked", { email: pending.email }) });
    },
  });
}
