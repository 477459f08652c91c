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
import { z } from "zod";
import { defineForms } from "../../forms.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { ADMIN_PERMISSIONS } from "../../../authz/core-permissions.ts";
import { SYSTEM_ROLE_KEY } from "../../../services/system-roles.ts";
import { requestOf } from "../../../services/admin-actor.ts";
import { sayFor, type Say } from "./config-words.ts";
import { sayRefusal, type Said } from "../../../lib/i18n/refusal.ts";
import {
  ROLES_CSRF,
  emptyForm,
  formFromGrants,
  formOf,
  grantsOf,
  matrixOf,
  noticeOf,
  notFound,
  permissionGrid,
  seeOther,
  type FieldErrors,
  type RoleForm,
} from "./roles-shared.ts";

const SUMMARY = "The role was not saved: correct the field marked below.";

/** a refused field's words: a service's fixed text, or its refusal said by a message key with its values */
type SystemFieldErrors = Partial<Record<keyof FieldErrors, string | Said>>;
type EditLocals = { form?: RoleForm; errors?: SystemFieldErrors; error?: string };

/** the system-role pages: the index (list and the new-role form) and one role's editor */
function systemRolePages(app: AppContext, h: AdminRouteHelpers) {
  const { services, csrf } = app;
  const systemRoles = services.systemRoles;

  const view = (r: SystemRole) => ({
    key: r.key,
    name: r.name,
    builtIn: r.builtIn,
    everything: r.permissions.includes("*"),
    permissions: r.permissions,
    count: r.permissions.length,
    editable: !r.builtIn,
    requireMfa: r.requireMfa,
  });
  const labels = (say: Say) => Object.fromEntries(services.permissions.list().map((p) => [p.code, say(p.label)]));
  const say = (ctx: Context, page: string) => sayFor(ctx, page, app.config.defaultLocale);
  /** a refused field's words (a service's fixed text, or its refusal's key with its values) in the page's language */
  const said = (errors: SystemFieldErrors, s: Say): FieldErrors =>
    Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, sayRefusal(s, v)]));

  async function renderIndex(ctx: Context, locals: { form?: RoleForm; errors?: SystemFieldErrors } = {}, status = 200) {
    const form = locals.form ?? emptyForm();
    const errors = locals.errors ?? {};
    const [roles, canTeams] = await Promise.all([systemRoles.list(), h.can(ctx, ADMIN_PERMISSIONS.teamsManage)]);
    const s = say(ctx, "roles");
    return h.render(
      ctx,
      "roles",
      {
        section: "roles",
        title: "adminCfg.roles.title",
        roles: roles.map(view),
        canTeams,
        form,
        errors: said(errors, s),
        grid: permissionGrid(
          systemRoles.assignable(),
          roles.map((r) => ({ key: r.key, name: r.name, href: `/admin/roles/system/${r.key}`, grants: r.permissions })),
          s,
        ),
        tabs: matrixOf(systemRoles.assignable(), form, s),
        notice: noticeOf(ctx, "system"),
        error: Object.keys(errors).length ? SUMMARY : undefined,
        csrfToken: csrf.token(ctx, ROLES_CSRF),
      },
      status,
    );
  }

  async function roleOr404(ctx: Context): Promise<SystemRole> {
    const key = String(ctx.params.key ?? "");
    const role = SYSTEM_ROLE_KEY.test(key) ? await systemRoles.get(key) : null;
    if (!role) throw notFound("system_role", "/admin/roles");
    return role;
  }

  function renderEdit(ctx: Context, role: SystemRole, locals: EditLocals = {}, status = 200) {
    const form = locals.form ?? formFromGrants(role.name, role.permissions, role.key);
    const errors = locals.errors ?? {};
    const s = say(ctx, "roles-system-edit");
    return h.render(
      ctx,
      "roles-system-edit",
      {
        section: "roles",
        title: s("adminCfg.roles.systemTitle", { name: role.name }),
        role: view(role),
        labels: labels(s),
        form,
        errors: said(errors, s),
        tabs: role.builtIn ? [] : matrixOf(systemRoles.assignable(), form, s),
        notice: noticeOf(ctx, "system"),
        error: locals.error ?? (Object.keys(errors).length ? SUMMARY : undefined),
        csrfToken: csrf.token(ctx, ROLES_CSRF),
      },
      status,
    );
  }

  return { renderIndex, roleOr404, renderEdit };
}

export function registerSystemRoleRoutes(router: Router, app: AppContext, h: AdminRouteHelpers): void {
  const { services } = app;
  const systemRoles = services.systemRoles;
  const guard = h.requireAdmin(ADMIN_PERMISSIONS.rolesManage);
  const { renderIndex, roleOr404, renderEdit } = systemRolePages(app, h);
  // every POST through defineForms (http/forms.ts): the guard, CSRF, then the role named in the URL (404); the
  // fields are read by roles-shared.ts formOf and judged by the service
  const forms = defineForms(router, app);
  const fields = z.object({});

  router.get("/admin/roles", guard, (ctx) => renderIndex(ctx));

  forms.post({
    path: "/admin/roles/system",
    guard,
    csrf: ROLES_CSRF,
    body: fields,
    async handle(ctx, { submitted }) {
      const form = formOf(submitted);
      const result = await systemRoles.create({ key: form.key, name: form.name, permissions: grantsOf(form) }, h.actor(ctx));
      if (result.outcome === "invalid") return renderIndex(ctx, { form, errors: { [result.field]: result.message } }, 400);
      if (result.outcome === "forbidden") return renderIndex(ctx, { form, errors: { permissions: result } }, 403);
      return seeOther(ctx, `/admin/roles/system/${encodeURIComponent(result.role.key)}?done=created`);
    },
  });

  router.get("/admin/roles/system/:key", guard, async (ctx) => renderEdit(ctx, await roleOr404(ctx)));

  // "Require a second factor" of every holder, or not (services.mfaRequirements; audited); built-in roles too
  forms.post({
    path: "/admin/roles/system/:key/mfa-required",
    guard,
    csrf: ROLES_CSRF,
    load: roleOr404,
    body: fields,
    async handle(ctx, { loaded: role, submitted }) {
      const on = submitted.required === "1";
      const actor = h.actor(ctx);
      await services.mfaRequirements.setForSystemRole(actor.actorId, role.key, on, requestOf(actor));
      return seeOther(ctx, `/admin/roles/system/${encodeURIComponent(role.key)}?done=${on ? "mfa_on" : "mfa_off"}`);
    },
  });

  forms.post({
    path: "/admin/roles/system/:key",
    guard,
    csrf: ROLES_CSRF,
    load: roleOr404,
    body: fields,
    handle: async (ctx, { loaded: role, submitted }) => {
      const form = { ...formOf(submitted), key: role.key };
      const result = await systemRoles.update(role.key, { name: form.name, permissions: grantsOf(form) }, h.actor(ctx));
      if (result.outcome === "not_found") throw notFound("system_role", "/admin/roles");
      if (result.outcome === "built_in")
        return renderEdit(
          ctx,
          role,
          { error: sayFor(ctx, "roles-system-edit", app.config.defaultLocale)("adminCfg.roles.builtInRefused", { name: role.name }) },
          403,
        );
      if (result.outcome === "invalid") return renderEdit(ctx, role, { form, errors: { [result.field]: result.message } }, 400);
      if (result.outcome === "forbidden") return renderEdit(ctx, role, { form, errors: { permissions: result } }, 403);
      return seeOther(ctx, `/admin/roles/system/${encodeURIComponent(role.key)}?done=saved`);
    },
  });
}
