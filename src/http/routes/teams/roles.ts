// /account/teams/:slug/roles: the team's roles; creating and editing custom roles with a permission matrix
// grouped by tab (plus wildcard grants), deleting unused custom roles (two steps). Owner is shown, not editable.
import type Router from "@koa/router";
import type { Context, Middleware } from "koa";
import { z } from "zod";
import type { AppContext } from "../../web-context.ts";
import { OWNER_ROLE, TEAM_PERMISSIONS, forbidden, type RoleView, type TeamActor } from "../../../services/team-roles.ts";
import type { Said } from "../../../lib/i18n/refusal.ts";
import { listOf, roleNameIn, type Say, type TeamPages } from "./shared.ts";
import { confirmBody, teamForm } from "./form-access.ts";
import { defineForms, formField } from "../../forms.ts";
import { UUID } from "../../../lib/ids.ts";

// what the service checks (names, grants) it refuses with its own words; the form only bounds the sizes, so
// this schema takes any body
const text = (max: number) => formField((v) => String(v ?? "").slice(0, max));
const roleForm = z.object({ name: text(200), permissions: formField((v) => listOf(v).slice(0, 1000)), wildcards: text(5000) });
type RoleForm = z.output<typeof roleForm>;
type FormLocals = { error?: string | Said; field?: string; notice?: string; form?: RoleForm };

