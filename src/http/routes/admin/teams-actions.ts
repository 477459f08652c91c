// The admin team actions (gatehouse.admin.teams.manage, CSRF on every POST), each through the team services
// as asAdmin(adminId), which audit them with the admin as the actor:
//   POST /admin/teams/:teamId/members/:userId/role    a member's new role (not destructive: no confirmation)
//   POST /admin/teams/:teamId/members/:userId/remove  a confirmation page first, then the removal
//   POST /admin/teams/:teamId/transfer                a confirmation page first, then the emailed transfer
//   POST /admin/teams/:teamId/transfer/cancel         cancels the pending transfer
// Success redirects to the team page with a notice code (a reload does not repeat the action); a refusal
// shows on the team page (403 forbidden, 400 invalid); an unknown team or member is a 404 page. The Owner is
// never touched here: the services refuse it, and the pages offer no action on the Owner.
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../../context.ts";
import { parseBody } from "../../body.ts";
import { AppError } from "../../errors.ts";
import { asAdmin } from "../../../services/team-admin.ts";
import type { Team } from "../../../queries/teams.ts";
import type { MemberView } from "../../../services/team-members.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { memberNotFound, refusalOutcome, teamFromUrl, TEAMS_CSRF, UUID, type TeamNotice } from "./teams-view.ts";
import { ADMIN_PERMISSIONS } from "../../../authz/core-permissions.ts";

export type TeamPageLocals = { notice?: string; error?: string; errorFor?: string };
export type RenderTeam = (ctx: Context, locals?: TeamPageLocals, status?: number) => Promise<void>;

type Confirmation = { title: string; message: string; button: string; action: string; fields?: Record<string, string> };

const OWNER_REMOVE = "The Owner cannot be removed. The Owner can hand the team to someone else first.";
const CHOOSE_MEMBER = "Choose a member of this team other than the Owner.";
/** a member as the confirmation pages name them: display name (when set), username and email */
const who = (m: MemberView) => (m.name ? `${m.name} (${m.username}, ${m.email})` : `${m.username} (${m.email})`);

