// The admin team actions (gatehouse.admin.teams.manage, CSRF on every POST), each through the team services
// as asAdmin(adminId), which audit them with the admin as the actor:
//   POST /admin/teams/:teamId/members/:userId/role    a member's new role (not destructive: no confirmation)
//   POST /admin/teams/:teamId/members/:userId/remove  a confirmation page first, then the removal
//   POST /admin/teams/:teamId/transfer                a confirmation page first, then the emailed transfer
//   POST /admin/teams/:teamId/transfer/cancel         cancels the pending transfer
//   POST /admin/teams/:teamId/mfa-required            require a second factor of every member, or not (required=1)
// Success redirects to the team page with a notice code (a reload does not repeat the action); a refusal
// shows on the team page (403 forbidden, 400 invalid); an unknown team or member is a 404 page. The Owner is
// never touched here: the services refuse it, and the pages offer no action on the Owner. Each route is one form
// declaration (http/forms.ts defineForms: the guard, CSRF, then the team in the URL, then the fields).
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import { defineForms } from "../../forms.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { refusalOutcome } from "./teams-view.ts";
import { createTeamActionKit, who, type TeamActionForm, type TeamActionKit } from "./teams-action-kit.ts";
import type { Team } from "../../../queries/teams.ts";
import { UUID } from "../../../lib/ids.ts";
import { roleNameIn } from "../teams/shared.ts";
import type { Said } from "../../../lib/i18n/refusal.ts";

/** the team page's notice and error: message keys, or a service's refusal (its key and values) */
export type TeamPageLocals = { notice?: string; error?: string | Said; errorFor?: string };
export type RenderTeam = (ctx: Context, locals?: TeamPageLocals, status?: number) => Promise<void>;
/** an action after the form's checks: the team in the URL (`loaded`) and the form's fields */
type Handler = (ctx: Context, input: { loaded: Team; body: TeamActionForm }) => Promise<void>;

// refusals as message keys (lib/i18n/en-admin.ts; the page render says them)
const OWNER_REMOVE = "admin.team.ownerRemove";
const CHOOSE_MEMBER = "admin.team.chooseMember";
/** before the confirmation page; the ownership service refuses it too */
const SELF_TRANSFER = "admin.team.selfTransfer";

function changeRole(k: TeamActionKit, renderTeam: RenderTeam): Handler {
  return async (ctx, { loaded: team, body: { roleId } }) => {
    const member = await k.memberFromUrl(ctx, team);
    if (!UUID.test(roleId)) return renderTeam(ctx, { error: "admin.team.chooseRole", errorFor: member.userId }, 400);
    const result = await k.services.teamMembers.changeRole(team.id, k.by(ctx), member.userId, roleId.toLowerCase(), k.request(ctx));
    if ("role" in result) return k.done(ctx, team, result.outcome === "changed" ? "role_changed" : "role_unchanged");
    const { error, status } = refusalOutcome(result);
    return renderTeam(ctx, { error, errorFor: member.userId }, status);
  };
}

function removeMember(k: TeamActionKit, renderTeam: RenderTeam): Handler {
  return async (ctx, { loaded: team, body: { confirm } }) => {
    const member = await k.memberFromUrl(ctx, team);
    if (member.isOwner) return renderTeam(ctx, { error: OWNER_REMOVE, errorFor: member.userId }, 403);
    if (confirm !== "yes") {
      const say = k.say(ctx);
      return k.showConfirmation(ctx, team, {
        title: say("admin.confirm.removeMember.title"),
        message: say("admin.confirm.removeMember.message", { member: who(member), team: team.name, role: roleNameIn(say)(member.role) }),
        button: say("admin.confirm.removeMember.button", { username: member.username }),
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
  return async (ctx, { loaded: team, body: { toUserId, confirm } }) => {
    const member = await k.memberOf(ctx, team, toUserId);
    if (!member || member.isOwner) return renderTeam(ctx, { error: CHOOSE_MEMBER, errorFor: "transfer" }, 400);
    if (member.userId === k.adminId(ctx)) return renderTeam(ctx, { error: SELF_TRANSFER, errorFor: "transfer" }, 403);
    if (confirm !== "yes") {
      const say = k.say(ctx);
      return k.showConfirmation(ctx, team, {
        title: say("admin.confirm.transfer.title"),
        message: say("admin.confirm.transfer.message", { member: who(member), team: team.name }),
        button: say("admin.confirm.transfer.button", { username: member.username }),
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
  return async (ctx, { loaded: team }) => {
    const result = await k.services.ownership.cancel(team.id, k.by(ctx), k.request(ctx));
    if (result.outcome === "cancelled") return k.done(ctx, team, "transfer_cancelled");
    if (result.outcome === "none_pending") return renderTeam(ctx, { error: "admin.team.noTransfer" }, 400);
    const { error, status } = refusalOutcome(result);
    return renderTeam(ctx, { error }, status);
  };
}

/** "Require a second factor" on or off (services.mfaRequirements; audited as team.mfa_required_changed) */
function setMfaRequired(k: TeamActionKit, app: AppContext): Handler {
  return async (ctx, { loaded: team, body: { required } }) => {
    const on = required === "1";
    await app.services.mfaRequirements.setForTeam(k.adminId(ctx), team.id, on, k.request(ctx));
    return k.done(ctx, team, on ? "mfa_required_on" : "mfa_required_off");
  };
}

export function registerAdminTeamActions(router: Router, app: AppContext, h: AdminRouteHelpers, renderTeam: RenderTeam): void {
  const k = createTeamActionKit(app, h);
  const forms = defineForms(router, app);
  forms.post({ path: "/admin/teams/:teamId/members/:userId/role", ...k.form, handle: changeRole(k, renderTeam) });
  forms.post({ path: "/admin/teams/:teamId/members/:userId/remove", ...k.form, handle: removeMember(k, renderTeam) });
  forms.post({ path: "/admin/teams/:teamId/transfer", ...k.form, handle: startTransfer(k, app, renderTeam) });
  forms.post({ path: "/admin/teams/:teamId/transfer/cancel", ...k.form, handle: cancelTransfer(k, renderTeam) });
  forms.post({ path: "/admin/teams/:teamId/mfa-required", ...k.form, handle: setMfaRequired(k, app) });
}