export function registerRoleRoutes(router: Router, app: AppContext, pages: TeamPages, body: Middleware): void {
  const { services } = app;
  const registry = services.permissions;

  /**
   * the matrix: every registered team permission by tab (administrator codes belong to system roles); Gatehouse's
   * own tabs and labels in the page's language (lib/i18n/en-teams.ts has their English words), others as registered
   */
  function matrix(actor: TeamActor, checked: readonly string[], say: Say) {
    const grants = new Set(checked);
    return registry
      .listByTab()
      .map(({ tab, permissions }) => ({
        tab: say(tab),
        permissions: permissions
          .filter((p) => !p.code.startsWith("gatehouse.admin."))
          .map((p) => ({
            code: p.code,
            label: say(p.label),
            checked: grants.has(p.code) || checked.some((g) => g.endsWith(".*") && p.code.startsWith(g.slice(0, -1))),
            // what the actor may not grant is shown, not offered
            grantable: services.teamRoles.beyond(actor, [p.code]).length === 0,
          })),
      }))
      .filter((t) => t.permissions.length);
  }

  const grantsOf = (form: RoleForm) => [...form.permissions, ...form.wildcards.split(/[\s,]+/)].map((g) => g.trim()).filter(Boolean);

  async function rolesOrRefuse(actor: TeamActor): Promise<RoleView[]> {
    const result = await services.teamRoles.list(actor.team.id, actor.userId);
    if (result.outcome !== "ok") return pages.refuse(result);
    return result.roles;
  }

  async function renderList(ctx: Context, actor: TeamActor, locals: FormLocals = {}, status = 200) {
    const roles = await rolesOrRefuse(actor);
    const canManage = services.teamRoles.may(actor, TEAM_PERMISSIONS.roles);
    const form = locals.form ?? { name: "", permissions: [], wildcards: "" };
    const say = pages.say(ctx, "roles");
    return pages.render(
      ctx,
      "roles",
      actor,
      {
        title: say("team.title.roles", { team: actor.team.name }),
        teamSection: "roles",
        roles,
        canManage,
        form,
        tabs: canManage ? matrix(actor, grantsOf(form), say) : [],
        labels: Object.fromEntries(registry.list().map((p) => [p.code, say(p.label)])),
        ...locals,
      },
      status,
    );
  }

  async function renderEdit(ctx: Context, actor: TeamActor, role: RoleView, locals: FormLocals = {}, status = 200) {
    const form = locals.form ?? {
      name: role.name,
      permissions: role.permissions.filter((g) => !g.endsWith("*")),
      wildcards: role.permissions.filter((g) => g.endsWith("*")).join("\n"),
    };
    const say = pages.say(ctx, "role-edit");
    return pages.render(
      ctx,
      "role-edit",
      actor,
      {
        title: say("team.title.role", { team: actor.team.name, role: roleNameIn(say)(role) }),
        teamSection: "roles",
        role,
        form,
        tabs: matrix(actor, grantsOf(form), say),
        ...locals,
      },
      status,
    );
  }

  /** the role in the URL, for someone who may manage roles; Owner is shown read-only */
  async function editable(ctx: Context, actor: TeamActor): Promise<RoleView> {
    if (!services.teamRoles.may(actor, TEAM_PERMISSIONS.roles)) return pages.refuse(forbidden("team.refusal.manageRoles"));
    const roleId = String(ctx.params.roleId ?? "");
    const role = UUID.test(roleId) ? (await rolesOrRefuse(actor)).find((r) => r.id === roleId) : undefined;
    if (!role) return pages.refuse({ outcome: "not_found" });
    return role;
  }

  router.get("/account/teams/:slug/roles", pages.requireAccount, async (ctx) => renderList(ctx, await pages.actor(ctx)));

  const forms = defineForms(router, app, body);
  const team = teamForm(pages);
  /** the role in the URL, checked after CSRF */
  const load = (ctx: Context, { scope }: { scope: TeamActor }) => editable(ctx, scope);

  forms.post({
    path: "/account/teams/:slug/roles",
    ...team,
    body: roleForm,
    async handle(ctx, { scope: actor, body: form }) {
      const result = await services.teamRoles.create(
        actor.team.id,
        actor.userId,
        { name: form.name, permissions: grantsOf(form) },
        pages.requestInfo(ctx),
      );
      if (result.outcome === "not_found") return pages.refuse(result);
      if (result.outcome === "forbidden" && !services.teamRoles.may(actor, TEAM_PERMISSIONS.roles)) return pages.refuse(result);
      if (result.outcome !== "created")
        return renderList(
          ctx,
          actor,
          { error: result, field: result.outcome === "invalid" ? result.field : "permissions", form },
          result.outcome === "invalid" ? 400 : 403,
        );
      return renderList(ctx, actor, { notice: pages.say(ctx, "roles")("team.roles.created", { role: result.role.name }) });
    },
  });

  router.get("/account/teams/:slug/roles/:roleId", pages.requireAccount, async (ctx) => {
    const actor = await pages.actor(ctx);
    return renderEdit(ctx, actor, await editable(ctx, actor));
  });

  forms.post({
    path: "/account/teams/:slug/roles/:roleId",
    ...team,
    load,
    body: roleForm,
    async handle(ctx, { scope: actor, loaded: role, body: form }) {
      const result = await services.teamRoles.update(
        actor.team.id,
        actor.userId,
        role.id,
        { name: form.name, permissions: grantsOf(form) },
        pages.requestInfo(ctx),
      );
      if (result.outcome === "not_found") return pages.refuse(result);
      if (result.outcome !== "updated")
        return renderEdit(
          ctx,
          actor,
          role,
          { error: result, field: result.outcome === "invalid" ? result.field : "permissions", form },
          result.outcome === "invalid" ? 400 : 403,
        );
      const say = pages.say(ctx, "roles");
      return renderList(ctx, actor, { notice: say("team.roles.saved", { role: roleNameIn(say)(result.role) }) });
    },
  });

  forms.post({
    path: "/account/teams/:slug/roles/:roleId/delete",
    ...team,
    load,
    body: confirmBody,
    async handle(ctx, { scope: actor, loaded: role, body: { confirm } }) {
      if (role.key !== OWNER_ROLE && !role.builtIn && role.memberCount === 0 && !confirm) {
        const say = pages.say(ctx, "confirm");
        return pages.confirm(ctx, actor, {
          title: say("team.roles.deleteTitle"),
          message: say("team.roles.deleteQuestion", { role: role.name }),
          action: `/account/teams/${actor.team.slug}/roles/${role.id}/delete`,
          button: say("team.roles.deleteButton", { role: role.name }),
          back: `/account/teams/${actor.team.slug}/roles/${role.id}`,
        });
      }
      const result = await services.teamRoles.remove(actor.team.id, actor.userId, role.id, pages.requestInfo(ctx));
      if (result.outcome === "not_found") return pages.refuse(result);
      if (result.outcome !== "deleted") return renderEdit(ctx, actor, role, { error: result }, result.outcome === "invalid" ? 400 : 403);
      return renderList(ctx, actor, { notice: pages.say(ctx, "roles")("team.roles.deleted", { role: role.name }) });
    },
  });
}
