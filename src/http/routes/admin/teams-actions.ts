// The admin team actions (gatehouse.admin.teams.manage, CSRF on every POST), each through the team services
// as asAdmin(adminId), which audit them with the admin as the actor:
//   POST /admin/teams/:teamId/members/:userId/role    a member's new role (not destructive: no confirmation)
//   POST /admin/teams/:teamId/members/:userId/remove  a confirmation page first, then the removal
//   POST /admin/teams/:teamId/transfer                a confirmation page first, then the emailed transfer
//   POST /admin/teams/:teamId/transfer/cancel         cancels the pending transfer
//   POST /admin/teams/:teamId/mfa-required            require a second factor of every member, or not (required=1)
// Success redirects to the team page with a notice code (a reload does not repeat the action); a refusal
// shows on the team page (403 forbidden, 400 invalid); an unknown team or member is a 404 page. The Owner is
// never touched here: the services refuse it, and the pages offer no action on the Owner.
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import { parseBody } from "../../body.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { refusalOutcome } from "./teams-view.ts";
import { createTeamActionKit, who, type TeamActionKit } from "./teams-action-kit.ts";
import { UUID } from "../../../lib/ids.ts";
import { ADMIN_PERMISSIONS } from "../../../authz/core-permissions.ts";

export type TeamPageLocals = { notice?: string; error?: string; errorFor?: string };
export type RenderTeam = (ctx: Context, locals?: TeamPageLocals, status?: number) => Promise<void>;
type Handler = (ctx: Context) => Promise<void>;

const OWNER_REMOVE = "The Owner cannot be removed. The Owner can hand the team to someone else first.";
const CHOOSE_MEMBER = "Choose a member of this team other than the Owner.";
/** before the confirmation page; the ownership service refuses it too */
const SELF_TRANSFER = "An administrator cannot transfer a team to themselves.";

function changeRole(k: TeamActionKit, renderTeam: RenderTeam): Handler {
  return async (ctx) => {
    const team = await k.start(ctx);
    const member = await k.memberFromUrl(ctx, team);
    const roleId = k.field(ctx, "roleId");
    if (!UUID.test(roleId)) return renderTeam(ctx, { error: "Choose one of this team's roles.", errorFor: member.userId }, 400);
    const result = await k.services.teamMembers.changeRole(team.id, k.by(ctx), member.userId, roleId.toLowerCase(), k.request(ctx));
    if ("role" in result) return k.done(ctx, team, result.outcome === "changed" ? "role_changed" : "role_unchanged");
    const { error, status } = refusalOutcome(result);
    return renderTeam(ctx, { error, errorFor: member.userId }, status);
  };
}

function removeMember(k: TeamActionKit, renderTeam: RenderTeam): Handler {
  return async (ctx) => {
    const team = await k.start(ctx);
    const member = await k.memberFromUrl(ctx, team);
    if (member.isOwner) return renderTeam(ctx, { error: OWNER_REMOVE, errorFor: member.userId }, 403);
    if (!k.confirmed(ctx)) {
      return k.showConfirmation(ctx, team, {
        title: "Remove a member",
        message: `Remove ${who(member)} from ${team.name}? Their role (${member.role.name}) goes, and every sign-in and token they hold for this team is revoked. Their account stays.`,
        button: `Remove ${member.username}`,
        action: `/admin/teams/${team.id}/members/${member.userId}/remove`,
      });
    }
    const result = await k.services.teamMembers.remove(team.id, k.by(ctx), member.userId, k.request(ctx));
    if (result.outcome === "removed") return k.done(ctx, team, "member_removed");
    const { error, status } = refusalOutcome(result);
    return renderTeam(ctx, { error, errorFor: member.userId }, status);
  };
}

function startTransfer(k: TeamActionKit, app: AppContext, renderTeam: RenderTeam): Handler {
  return async (ctx) => {
    const team = await k.start(ctx);
    const member = await k.memberOf(ctx, team, k.field(ctx, "toUserId"));
    if (!member || member.isOwner) return renderTeam(ctx, { error: CHOOSE_MEMBER, errorFor: "transfer" }, 400);
    if (member.userId === k.adminId(ctx)) return renderTeam(ctx, { error: SELF_TRANSFER, errorFor: "transfer" }, 403);
    if (!k.confirmed(ctx)) {
      return k.showConfirmation(ctx, team, {
        title: "Transfer ownership",
        message: `Ask ${who(member)} to become the Owner of ${team.name}? We email them a link; only when they accept, signed in as themselves, do they become the Owner and the current Owner a Manager. Until then nothing changes, and you can cancel the transfer.`,
        button: `Send the transfer to ${member.username}`,
        action: `/admin/teams/${team.id}/transfer`,
        fields: { toUserId: member.userId },
      });
    }
    await app.rateLimits.invitesPerUser.consume(k.adminId(ctx));
    const result = await k.services.ownership.start(team.id, k.by(ctx), member.userId, k.request(ctx));
    if (result.outcome === "started") return k.done(ctx, team, result.replaced ? "transfer_replaced" : "transfer_started");
    const { error, status } = refusalOutcome(result);
    return renderTeam(ctx, { error, errorFor: "transfer" }, status);
  };
}

function cancelTransfer(k: TeamActionKit, renderTeam: RenderTeam): Handler {
  return async (ctx) => {
    const team = await k.start(ctx);
    const result = await k.services.ownership.cancel(team.id, k.by(ctx), k.request(ctx));
    if (result.outcome === "cancelled") return k.done(ctx, team, "transfer_cancelled");
    if (result.outcome === "none_pending") return renderTeam(ctx, { error: "There is no pending ownership transfer to cancel." }, 400);
    const { error, status } = refusalOutcome(result);
    return renderTeam(ctx, { error }, status);
  };
}

/** "Require a second factor" on or off (services.mfaRequirements; audited as team.mfa_required_changed) */
function setMfaRequired(k: TeamActionKit, app: AppContext): Handler {
  return async (ctx) => {
    const team = await k.start(ctx);
    const on = k.field(ctx, "required") === "1";
    await app.services.mfaRequirements.setForTeam(k.adminId(ctx), team.id, on, k.request(ctx));
    return k.done(ctx, team, on ? "mfa_required_on" : "mfa_required_off");
  };
}

export function registerAdminTeamActions(router: Router, app: AppContext, h: AdminRouteHelpers, renderTeam: RenderTeam): void {
  const k = createTeamActionKit(app, h);
  const body = parseBody(app.config.bodyLimit);
  const guard = h.requireAdmin(ADMIN_PERMISSIONS.teamsManage);
  router.post("/admin/teams/:teamId/members/:userId/role", guard, body, changeRole(k, renderTeam));
  router.post("/admin/teams/:teamId/members/:userId/remove", guard, body, removeMember(k, renderTeam));
  router.post("/admin/teams/:teamId/transfer", guard, body, startTransfer(k, app, renderTeam));
  router.post("/admin/teams/:teamId/transfer/cancel", guard, body, cancelTransfer(k, renderTeam));
  router.post("/admin/teams/:teamId/mfa-required", guard, body, setMfaRequired(k, app));
}
