// The admin screens for any team's roles (gatehouse.admin.teams.manage): /admin/roles/teams finds a team (name or
// slug, newest first, cursor pages); /admin/roles/teams/:teamId lists its roles (member counts, what they
// resolve to) with a form for a custom role; /admin/roles/teams/:teamId/:roleId edits one (Owner is shown read
// only) and offers deleting an unused custom role (a confirmation page, then the POST). The admin acts through
// services.teamRoles as asAdmin(adminId): the Owner role's permissions, the same rules (no "*", no
// gatehouse.admin.* codes, Owner untouchable, built-in and in-use roles kept) and the same audit events, with
// the admin as the actor. CSRF on every POST; refusals keep the form (400 invalid, 403 not allowed, 409 in use).
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../../context.ts";
import type { Team } from "../../../queries/teams.ts";
import { asAdmin } from "../../../services/team-admin.ts";
import { OWNER_ROLE, type RoleView, type TeamRefusal } from "../../../services/team-roles.ts";
import { parseBody } from "../../body.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { ADMIN_PERMISSIONS } from "../../../authz/core-permissions.ts";
import {
  ADMIN_PREFIX, ROLES_CSRF, emptyForm, formFromGrants, formOf, grantsOf, matrixOf, noticeOf, notFound, seeOther,
  type FieldErrors, type RoleForm,
} from "./roles-shared.ts";

const PAGE_SIZE = 25;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
type Locals = { form?: RoleForm; errors?: FieldErrors; error?: string };

