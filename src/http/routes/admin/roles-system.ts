// The admin system-role screens (gatehouse.admin.roles.manage): /admin/roles lists the system roles (Super Admin,
// "*", built in, shown but not editable) with a form for a new one (key, name, and a matrix of the assignable
// gatehouse.admin.* permissions grouped by tab, plus wildcard grants inside gatehouse.admin.) and, for an admin
// who may also manage teams, the team picker; /admin/roles/system/:key edits one role's name and permissions.
// Everything goes through services.systemRoles, which validates and audits (system_role.created / updated) with
// the acting admin. System roles are not deleted here: the service has no removal. CSRF on every POST; a refused
// form is a 400 with the message beside its field and the form kept; a saved one redirects with a fixed notice.
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import type { SystemRole } from "../../../queries/permissions.ts";
import { parseBody } from "../../body.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { ADMIN_PERMISSIONS } from "../../../authz/core-permissions.ts";
import { SYSTEM_ROLE_KEY } from "../../../services/system-roles.ts";
import {
  ROLES_CSRF, emptyForm, formFromGrants, formOf, grantsOf, matrixOf, noticeOf, notFound, permissionGrid, seeOther,
  type FieldErrors, type RoleForm,
} from "./roles-shared.ts";

const SUMMARY = "The role was not saved: correct the field marked below.";

type EditLocals = { form?: RoleForm; errors?: FieldErrors; error?: string };

/** the system-role pages: the index (list and the new-role form) and one role's editor */
function systemRolePages(app: AppContext, h: AdminRouteHelpers) {
  const { services, csrf } = app;
  const systemRoles = services.systemRoles;

  const view = (r: SystemRole) => ({
    key: r.key, name: r.name, builtIn: r.builtIn, everything: r.permissions.includes("*"),
    permissions: r.permissions, count: r.permissions.length, editable: !r.builtIn, requireMfa: r.requireMfa,
  });
  const labels = () => Object.fromEntries(services.permissions.list().map((p) => [p.code, p.label]));

  async function renderIndex(ctx: Context, locals: { form?: RoleForm; errors?: FieldErrors } = {}, status = 200) {
    const form = locals.form ?? emptyForm();
    const errors = locals.errors ?? {};
    const [roles, canTeams] = await Promise.all([systemRoles.list(), h.can(ctx, ADMIN_PERMISSIONS.teamsManage)]);
    return h.render(ctx, "roles", {
      section: "roles", title: "Roles", roles: roles.map(view), canTeams, form, errors,
      grid: permissionGrid(systemRoles.assignable(), roles.map((r) => ({ key: r.key, name: r.name, href: `/admin/roles/system/${r.key}`, grants: r.permissions }))),
      tabs: matrixOf(systemRoles.assignable(), form), notice: noticeOf(ctx, "system"),
      error: Object.keys(errors).length ? SUMMARY : undefined, csrfToken: csrf.token(ctx, ROLES_CSRF),
    }, status);
  }

  async function roleOr404(ctx: Context): Promise<SystemRole> {
    const key = String(ctx.params.key ?? "");
    const role = SYSTEM_ROLE_KEY.test(key) ? await systemRoles.get(key) : null;
    if (!role) throw notFound("system role", "/admin/roles");
    return role;
  }

  function renderEdit(ctx: Context, role: SystemRole, locals: EditLocals = {}, status = 200) {
    const form = locals.form ?? formFromGrants(role.name, role.permissions, role.key);
    const errors = locals.errors ?? {};
    return h.render(ctx, "roles-system-edit", {
      section: "roles", title: `System role ${role.name}`, role: view(role), labels: labels(), form, errors,
      tabs: role.builtIn ? [] : matrixOf(systemRoles.assignable(), form), notice: noticeOf(ctx, "system"),
      error: locals.error ?? (Object.keys(errors).length ? SUMMARY : undefined), csrfToken: csrf.token(ctx, ROLES_CSRF),
    }, status);
  }

  return { renderIndex, roleOr404, renderEdit };
}

export function registerSystemRoleRoutes(router: Router, app: AppContext, h: AdminRouteHelpers): void {
  const { services, csrf } = app;
  const systemRoles = services.systemRoles;
  const guard = h.requireAdmin(ADMIN_PERMISSIONS.rolesManage);
  const body = parseBody(app.config.bodyLimit);
  const submitted = (ctx: Context) => (ctx.request.body as Record<string, unknown> | undefined) ?? {};
  const { renderIndex, roleOr404, renderEdit } = systemRolePages(app, h);

  router.get("/admin/roles", guard, (ctx) => renderIndex(ctx));

  router.post("/admin/roles/system", guard, body, async (ctx) => {
    const b = submitted(ctx);
    csrf.verify(ctx, ROLES_CSRF, b._csrf);
    const form = formOf(b);
    const result = await systemRoles.create({ key: form.key, name: form.name, permissions: grantsOf(form) }, h.actor(ctx));
    if (result.outcome === "invalid") return renderIndex(ctx, { form, errors: { [result.field]: result.message } }, 400);
    if (result.outcome === "forbidden") return renderIndex(ctx, { form, errors: { permissions: result.message } }, 403);
    return seeOther(ctx, `/admin/roles/system/${encodeURIComponent(result.role.key)}?done=created`);
  });

  router.get("/admin/roles/system/:key", guard, async (ctx) => renderEdit(ctx, await roleOr404(ctx)));

  // "Require a second factor" of every holder, or not (services.mfaRequirements; audited); built-in roles too
  router.post("/admin/roles/system/:key/mfa-required", guard, body, async (ctx) => {
    const b = submitted(ctx);
    csrf.verify(ctx, ROLES_CSRF, b._csrf);
    const role = await roleOr404(ctx);
    const on = b.required === "1";
    const { actorId, ip, userAgent } = h.actor(ctx);
    await services.mfaRequirements.setForSystemRole(actorId, role.key, on, { ip: ip ?? null, userAgent: userAgent ?? null });
    return seeOther(ctx, `/admin/roles/system/${encodeURIComponent(role.key)}?done=${on ? "mfa_on" : "mfa_off"}`);
  });

  router.post("/admin/roles/system/:key", guard, body, async (ctx) => {
    const b = submitted(ctx);
    csrf.verify(ctx, ROLES_CSRF, b._csrf);
    const role = await roleOr404(ctx);
    const form = { ...formOf(b), key: role.key };
    const result = await systemRoles.update(role.key, { name: form.name, permissions: grantsOf(form) }, h.actor(ctx));
    if (result.outcome === "not_found") throw notFound("system role", "/admin/roles");
    if (result.outcome === "built_in") return renderEdit(ctx, role, { error: `${role.name} is built in and cannot be edited.` }, 403);
    if (result.outcome === "invalid") return renderEdit(ctx, role, { form, errors: { [result.field]: result.message } }, 400);
    if (result.outcome === "forbidden") return renderEdit(ctx, role, { form, errors: { permissions: result.message } }, 403);
    return seeOther(ctx, `/admin/roles/system/${encodeURIComponent(role.key)}?done=saved`);
  });
}
