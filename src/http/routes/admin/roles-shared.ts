// What the admin Roles screens share (roles-system.ts, roles-team.ts): their permissions and CSRF binding, the
// role form as submitted (name, ticked codes, wildcard grants), the permission matrix's view model (the codes
// on offer grouped by the registry's tabs, ticked when a grant covers them), the fixed notices shown after a
// redirect (`?done=<code>`: only a code from these lists, never text from the URL) and the 404.
import type { Context } from "koa";
import type { RegisteredPermission } from "../../../authz/registry.ts";
import { grantCovers } from "../../../authz/wildcards.ts";
import { catalogueError, type AppError } from "../../errors.ts";
import { listOf } from "../teams/shared.ts";
import type { Say } from "./config-words.ts";

/** one CSRF binding for every form on the roles screens */
export const ROLES_CSRF = "admin-roles";
export const ADMIN_PREFIX = "gatehouse.admin.";

export type RoleForm = { key: string; name: string; permissions: string[]; wildcards: string };
/** field -> message for a refused form */
export type FieldErrors = Partial<Record<"key" | "name" | "permissions", string>>;
export type MatrixTab = { tab: string; permissions: { code: string; label: string; checked: boolean }[] };

export const emptyForm = (): RoleForm => ({ key: "", name: "", permissions: [], wildcards: "" });

/** the role form as posted (lengths capped before any validation; the services validate) */
export function formOf(body: Record<string, unknown>): RoleForm {
  const text = (v: unknown, max: number) => (typeof v === "string" ? v.slice(0, max) : "");
  return {
    key: text(body.key, 100).trim(),
    name: text(body.name, 200),
    permissions: listOf(body.permissions).slice(0, 1000),
    wildcards: text(body.wildcards, 5000),
  };
}

/** a saved role's grants as the form shows them: codes ticked, wildcards in the textarea */
export function formFromGrants(name: string, grants: readonly string[], key = ""): RoleForm {
  return { key, name, permissions: grants.filter((g) => !g.endsWith("*")), wildcards: grants.filter((g) => g.endsWith("*")).join("\n") };
}

/** every grant the form names: the ticked codes and the wildcard lines */
export const grantsOf = (form: RoleForm): string[] =>
  [...form.permissions, ...form.wildcards.split(/[\s,]+/)].map((g) => g.trim()).filter(Boolean);

const unsaid: Say = (text) => text;

/**
 * the matrix: `tabs` as offered, each code ticked when one of the form's grants covers it; tab names and labels
 * said in the page's language (the core permissions' are in the catalogues; a client's own stay as registered)
 */
export function matrixOf(
  tabs: readonly { tab: string; permissions: readonly RegisteredPermission[] }[],
  form: RoleForm,
  say: Say = unsaid,
): MatrixTab[] {
  const grants = grantsOf(form);
  return tabs
    .map(({ tab, permissions }) => ({
      tab: say(tab),
      permissions: permissions.map((p) => ({
        code: p.code,
        label: say(p.label),
        checked: grants.some((g) => g !== "*" && grantCovers(g, p.code)),
      })),
    }))
    .filter((t) => t.permissions.length);
}

const NOTICES = {
  system: {
    created: "System role created.",
    saved: "System role saved.",
    mfa_on: "Holders of this role must now have a second factor.",
    mfa_off: "This role no longer requires a second factor.",
  },
  team: { created: "Role created.", saved: "Role saved.", deleted: "Role deleted." },
} as const;

/** the fixed notice a redirect asked for with ?done=<code>, if it is one of `kind`'s */
export function noticeOf(ctx: Context, kind: keyof typeof NOTICES): string | undefined {
  const done = ctx.query.done;
  const list: Record<string, string> = NOTICES[kind];
  return typeof done === "string" && Object.hasOwn(list, done) ? list[done] : undefined;
}

/** a redirect after a POST (303: the browser GETs the page) */
export function seeOther(ctx: Context, url: string): void {
  ctx.status = 303;
  ctx.redirect(url);
}

/** the 404 of a system role, a team or a team's role that is not there (code admin.role_not_found) */
export function notFound(what: "system_role" | "team" | "team_role", back: string): AppError {
  return catalogueError(`admin.role_not_found#${what}`, { startOverUrl: back });
}

/** the read-only matrix of roles × permissions: a row per permission on offer, grouped by tab; a cell per role */
export type PermissionGrid = {
  roles: { key: string; name: string; href: string | null }[];
  tabs: { tab: string; rows: { code: string; label: string; granted: boolean[] }[] }[];
};

export function permissionGrid(
  tabs: readonly { tab: string; permissions: readonly RegisteredPermission[] }[],
  roles: readonly { key: string; name: string; href: string | null; grants: readonly string[] }[],
  say: Say = unsaid,
): PermissionGrid {
  return {
    roles: roles.map(({ key, name, href }) => ({ key, name, href })),
    tabs: tabs
      .map(({ tab, permissions }) => ({
        tab: say(tab),
        rows: permissions.map((p) => ({
          code: p.code,
          label: say(p.label),
          granted: roles.map((r) => r.grants.some((g) => grantCovers(g, p.code))),
        })),
      }))
      .filter((t) => t.rows.length),
  };
}
