// What the admin team-role routes (roles-team.ts) share: the team and the role in the URL (404 pages
// otherwise), the admin as the team actor (asAdmin), a service refusal as the form's errors, and the two
// screens: a team's roles with the new-role form, and one role's editor (Owner read only).
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import type { Team } from "../../../queries/teams.ts";
import { asAdmin } from "../../../services/team-admin.ts";
import type { RoleView, TeamRefusal } from "../../../services/team-roles.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { UUID } from "../../../lib/ids.ts";
import { sayFor, type Say } from "./config-words.ts";
import { sayRefusal, type Said } from "../../../lib/i18n/refusal.ts";
import {
  ADMIN_PREFIX,
  ROLES_CSRF,
  emptyForm,
  formFromGrants,
  matrixOf,
  noticeOf,
  notFound,
  permissionGrid,
  type FieldErrors,
  type RoleForm,
} from "./roles-shared.ts";

/** a refused field's words: a message key or fixed text, or a service's refusal (its key and values) */
type TeamFieldErrors = Partial<Record<"name" | "permissions", string | Said>>;
export type TeamRoleLocals = { form?: RoleForm; errors?: TeamFieldErrors; error?: string | Said };

type Registry = AppContext["services"]["permissions"];
/** every registered code a team role may hold, by tab (administrator codes belong to system roles) */
const teamTabs = (registry: Registry) =>
  registry.listByTab().map(({ tab, permissions }) => ({ tab, permissions: permissions.filter((p) => !p.code.startsWith(ADMIN_PREFIX)) }));
const labelsOf = (registry: Registry, say: Say) => Object.fromEntries(registry.list().map((p) => [p.code, say(p.label)]));
const formError = (errors: TeamFieldErrors, what: "created" | "saved") =>
  Object.keys(errors).length ? (what === "created" ? "adminCfg.roles.notCreated" : "adminCfg.roles.notSaved") : undefined;
/** a refused field's words (a service's refusal) in the page's language */
const said = (errors: TeamFieldErrors, say: Say): FieldErrors =>
  Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, sayRefusal(say, v)]));

export function createTeamRoleScreens(app: AppContext, h: AdminRouteHelpers) {
  const { services, csrf } = app;
  const { teamRoles, teamAdmin, permissions: registry } = services;
  const by = (ctx: Context) => asAdmin(h.admin(ctx).user.id);
  const base = (team: Team) => `/admin/roles/teams/${team.id}`;

  async function rolesOf(team: Team, ctx: Context): Promise<RoleView[]> {
    const result = await teamRoles.list(team.id, by(ctx));
    if (result.outcome !== "ok") throw notFound("team", "/admin/roles/teams");
    return result.roles;
  }

  return {
    by,
    base,
    request: (ctx: Context) => {
      const a = h.actor(ctx);
      return { ip: a.ip, userAgent: a.userAgent };
    },
    async teamOr404(ctx: Context): Promise<Team> {
      const team = await teamAdmin.find(String(ctx.params.teamId ?? ""));
      if (!team) throw notFound("team", "/admin/roles/teams");
      return team;
    },
    async roleOr404(ctx: Context, team: Team): Promise<RoleView> {
      const roleId = String(ctx.params.roleId ?? "");
      const role = UUID.test(roleId) ? (await rolesOf(team, ctx)).find((r) => r.id === roleId.toLowerCase()) : undefined;
      if (!role) throw notFound("team_role", base(team));
      return role;
    },
    /** a refusal's locals and status (not_found is thrown: another team's role never shows) */
    refusal(r: TeamRefusal, team: Team, form: RoleForm): { locals: TeamRoleLocals; status: number } {
      if (r.outcome === "not_found") throw notFound("team_role", base(team));
      if (r.outcome === "invalid") return { locals: { form, errors: { [r.field === "name" ? "name" : "permissions"]: r } }, status: 400 };
      return { locals: { form, error: r }, status: 403 };
    },
    /** the team's roles with the new-role form */
    async renderTeam(ctx: Context, team: Team, locals: TeamRoleLocals = {}, status = 200) {
      const form = locals.form ?? emptyForm();
      const errors = locals.errors ?? {};
      const roles = await rolesOf(team, ctx);
      const say = sayFor(ctx, "roles-team", app.config.defaultLocale);
      // Owner holds every permission whatever it stores
      const grid = permissionGrid(
        teamTabs(registry),
        roles.map((r) => ({
          key: r.key,
          name: r.name,
          href: r.key === "owner" ? null : `${base(team)}/${r.id}`,
          grants: r.key === "owner" ? ["*"] : r.permissions,
        })),
        say,
      );
      return h.render(
        ctx,
        "roles-team",
        {
          section: "roles",
          title: say("adminCfg.teamRoles.pageTitle", { team: team.name }),
          team,
          base: base(team),
          roles,
          grid,
          labels: labelsOf(registry, say),
          form,
          errors: said(errors, say),
          tabs: matrixOf(teamTabs(registry), form, say),
          notice: noticeOf(ctx, "team"),
          error: locals.error ? sayRefusal(say, locals.error) : formError(errors, "created"),
          csrfToken: csrf.token(ctx, ROLES_CSRF),
        },
        status,
      );
    },
    /** one role's editor (the matrix only for an editable role) */
    renderEdit(ctx: Context, team: Team, role: RoleView, locals: TeamRoleLocals = {}, status = 200) {
      const form = locals.form ?? formFromGrants(role.name, role.permissions);
      const errors = locals.errors ?? {};
      const say = sayFor(ctx, "roles-team-edit", app.config.defaultLocale);
      return h.render(
        ctx,
        "roles-team-edit",
        {
          section: "roles",
          title: say("adminCfg.teamRoles.editTitle", { team: team.name, name: role.name }),
          team,
          base: base(team),
          role,
          labels: labelsOf(registry, say),
          form,
          errors: said(errors, say),
          tabs: role.editable ? matrixOf(teamTabs(registry), form, say) : [],
          notice: noticeOf(ctx, "team"),
          error: locals.error ? sayRefusal(say, locals.error) : formError(errors, "saved"),
          csrfToken: csrf.token(ctx, ROLES_CSRF),
        },
        status,
      );
    },
    showConfirmation: (ctx: Context, confirm: { title: string; message: string; button: string; action: string; back: string }) =>
      h.render(ctx, "confirm", {
        section: "roles",
        title: confirm.title,
        cardClass: "admin-roles",
        confirm,
        csrfToken: csrf.token(ctx, ROLES_CSRF),
      }),
  };
}

export type TeamRoleScreens = ReturnType<typeof createTeamRoleScreens>;
