// /admin/users: the provider admins' user screens. The list (search by part of the email or username, filter by
// team slug, newest first, cursor pages) and one user's page (profile, teams and roles, 2FA, live sessions,
// trusted devices, lock, recent audit events) need gatehouse.admin.users.read; the actions (users-actions.ts)
// need gatehouse.admin.users.manage. Everything goes through services.userAdmin, audited with the acting admin.
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { registerAdminUserActions } from "./users-actions.ts";
import { notFound, USERS_CSRF, userDetailsView, userNoticeOf, stamp, type UserPages } from "./users-view.ts";
import { ADMIN_PERMISSIONS } from "../../../authz/core-permissions.ts";
import { sortHeaders, sortOf, type SortSpec } from "./sorting.ts";
import { sayFor } from "./config-words.ts";
import type { UserSortColumn } from "../../../services/user-list.ts";

const PAGE_SIZE = 25;

const queryValue = (ctx: Context, name: string) => {
  const v = ctx.query[name];
  return (Array.isArray(v) ? v[0] : v)?.trim() ?? "";
};

/** the users table's sortable columns (a whitelist: queries/admin-lists.ts USER_SORT; labels are message keys); newest first by default */
const USERS_SORT: SortSpec<unknown> = {
  columns: {
    username: { label: "admin.col.username" },
    email: { label: "admin.col.email" },
    verified: { label: "admin.col.verified" },
    twoFactor: { label: "admin.col.twoFactor" },
    disabled: { label: "admin.col.disabled" },
    systemRole: { label: "admin.col.systemRole" },
    created: { label: "admin.col.created" },
  } satisfies Record<UserSortColumn, { label: string }>,
  default: { col: "created", dir: "desc" },
};

export function registerAdminUserRoutes(router: Router, app: AppContext, h: AdminRouteHelpers): void {
  const { services, csrf } = app;
  /** the acting admin on the admin pages (audited with via "admin_page") */
  const actor = (ctx: Context) => ({ ...h.actor(ctx), via: "admin_page" as const });

  router.get("/admin/users", h.requireAdmin(ADMIN_PERMISSIONS.usersRead), async (ctx) => {
    const q = queryValue(ctx, "q").slice(0, 300);
    const team = queryValue(ctx, "team").slice(0, 100);
    const cursor = queryValue(ctx, "cursor");
    const filter = { q, team };
    const say = sayFor(ctx, "users", app.config.defaultLocale);
    const render = (locals: Record<string, unknown>, status = 200) =>
      h.render(
        ctx,
        "users",
        {
          section: "users",
          title: "admin.section.users",
          filter,
          users: [],
          nextUrl: null,
          notice: ctx.query.done === "deleted" ? "admin.notice.user.deleted" : undefined,
          ...locals,
        },
        status,
      );

    let teamId: string | undefined;
    if (team) {
      const found = await services.userAdmin.teamBySlug(team);
      if (!found) return render({ error: say("admin.users.noTeam", { slug: team }), errorField: "team" }, 400);
      teamId = found.id;
    }
    // a column header chose the order (sorting.ts; the database sorts, queries/admin-lists.ts); else newest first
    const sort = sortOf(ctx, USERS_SORT);
    const chosen = Object.hasOwn(USERS_SORT.columns, queryValue(ctx, "sort")) ? { sort: String(sort.col), dir: sort.dir } : null;
    const search = { query: q || undefined, teamId, cursor: cursor || undefined, limit: PAGE_SIZE };
    const result = chosen
      ? await services.userList.search({ ...search, sort: { col: chosen.sort as UserSortColumn, dir: chosen.dir } }, actor(ctx))
      : await services.userAdmin.search(search, actor(ctx));
    if (result.outcome !== "ok") return render({ error: result.message, errorField: result.field === "query" ? "q" : result.field }, 400);

    const next = result.nextCursor
      ? new URLSearchParams({ ...(q ? { q } : {}), ...(team ? { team } : {}), ...(chosen ?? {}), cursor: result.nextCursor })
      : null;
    return render({
      headers: sortHeaders(ctx, USERS_SORT, sort, "/admin/users", say),
      sortChosen: chosen,
      paged: Boolean(cursor),
      nextUrl: next ? `/admin/users?${next.toString()}` : null,
      firstUrl: `/admin/users${q || team || chosen ? `?${new URLSearchParams({ ...(q ? { q } : {}), ...(team ? { team } : {}), ...(chosen ?? {}) }).toString()}` : ""}`,
      users: result.users.map((u) => ({
        id: u.id,
        username: u.username,
        name: u.name,
        email: u.email,
        verified: u.emailVerified,
        twoFactor: u.totpEnabledAt !== null,
        disabled: u.disabled,
        systemRole: u.systemRole,
        created: stamp(u.createdAt),
      })),
    });
  });

  const pages: UserPages = {
    async renderUser(ctx, userId, locals = {}, status = 200) {
      const result = await services.userAdmin.view(userId, actor(ctx));
      if (result.outcome !== "ok") throw notFound();
      const [canManage, canRoles, canTeams, roles] = await Promise.all([
        h.can(ctx, ADMIN_PERMISSIONS.usersManage),
        h.can(ctx, ADMIN_PERMISSIONS.rolesManage),
        h.can(ctx, ADMIN_PERMISSIONS.teamsManage),
        services.systemRoles.list(),
      ]);
      const say = sayFor(ctx, "users-detail", app.config.defaultLocale);
      const view = await userDetailsView(app, result, say);
      return h.render(
        ctx,
        "users-detail",
        {
          section: "users",
          title: say("admin.user.title", { username: result.user.username }),
          ...view,
          isSelf: result.user.id === h.admin(ctx).user.id,
          canManage,
          canRoles: canManage && canRoles,
          canTeams,
          systemRoles: roles.map((r) => ({ key: r.key, name: r.name })),
          notice: userNoticeOf(
            ctx.query,
            { email: result.user.email, roleName: roles.find((r) => r.key === result.user.systemRole)?.name ?? null },
            say,
          ),
          csrfToken: canManage ? csrf.token(ctx, USERS_CSRF) : "",
          ...locals,
        },
        status,
      );
    },
  };

  router.get("/admin/users/:id", h.requireAdmin(ADMIN_PERMISSIONS.usersRead), (ctx) => pages.renderUser(ctx, String(ctx.params.id ?? "")));

  registerAdminUserActions(router, app, h, pages);
}
