// The admin screens for any team's roles (gatehouse.admin.teams.manage): /admin/roles/teams finds a team (name or
// slug, newest first, cursor pages: team-search.ts); /admin/roles/teams/:teamId lists its roles (member counts,
// what they resolve to) with a form for a custom role; /admin/roles/teams/:teamId/:roleId edits one (Owner is
// shown read only) and offers deleting an unused custom role (a confirmation page, then the POST). The admin acts
// through services.teamRoles as asAdmin(adminId) (roles-team-screens.ts): the Owner role's permissions, the same
// rules (no "*", no gatehouse.admin.* codes, Owner untouchable, built-in and in-use roles kept) and the same
// audit events, with the admin as the actor. CSRF on every POST; refusals keep the form (400 invalid, 403 not
// allowed, 409 in use).
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import { OWNER_ROLE, type RoleView } from "../../../services/team-roles.ts";
import { parseBody } from "../../body.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { ADMIN_PERMISSIONS } from "../../../authz/core-permissions.ts";
import { ROLES_CSRF, formOf, grantsOf, notFound, seeOther } from "./roles-shared.ts";
import { createTeamRoleScreens, type TeamRoleScreens } from "./roles-team-screens.ts";
import { searchTeams } from "./team-search.ts";

type Handler = (ctx: Context) => Promise<void>;
const submitted = (ctx: Context) => (ctx.request.body as Record<string, unknown> | undefined) ?? {};

/** why this role cannot be deleted, with the status, or null when it can */
function undeletable(role: RoleView): { error: string; status: number } | null {
  if (role.key === OWNER_ROLE || role.builtIn) return { error: `${role.name} is a built-in role: it cannot be deleted.`, status: 403 };
  if (role.memberCount > 0) {
    const n = role.memberCount;
    return { error: `${n} member${n === 1 ? " has" : "s have"} the role ${role.name}. Give ${n === 1 ? "them" : "each of them"} another role first.`, status: 409 };
  }
  return null;
}

function createRole(app: AppContext, s: TeamRoleScreens): Handler {
  return async (ctx) => {
    const b = submitted(ctx);
    app.csrf.verify(ctx, ROLES_CSRF, b._csrf);
    const team = await s.teamOr404(ctx);
    const form = formOf(b);
    const result = await app.services.teamRoles.create(team.id, s.by(ctx), { name: form.name, permissions: grantsOf(form) }, s.request(ctx));
    if (result.outcome !== "created") {
      const { locals, status } = s.refusal(result, team, form);
      return s.renderTeam(ctx, team, locals, status);
    }
    return seeOther(ctx, `${s.base(team)}?done=created`);
  };
}

function saveRole(app: AppContext, s: TeamRoleScreens): Handler {
  return async (ctx) => {
    const b = submitted(ctx);
    app.csrf.verify(ctx, ROLES_CSRF, b._csrf);
    const team = await s.teamOr404(ctx);
    const role = await s.roleOr404(ctx, team);
    const form = formOf(b);
    const result = await app.services.teamRoles.update(team.id, s.by(ctx), role.id, { name: form.name, permissions: grantsOf(form) }, s.request(ctx));
    if (result.outcome !== "updated") {
      const { locals, status } = s.refusal(result, team, form);
      return s.renderEdit(ctx, team, role, locals, status);
    }
    return seeOther(ctx, `${s.base(team)}/${role.id}?done=saved`);
  };
}

function confirmDelete(s: TeamRoleScreens): Handler {
  return async (ctx) => {
    const team = await s.teamOr404(ctx);
    const role = await s.roleOr404(ctx, team);
    const refused = undeletable(role);
    if (refused) return s.renderEdit(ctx, team, role, { error: refused.error }, refused.status);
    return s.showConfirmation(ctx, {
      title: "Delete a role", button: `Delete ${role.name}`, action: `${s.base(team)}/${role.id}/delete`, back: `${s.base(team)}/${role.id}`,
      message: `Delete the role ${role.name} of the team ${team.name}? Pending invitations with this role are withdrawn. This cannot be undone.`,
    });
  };
}

function deleteRole(app: AppContext, s: TeamRoleScreens): Handler {
  return async (ctx) => {
    app.csrf.verify(ctx, ROLES_CSRF, submitted(ctx)._csrf);
    const team = await s.teamOr404(ctx);
    const role = await s.roleOr404(ctx, team);
    const result = await app.services.teamRoles.remove(team.id, s.by(ctx), role.id, s.request(ctx));
    if (result.outcome === "not_found") throw notFound("role in this team", s.base(team));
    if (result.outcome !== "deleted") {
      // the service refused: built in (403), or someone holds it (409, perhaps given since the page was shown)
      const status = role.key === OWNER_ROLE || role.builtIn ? 403 : result.outcome === "invalid" ? 400 : 409;
      return s.renderEdit(ctx, team, role, { error: result.message }, status);
    }
    return seeOther(ctx, `${s.base(team)}?done=deleted`);
  };
}

export function registerTeamRoleRoutes(router: Router, app: AppContext, h: AdminRouteHelpers): void {
  const s = createTeamRoleScreens(app, h);
  const guard = h.requireAdmin(ADMIN_PERMISSIONS.teamsManage);
  const body = parseBody(app.config.bodyLimit);

  router.get("/admin/roles/teams", guard, async (ctx) => {
    const { status, search, error } = await searchTeams(app, ctx, "/admin/roles/teams");
    return h.render(ctx, "roles-teams", { section: "roles", title: "Team roles: find a team", search, error }, status);
  });
  router.get("/admin/roles/teams/:teamId", guard, async (ctx) => s.renderTeam(ctx, await s.teamOr404(ctx)));
  router.post("/admin/roles/teams/:teamId", guard, body, createRole(app, s));
  router.get("/admin/roles/teams/:teamId/:roleId", guard, async (ctx) => {
    const team = await s.teamOr404(ctx);
    return s.renderEdit(ctx, team, await s.roleOr404(ctx, team));
  });
  router.post("/admin/roles/teams/:teamId/:roleId", guard, body, saveRole(app, s));
  router.get("/admin/roles/teams/:teamId/:roleId/delete", guard, confirmDelete(s));
  router.post("/admin/roles/teams/:teamId/:roleId/delete", guard, body, deleteRole(app, s));
}
