// /account/teams/:slug: the team's members with their roles; changing a member's role and removing a member
// (two steps) for members whose role has gatehouse.team.members.manage. Bad input re-renders with a message.
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

const roleBody = z.object({ roleId: z.string().regex(UUID, "team.refusal.chooseTeamRole") });

export function registerMemberRoutes(router: Router, app: AppContext, pages: TeamPages, body: Middleware): void {
  const { services } = app;

  async function renderMembers(
    ctx: Context,
    actor: TeamActor,
    locals: { error?: string | Said; notice?: string; errorFor?: string } = {},
    status = 200,
  ) {
    const result = await services.teamMembers.list(actor.team.id, actor.userId);
    if (result.outcome !== "ok") return pages.refuse(result);
    const canManage = services.teamRoles.may(actor, TEAM_PERMISSIONS.members);
    const assignable = canManage ? await services.teamRoles.assignable(actor.team.id, actor.userId) : [];
    const members = result.members.map((m) => ({
      ...m,
      isMe: m.userId === actor.userId,
      // the same rule the service applies: never the Owner, never yourself (leaving is on the Teams page)
      manageable: canManage && !m.isOwner && m.userId !== actor.userId,
    }));
    return pages.render(
      ctx,
      "members",
      actor,
      {
        title: pages.say(ctx, "members")("team.title.members", { team: actor.team.name }),
        teamSection: "members",
        members,
        assignable,
        canManage,
        ...locals,
      },
      status,
    );
  }

  const target = (ctx: Context) => {
    const userId = String(ctx.params.userId ?? "");
    return UUID.test(userId) ? userId : null;
  };

  router.get("/account/teams/:slug", pages.requireAccount, async (ctx) => renderMembers(ctx, await pages.actor(ctx)));

  const forms = defineForms(router, app, body);
  const team = teamForm(pages);
  /** the member in the URL (checked after CSRF, as every refusal of a team POST) */
  const targetOrRefuse = async (ctx: Context) => target(ctx) ?? pages.refuse({ outcome: "not_found" });

  forms.post({
    path: "/account/teams/:slug/members/:userId/role",
    ...team,
    load: targetOrRefuse,
    body: roleBody,
    invalid: (ctx, problem, { scope, loaded }) => renderMembers(ctx, scope, { error: problem.message, errorFor: loaded }, 400),
    async handle(ctx, { scope: actor, loaded: userId, body: { roleId } }) {
      const result = await services.teamMembers.changeRole(actor.team.id, actor.userId, userId, roleId, pages.requestInfo(ctx));
      if (result.outcome === "not_found") return pages.refuse(result);
      if (result.outcome === "invalid" || result.outcome === "forbidden")
        return renderMembers(ctx, actor, { error: result, errorFor: userId }, result.outcome === "invalid" ? 400 : 403);
      const say = pages.say(ctx, "members");
      return renderMembers(ctx, actor, {
        notice: say(result.outcome === "changed" ? "team.members.roleChanged" : "team.members.roleSame", {
          role: roleNameIn(say)(result.role),
        }),
      });
    },
  });

  forms.post({
    path: "/account/teams/:slug/members/:userId/remove",
    ...team,
    body: confirmBody,
    async handle(ctx, { scope: actor, body: { confirm } }) {
      const userId = target(ctx);
      const listed = await services.teamMembers.list(actor.team.id, actor.userId);
      const member = listed.outcome === "ok" ? listed.members.find((m) => m.userId === userId) : undefined;
      if (!userId || !member) return pages.refuse({ outcome: "not_found" });
      if (!confirm) {
        const say = pages.say(ctx, "confirm");
        return pages.confirm(ctx, actor, {
          title: say("team.members.removeTitle"),
          message: say("team.members.removeQuestion", {
            username: member.username,
            email: member.email,
            team: actor.team.name,
            role: roleNameIn(say)(member.role),
          }),
          action: `/account/teams/${actor.team.slug}/members/${userId}/remove`,
          button: say("team.members.removeButton", { username: member.username }),
          back: `/account/teams/${actor.team.slug}`,
        });
      }
      const result = await services.teamMembers.remove(actor.team.id, actor.userId, userId, pages.requestInfo(ctx));
      if (result.outcome === "not_found") return pages.refuse(result);
      if (result.outcome !== "removed")
        return renderMembers(ctx, actor, { error: result, errorFor: userId }, result.outcome === "invalid" ? 400 : 403);
      return renderMembers(ctx, actor, { notice: pages.say(ctx, "members")("team.members.removed", { username: member.username }) });
    },
  });
}