export function registerTeamRoleRoutes(router: Router, app: AppContext, h: AdminRouteHelpers): void {
  const { services, csrf } = app;
  const { teamRoles, teamAdmin } = services;
  const guard = h.requireAdmin(ADMIN_PERMISSIONS.teamsManage);
  const body = parseBody(app.config.bodyLimit);
  const submitted = (ctx: Context) => (ctx.request.body as Record<string, unknown> | undefined) ?? {};
  const by = (ctx: Context) => asAdmin(h.admin(ctx).user.id);
  const request = (ctx: Context) => { const a = h.actor(ctx); return { ip: a.ip, userAgent: a.userAgent }; };
  const base = (team: Team) => `/admin/roles/teams/${team.id}`;
  /** every registered code a team role may hold, by tab (administrator codes belong to system roles) */
  const teamTabs = () => services.permissions.listByTab().map(({ tab, permissions }) => ({ tab, permissions: permissions.filter((p) => !p.code.startsWith(ADMIN_PREFIX)) }));
  const labels = () => Object.fromEntries(services.permissions.list().map((p) => [p.code, p.label]));

  async function teamOr404(ctx: Context): Promise<Team> {
    const team = await teamAdmin.find(String(ctx.params.teamId ?? ""));
    if (!team) throw notFound("team", "/admin/roles/teams");
    return team;
  }
  async function rolesOf(team: Team, ctx: Context): Promise<RoleView[]> {
    const result = await teamRoles.list(team.id, by(ctx));
    if (result.outcome !== "ok") throw notFound("team", "/admin/roles/teams");
    return result.roles;
  }
  async function roleOr404(ctx: Context, team: Team): Promise<RoleView> {
    const roleId = String(ctx.params.roleId ?? "");
    const role = UUID.test(roleId) ? (await rolesOf(team, ctx)).find((r) => r.id === roleId.toLowerCase()) : undefined;
    if (!role) throw notFound("role in this team", base(team));
    return role;
  }
  /** a refusal's locals and status (not_found is thrown: another team's role never shows) */
  function refusal(r: TeamRefusal, team: Team, form: RoleForm): { locals: Locals; status: number } {
    if (r.outcome === "not_found") throw notFound("role in this team", base(team));
    if (r.outcome === "invalid") return { locals: { form, errors: { [r.field === "name" ? "name" : "permissions"]: r.message } }, status: 400 };
    return { locals: { form, error: r.message }, status: 403 };
  }

  async function renderTeam(ctx: Context, team: Team, locals: Locals = {}, status = 200) {
    const form = locals.form ?? emptyForm();
    const errors = locals.errors ?? {};
    return h.render(ctx, "roles-team", {
      section: "roles", title: `${team.name}: roles`, team, base: base(team), roles: await rolesOf(team, ctx), labels: labels(),
      form, errors, tabs: matrixOf(teamTabs(), form), notice: noticeOf(ctx, "team"),
      error: locals.error ?? (Object.keys(errors).length ? "The role was not created: correct the field marked below." : undefined),
      csrfToken: csrf.token(ctx, ROLES_CSRF),
    }, status);
  }

  function renderEdit(ctx: Context, team: Team, role: RoleView, locals: Locals = {}, status = 200) {
    const form = locals.form ?? formFromGrants(role.name, role.permissions);
    const errors = locals.errors ?? {};
    return h.render(ctx, "roles-team-edit", {
      section: "roles", title: `${team.name}: ${role.name}`, team, base: base(team), role, labels: labels(), form, errors,
      tabs: role.editable ? matrixOf(teamTabs(), form) : [], notice: noticeOf(ctx, "team"),
      error: locals.error ?? (Object.keys(errors).length ? "The role was not saved: correct the field marked below." : undefined),
      csrfToken: csrf.token(ctx, ROLES_CSRF),
    }, status);
  }

  router.get("/admin/roles/teams", guard, async (ctx) => {
    const one = (v: unknown) => (typeof v === "string" ? v : "").trim();
    const q = one(ctx.query.q).slice(0, 300);
    const cursor = one(ctx.query.cursor);
    const result = await teamAdmin.search({ query: q || undefined, cursor: cursor || undefined, limit: PAGE_SIZE });
    const render = (locals: Record<string, unknown>, status = 200) =>
      h.render(ctx, "roles-teams", { section: "roles", title: "Team roles: find a team", q, teams: [], nextUrl: null, ...locals }, status);
    if (result.outcome !== "ok") return render({ error: result.message }, 400);
    const next = result.nextCursor ? `/admin/roles/teams?${new URLSearchParams({ ...(q ? { q } : {}), cursor: result.nextCursor }).toString()}` : null;
    return render({
      paged: Boolean(cursor), nextUrl: next, firstUrl: `/admin/roles/teams${q ? `?${new URLSearchParams({ q }).toString()}` : ""}`,
      teams: result.teams.map((t) => ({ id: t.id, name: t.name, slug: t.slug, members: t.memberCount, owner: t.owner?.username ?? null })),
    });
  });

  router.get("/admin/roles/teams/:teamId", guard, async (ctx) => renderTeam(ctx, await teamOr404(ctx)));

  router.post("/admin/roles/teams/:teamId", guard, body, async (ctx) => {
    const b = submitted(ctx);
    csrf.verify(ctx, ROLES_CSRF, b._csrf);
    const team = await teamOr404(ctx);
    const form = formOf(b);
    const result = await teamRoles.create(team.id, by(ctx), { name: form.name, permissions: grantsOf(form) }, request(ctx));
    if (result.outcome !== "created") {
      const { locals, status } = refusal(result, team, form);
      return renderTeam(ctx, team, locals, status);
    }
    return seeOther(ctx, `${base(team)}?done=created`);
  });

  router.get("/admin/roles/teams/:teamId/:roleId", guard, async (ctx) => {
    const team = await teamOr404(ctx);
    return renderEdit(ctx, team, await roleOr404(ctx, team));
  });

  router.post("/admin/roles/teams/:teamId/:roleId", guard, body, async (ctx) => {
    const b = submitted(ctx);
    csrf.verify(ctx, ROLES_CSRF, b._csrf);
    const team = await teamOr404(ctx);
    const role = await roleOr404(ctx, team);
    const form = formOf(b);
    const result = await teamRoles.update(team.id, by(ctx), role.id, { name: form.name, permissions: grantsOf(form) }, request(ctx));
    if (result.outcome !== "updated") {
      const { locals, status } = refusal(result, team, form);
      return renderEdit(ctx, team, role, locals, status);
    }
    return seeOther(ctx, `${base(team)}/${role.id}?done=saved`);
  });

  /** why this role cannot be deleted, with the status, or null when it can */
  const undeletable = (role: RoleView): { error: string; status: number } | null => {
    if (role.key === OWNER_ROLE || role.builtIn) return { error: `${role.name} is a built-in role: it cannot be deleted.`, status: 403 };
    if (role.memberCount > 0) {
      const n = role.memberCount;
      return { error: `${n} member${n === 1 ? " has" : "s have"} the role ${role.name}. Give ${n === 1 ? "them" : "each of them"} another role first.`, status: 409 };
    }
    return null;
  };

  router.get("/admin/roles/teams/:teamId/:roleId/delete", guard, async (ctx) => {
    const team = await teamOr404(ctx);
    const role = await roleOr404(ctx, team);
    const refused = undeletable(role);
    if (refused) return renderEdit(ctx, team, role, { error: refused.error }, refused.status);
    return h.render(ctx, "roles-confirm", {
      section: "roles", title: "Delete a role",
      confirm: {
        title: "Delete a role", button: `Delete ${role.name}`, action: `${base(team)}/${role.id}/delete`, back: `${base(team)}/${role.id}`,
        message: `Delete the role ${role.name} of the team ${team.name}? Pending invitations with this role are withdrawn. This cannot be undone.`,
      },
      csrfToken: csrf.token(ctx, ROLES_CSRF),
    });
  });

  router.post("/admin/roles/teams/:teamId/:roleId/delete", guard, body, async (ctx) => {
    csrf.verify(ctx, ROLES_CSRF, submitted(ctx)._csrf);
    const team = await teamOr404(ctx);
    const role = await roleOr404(ctx, team);
    const result = await teamRoles.remove(team.id, by(ctx), role.id, request(ctx));
    if (result.outcome === "not_found") throw notFound("role in this team", base(team));
    if (result.outcome !== "deleted") {
      // the service refused: built in (403), or someone holds it (409, perhaps given since the page was shown)
      const status = role.key === OWNER_ROLE || role.builtIn ? 403 : result.outcome === "invalid" ? 400 : 409;
      return renderEdit(ctx, team, role, { error: result.message }, status);
    }
    return seeOther(ctx, `${base(team)}?done=deleted`);
  });
}
