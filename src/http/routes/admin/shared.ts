// What the admin area's screens share: its sections (each guarded by a core permission of the signed-in user's
// system role), the guard, and rendering an admin page with the nav of the sections this admin may open.
import type { Context, Next } from "koa";
import type { AppContext } from "../../web-context.ts";
import type { AccountSession } from "../../account-session.ts";
import { catalogueError } from "../../errors.ts";
import { ADMIN_PERMISSIONS } from "../../../authz/core-permissions.ts";
import { pageLanguage, saidTexts } from "../../locale.ts";

/** the admin area's sections, in nav order, and the permission each needs; `label` is a message key (lib/i18n/en-admin.ts) */
export const ADMIN_SECTIONS = [
  { key: "dashboard", label: "admin.section.dashboard", path: "/admin/dashboard", permission: ADMIN_PERMISSIONS.auditRead },
  { key: "users", label: "admin.section.users", path: "/admin/users", permission: ADMIN_PERMISSIONS.usersRead },
  { key: "teams", label: "admin.section.teams", path: "/admin/teams", permission: ADMIN_PERMISSIONS.teamsManage },
  { key: "roles", label: "admin.section.roles", path: "/admin/roles", permission: ADMIN_PERMISSIONS.rolesManage },
  { key: "clients", label: "admin.section.clients", path: "/admin/clients", permission: ADMIN_PERMISSIONS.clientsManage },
  { key: "connectors", label: "admin.section.connectors", path: "/admin/connectors", permission: ADMIN_PERMISSIONS.connectorsManage },
  { key: "keys", label: "admin.section.keys", path: "/admin/keys", permission: ADMIN_PERMISSIONS.keysManage },
  { key: "audit", label: "admin.section.audit", path: "/admin/audit", permission: ADMIN_PERMISSIONS.auditRead },
  { key: "outbox", label: "admin.section.outbox", path: "/admin/outbox", permission: ADMIN_PERMISSIONS.outboxManage },
  { key: "webhooks", label: "admin.section.webhooks", path: "/admin/webhooks", permission: ADMIN_PERMISSIONS.webhooksManage },
  { key: "branding", label: "admin.section.branding", path: "/admin/branding", permission: ADMIN_PERMISSIONS.brandingManage },
] as const;
export type AdminSection = (typeof ADMIN_SECTIONS)[number]["key"];

/** whether `user` may open any section of the admin area (the header's Admin link, the landing page after /login) */
export async function isAdministrator(app: AppContext, user: { systemRole: string | null; disabled?: boolean }): Promise<boolean> {
  if (!user.systemRole) return false;
  for (const s of ADMIN_SECTIONS) if (await app.services.systemRoles.canAdmin(user, s.permission)) return true;
  return false;
}

/**
 * Admin › section › page in the page's words (`say`: a message key or an English text the catalogue has, in the
 * page's language): the page's own crumb (its title, already said) only when it is not the section's name
 */
export function breadcrumbs(
  section: AdminSection,
  title: string | null,
  say: (text: string) => string = (text) => text,
): { label: string; href: string }[] {
  const s = ADMIN_SECTIONS.find((x) => x.key === section)!;
  const crumbs = [
    { label: say("admin.crumb.admin"), href: "/admin" },
    { label: say(s.label), href: s.path },
  ];
  return title && title !== crumbs[1]!.label ? [...crumbs, { label: title, href: "" }] : crumbs;
}

export type AdminRouteHelpers = {
  /** route middleware: the signed-in user (else /login and back) whose system role has `permission` (else 403) */
  requireAdmin(permission: string): (ctx: Context, next: Next) => Promise<void>;
  /** the admin behind this request (after requireAdmin) */
  admin(ctx: Context): AccountSession;
  /** whether the admin of this request also has `permission` (to show or hide an action) */
  can(ctx: Context, permission: string): Promise<boolean>;
  /** views/pages/admin/<page> with the admin nav (`section` marks the current one); never cached */
  render(ctx: Context, page: string, locals: Record<string, unknown> & { section: AdminSection }, status?: number): Promise<void>;
  /** for the audit record of an admin's action: who acted and from where */
  actor(ctx: Context): { actorId: string; ip: string; userAgent: string | null };
};

export function createAdminHelpers(app: AppContext, requireAccount: (ctx: Context, next: Next) => Promise<void>): AdminRouteHelpers {
  const { systemRoles } = app.services;
  const admin = (ctx: Context) => ctx.state.account as AccountSession;
  const can = (ctx: Context, permission: string) => systemRoles.canAdmin(admin(ctx).user, permission);

  return {
    requireAdmin: (permission) => async (ctx, next) =>
      requireAccount(ctx, async () => {
        if (!(await can(ctx, permission))) {
          throw catalogueError("admin.forbidden", { startOverUrl: "/account" });
        }
        await next();
      }),
    admin,
    can,
    async render(ctx, page, locals, status = 200) {
      const allowed = await Promise.all(ADMIN_SECTIONS.map((s) => can(ctx, s.permission)));
      ctx.status = status;
      ctx.set("Cache-Control", "no-store");
      ctx.type = "html";
      // a translated page (http/locale.ts's TRANSLATED_PAGES, "admin/<page>") gets its language, the admin's time
      // zone, and its title, error and notice (a message key or a fixed English text) in that language; the others
      // say the same keys in English. The sidebar's sections and the breadcrumbs are in the page's words too
      const { locals: language, say } = pageLanguage(ctx, `admin/${page}`, app.config.defaultLocale);
      const texts = saidTexts(locals, say);
      ctx.body = await app.views.render(`pages/admin/${page}`, {
        user: admin(ctx).user,
        adminLink: true,
        adminSections: ADMIN_SECTIONS.filter((_, i) => allowed[i]).map((s) => ({ ...s, label: say(s.label) })),
        breadcrumbs: breadcrumbs(locals.section, typeof texts.title === "string" ? texts.title : null, say),
        ...language,
        ...locals,
        ...texts,
      });
    },
    actor: (ctx) => ({ actorId: admin(ctx).user.id, ip: ctx.ip, userAgent: ctx.get("user-agent") || null }),
  };
}