export function registerAdminTeamActions(router: Router, app: AppContext, h: AdminRouteHelpers, renderTeam: RenderTeam): void {
  const { services, csrf } = app;
  const body = parseBody(app.config.bodyLimit);
  const guard = h.requireAdmin(ADMIN_PERMISSIONS.teamsManage);
  const submitted = (ctx: Context) => (ctx.request.body as Record<string, unknown> | undefined) ?? {};
  const field = (ctx: Context, name: string) => {
    const v = submitted(ctx)[name];
    return typeof v === "string" ? v.trim() : "";
  };
  const confirmed = (ctx: Context) => submitted(ctx).confirm === "yes";
  const by = (ctx: Context) => asAdmin(h.admin(ctx).user.id);
  const request = (ctx: Context) => {
    const { ip, userAgent } = h.actor(ctx);
    return { ip, userAgent };
  };

  /** the CSRF check, then the team in the URL (404 otherwise) */
  async function start(ctx: Context): Promise<Team> {
    csrf.verify(ctx, TEAMS_CSRF, submitted(ctx)._csrf);
    return teamFromUrl(app, ctx);
  }

  /** a member of the team by id (a malformed or unknown id, or no member: undefined) */
  async function memberOf(ctx: Context, team: Team, userId: string): Promise<MemberView | undefined> {
    if (!UUID.test(userId)) return undefined;
    const listed = await services.teamMembers.list(team.id, by(ctx));
    if (listed.outcome !== "ok") {
      const { error, status } = refusalOutcome(listed);
      throw new AppError("admin.team_refused", status, error, { startOverUrl: `/admin/teams/${team.id}` });
    }
    return listed.members.find((m) => m.userId === userId.toLowerCase());
  }

  /** the member in the URL, or a 404 page */
  async function memberFromUrl(ctx: Context, team: Team): Promise<MemberView> {
    const member = await memberOf(ctx, team, String(ctx.params.userId ?? ""));
    if (!member) throw memberNotFound(team.id);
    return member;
  }

  const done = (ctx: Context, team: Team, notice: TeamNotice) => {
    ctx.status = 303;
    ctx.redirect(`/admin/teams/${team.id}?notice=${notice}`);
  };
  const showConfirmation = (ctx: Context, team: Team, c: Confirmation) =>
    h.render(ctx, "teams-confirm", { section: "teams", title: c.title, confirm: { ...c, back: `/admin/teams/${team.id}` }, csrfToken: csrf.token(ctx, TEAMS_CSRF) });

  router.post("/admin/teams/:teamId/members/:userId/role", guard, body, async (ctx) => {
    const team = await start(ctx);
    const member = await memberFromUrl(ctx, team);
    const roleId = field(ctx, "roleId");
    if (!UUID.test(roleId)) return renderTeam(ctx, { error: "Choose one of this team's roles.", errorFor: member.userId }, 400);
    const result = await services.teamMembers.changeRole(team.id, by(ctx), member.userId, roleId.toLowerCase(), request(ctx));
    if ("role" in result) return done(ctx, team, result.outcome === "changed" ? "role_changed" : "role_unchanged");
    const { error, status } = refusalOutcome(result);
    return renderTeam(ctx, { error, errorFor: member.userId }, status);
  });

  router.post("/admin/teams/:teamId/members/:userId/remove", guard, body, async (ctx) => {
    const team = await start(ctx);
    const member = await memberFromUrl(ctx, team);
    if (member.isOwner) return renderTeam(ctx, { error: OWNER_REMOVE, errorFor: member.userId }, 403);
    if (!confirmed(ctx)) {
      return showConfirmation(ctx, team, {
        title: "Remove a member",
        message: `Remove ${who(member)} from ${team.name}? Their role (${member.role.name}) goes, and every sign-in and token they hold for this team is revoked. Their account stays.`,
        button: `Remove ${member.username}`,
        action: `/admin/teams/${team.id}/members/${member.userId}/remove`,
      });
    }
    const result = await services.teamMembers.remove(team.id, by(ctx), member.userId, request(ctx));
    if (result.outcome === "removed") return done(ctx, team, "member_removed");
    const { error, status } = refusalOutcome(result);
    return renderTeam(ctx, { error, errorFor: member.userId }, status);
  });

  router.post("/admin/teams/:teamId/transfer", guard, body, async (ctx) => {
    const team = await start(ctx);
    const member = await memberOf(ctx, team, field(ctx, "toUserId"));
    if (!member || member.isOwner) return renderTeam(ctx, { error: CHOOSE_MEMBER, errorFor: "transfer" }, 400);
    if (!confirmed(ctx)) {
      return showConfirmation(ctx, team, {
        title: "Transfer ownership",
        message: `Ask ${who(member)} to become the Owner of ${team.name}? We email them a link; only when they accept, signed in as themselves, do they become the Owner and the current Owner a Manager. Until then nothing changes, and you can cancel the transfer.`,
        button: `Send the transfer to ${member.username}`,
        action: `/admin/teams/${team.id}/transfer`,
        fields: { toUserId: member.userId },
      });
    }
    await app.rateLimits.invitesPerUser.consume(h.admin(ctx).user.id);
    const result = await services.ownership.start(team.id, by(ctx), member.userId, request(ctx));
    if (result.outcome === "started") return done(ctx, team, result.replaced ? "transfer_replaced" : "transfer_started");
    const { error, status } = refusalOutcome(result);
    return renderTeam(ctx, { error, errorFor: "transfer" }, status);
  });

  router.post("/admin/teams/:teamId/transfer/cancel", guard, body, async (ctx) => {
    const team = await start(ctx);
    const result = await services.ownership.cancel(team.id, by(ctx), request(ctx));
    if (result.outcome === "cancelled") return done(ctx, team, "transfer_cancelled");
    if (result.outcome === "none_pending") return renderTeam(ctx, { error: "There is no pending ownership transfer to cancel." }, 400);
    const { error, status } = refusalOutcome(result);
    return renderTeam(ctx, { error }, status);
  });
}
