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
import { z } from "zod";
import { defineForms } from "../../forms.ts";
import type { Team } from "../../../queries/teams.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { ADMIN_PERMISSIONS } from "../../../authz/core-permissions.ts";
import { ROLES_CSRF, formOf, grantsOf, notFound, seeOther } from "./roles-shared.ts";
import { createTeamRoleScreens, type TeamRoleScreens } from "./roles-team-screens.ts";
import { searchTeams } from "./team-search.ts";
import { sayFor, type Say } from "./config-words.ts";

type Handler = (ctx: Context) => Promise<void>;
/** a form's handler (http/forms.ts): what it acts on was loaded after the guard and CSRF; `submitted` the raw fields */
type FormHandler<Loaded> = (ctx: Context, input: { loaded: Loaded; submitted: Record<string, unknown> }) => Promise<void>;

/** why this role cannot be deleted, with the status, or null when it can */
function undeletable(role: RoleView, say: Say): { error: string; status: number } | null {
  if (role.key === OWNER_ROLE || role.builtIn)
    return { error: say("adminCfg.teamRoles.builtInNoDelete", { name: role.name }), status: 403 };
  if (role.memberCount > 0) {
    const n = role.memberCount;
    return {
      error: say(n === 1 ? "adminCfg.teamRoles.heldRefusedOne" : "adminCfg.teamRoles.heldRefused", { n, name: role.name }),
      status: 409,
    };
  }
  return null;
}

function createRole(app: AppContext, s: TeamRoleScreens): FormHandler<Team> {
  return async (ctx, { loaded: team, submitted }) => {
    const form = formOf(submitted);
    const result = await app.services.teamRoles.create(
      team.id,
      s.by(ctx),
      { name: form.name, permissions: grantsOf(form) },
      s.request(ctx),
    );
    if (result.outcome !== "created") {
      const { locals, status } = s.refusal(result, team, form);
      return s.renderTeam(ctx, team, locals, status);
    }
    return seeOther(ctx, `${s.base(team)}?done=created`);
  };
}

function saveRole(app: AppContext, s: TeamRoleScreens): FormHandler<{ team: Team; role: RoleView }> {
  return async (ctx, { loaded: { team, role }, submitted }) => {
    const form = formOf(submitted);
    const result = await app.services.teamRoles.update(
      team.id,
      s.by(ctx),
      role.id,
      { name: form.name, permissions: grantsOf(form) },
      s.request(ctx),
    );
    if (result.outcome !== "updated") {
      const { locals, status } = s.refusal(result, team, form);
      return s.renderEdit(ctx, team, role, locals, status);
    }
    return seeOther(ctx, `${s.base(team)}/${role.id}?done=saved`);
  };
}

function confirmDelete(app: AppContext, s: TeamRoleScreens): Handler {
  return async (ctx) => {
    const team = await s.teamOr404(ctx);
    const role = await s.roleOr404(ctx, team);
    const refused = undeletable(role, sayFor(ctx, "roles-team-edit", app.config.defaultLocale));
    if (refused) return s.renderEdit(ctx, team, role, { error: refused.error }, refused.status);
    const say = sayFor(ctx, "confirm", app.config.defaultLocale);
    return s.showConfirmation(ctx, {
      title: say("adminCfg.teamRoles.deleteTitle"),
      button: say("adminCfg.deleteNamed", { name: role.name }),
      action: `${s.base(team)}/${role.id}/delete`,
      back: `${s.base(team)}/${role.id}`,
      message: say("adminCfg.teamRoles.deleteBody", { name: role.name, team: team.name }),
    });
  };
}

function deleteRole(app: AppContext, s: TeamRoleScreens): FormHandler<{ team: Team; role: RoleView }> {
  return async (ctx, { loaded: { team, role } }) => {
    const result = await app.services.teamRoles.remove(team.id, s.by(ctx), role.id, s.request(ctx));
    if (result.outcome === "not_found") throw notFound("team_role", s.base(team));
    if (result.outcome !== "deleted") {
      // the service refused: built in (403), or someone holds it (409, perhaps given since the page was shown)
      const status = role.key === OWNER_ROLE || role.builtIn ? 403 : result.outcome === "invalid" ? 400 : 409;
      return s.renderEdit(ctx, team, role, { error: result }, status);
    }
    return seeOther(ctx, `${s.base(team)}?done=deleted`);
  };
}

export function registerTeamRoleRoutes(router: Router, app: AppContext, h: AdminRouteHelpers): void {
  const s = createTeamRoleScreens(app, h);
  const guard = h.requireAdmin(ADMIN_PERMISSIONS.teamsManage);
  // the POSTs through defineForms (http/forms.ts): the guard, CSRF, then the team and role in the URL (404s)
  const forms = defineForms(router, app);
  const fields = z.object({});
  const teamAndRole = async (ctx: Context) => {
    const team = await s.teamOr404(ctx);
    return { team, role: await s.roleOr404(ctx, team) };
  };

  router.get("/admin/roles/teams", guard, async (ctx) => {
    const { status, search, error } = await searchTeams(
      app,
      ctx,
      "/admin/roles/teams",
      sayFor(ctx, "roles-teams", app.config.defaultLocale),
    );
    return h.render(ctx, "roles-teams", { section: "roles", title: "adminCfg.teamRoles.findTitle", search, error }, status);
  });
  router.get("/admin/roles/teams/:teamId", guard, async (ctx) => s.renderTeam(ctx, await s.teamOr404(ctx)));
  forms.post({ path: "/admin/roles/teams/:teamId", guard, csrf: ROLES_CSRF, load: s.teamOr404, body: fields, handle: createRole(app, s) });
  router.get("/admin/roles/teams/:teamId/:roleId", guard, async (ctx) => {
    const team = await s.teamOr404(ctx);
    return s.renderEdit(ctx, team, await s.roleOr404(ctx, team));
  });
  forms.post({
    path: "/admin/roles/teams/:teamId/:roleId",
    guard,
    csrf: ROLES_CSRF,
    load: teamAndRole,
    body: fields,
    handle: saveRole(app, s),
  });
  router.get("/admin/roles/teams/:teamId/:roleId/delete", guard, confirmDelete(app, s));
  forms.post({
    path: "/admin/roles/teams/:teamId/:roleId/delete",
    guard,
    csrf: ROLES_CSRF,
    load: teamAndRole,
    body: fields,
    handle: deleteRole(app, s),
  });
}
