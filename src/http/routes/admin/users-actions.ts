// The admin user actions: POST /admin/users/:id/<action> (gatehouse.admin.users.manage, CSRF on every one;
// changing the system role needs gatehouse.admin.roles.manage too). Destructive ones (disable, reset 2FA, sign
// out everywhere, change the system role) answer the first POST with a confirmation page and act on the
// confirmed second one. A done action redirects (303) to the user's page with a fixed notice code (so a reload
// repeats nothing); a refusal renders the user's page with the service's message at its status.
// The service audits every action with the acting admin (h.actor) and via "admin_page". The confirmation pages' texts are said in the
// page's language (lib/i18n/en-admin.ts); a refusal's catalogue text is translated by the page render.
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import { z } from "zod";
import { defineForms, formField, stringOr } from "../../forms.ts";
import { catalogueError } from "../../errors.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { notFound, USERS_CSRF, type UserNotice, type UserPages } from "./users-view.ts";
import { ADMIN_PERMISSIONS } from "../../../authz/core-permissions.ts";
import { CATALOGUE, type ErrorCode } from "../../../lib/error-catalogue.ts";
import { refusalCode } from "../../../services/user-admin-types.ts";
import { adminDeletionRefusal } from "../../../services/account-deletion.ts";
import { sayFor, type Say } from "./config-words.ts";
import type { Said } from "../../../lib/i18n/refusal.ts";

/** the refusal of a role that is not one of the system roles (a message key: the page says it) */
const CHOOSE_ROLE = "admin.user.chooseRole";

/** `to`: where a done action goes instead of the user's page (a deleted user has none) */
type Outcome = { done: UserNotice; n?: number; to?: string } | { error: string | Said; status: number };
type Target = { id: string; username: string; email: string };
/** the fields an action form may carry: the confirmation, a passkey, a system role (undefined: none sent, or sent twice) */
const actionBody = z.object({
  confirm: formField((v) => stringOr(v)),
  passkeyId: formField((v) => stringOr(v)),
  role: formField((v) => (typeof v === "string" ? v : undefined)),
});
type ActionForm = z.output<typeof actionBody>;
type Action = {
  /** the confirmation page's text and button, for destructive actions */
  confirm?: (
    user: Target,
    body: ActionForm,
    say: Say,
  ) => Promise<{ title: string; message: string; button: string; fields?: Record<string, string> } | Outcome>;
  run: (user: Target, body: ActionForm, ctx: Context) => Promise<Outcome>;
};

/** a refusal as the page shows it: the catalogue's words and status (lib/error-catalogue.ts) */
const refused = (code: ErrorCode) => ({ error: CATALOGUE[code].message, status: CATALOGUE[code].status });
/** the refusal of a user action's outcome, when it is one */
const refusalOf = (outcome: string) => {
  const code = refusalCode(outcome);
  return code ? refused(code) : null;
};

export function registerAdminUserActions(router: Router, app: AppContext, h: AdminRouteHelpers, pages: UserPages): void {
  const { services, csrf } = app;
  const ua = services.userAdmin;
  /** the acting admin on the admin pages (audited with via "admin_page") */
  const actor = (ctx: Context) => ({ ...h.actor(ctx), via: "admin_page" as const });

  /** the system role a form names ("" = none), or undefined when it is not one of the system roles */
  async function chosenRole(b: ActionForm): Promise<{ key: string | null; name: string } | undefined> {
    const value = b.role;
    if (value === "") return { key: null, name: "none" };
    const role = value ? (await services.systemRoles.list()).find((r) => r.key === value) : undefined;
    return role ? { key: role.key, name: role.name } : undefined;
  }

  const actions: Record<string, Action> = {
    disable: {
      confirm: async (u, _b, say) => ({
        title: say("admin.confirm.disable.title"),
        message: say("admin.confirm.disable.message", { username: u.username, email: u.email }),
        button: say("admin.confirm.disable.button", { username: u.username }),
      }),
      async run(u, _b, ctx) {
        const r = await ua.disable(u.id, actor(ctx));
        if (r.outcome !== "disabled") return refusalOf(r.outcome)!;
        return { done: r.changed ? "disabled" : "already_disabled", n: r.sessions };
      },
    },
    enable: {
      async run(u, _b, ctx) {
        const r = await ua.enable(u.id, actor(ctx));
        if (r.outcome !== "enabled") return refusalOf(r.outcome)!;
        return { done: r.changed ? "enabled" : "not_disabled" };
      },
    },
    unlock: {
      async run(u, _b, ctx) {
        const r = await ua.unlock(u.id, actor(ctx));
        if (r.outcome !== "unlocked") return refusalOf(r.outcome)!;
        return { done: r.wasLocked ? "unlocked" : "not_locked" };
      },
    },
    "reset-2fa": {
      confirm: async (u, _b, say) => ({
        title: say("admin.confirm.reset2fa.title"),
        message: say("admin.confirm.reset2fa.message", { username: u.username, email: u.email }),
        button: say("admin.confirm.reset2fa.title"),
      }),
      async run(u, _b, ctx) {
        const r = await ua.resetTwoFactor(u.id, actor(ctx));
        if (r.outcome !== "reset") return refusalOf(r.outcome)!;
        return { done: r.wasEnabled ? "two_factor_reset" : "no_two_factor" };
      },
    },
    "sign-out": {
      confirm: async (u, _b, say) => ({
        title: say("admin.confirm.signOut.title"),
        message: say("admin.confirm.signOut.message", { username: u.username, email: u.email }),
        button: say("admin.confirm.signOut.title"),
      }),
      async run(u, _b, ctx) {
        const r = await ua.signOutEverywhere(u.id, actor(ctx));
        if (r.outcome !== "signed_out") return refusalOf(r.outcome)!;
        return { done: "signed_out", n: r.sessions };
      },
    },
    "password-reset": {
      async run(u, _b, ctx) {
        const r = await ua.sendPasswordReset(u.id, actor(ctx), { beforeSend: (key) => app.rateLimits.resetPerIdentifier.consume(key) });
        if (r.outcome === "not_found") return refused("user.not_found");
        if (r.outcome === "disabled") return refused("user.disabled");
        return { done: "reset_sent" };
      },
    },
    delete: {
      confirm: async (u, _b, say) => ({
        title: say("admin.confirm.delete.title"),
        message: say("admin.confirm.delete.message", { username: u.username, email: u.email }),
        button: say("admin.confirm.delete.button", { username: u.username }),
      }),
      async run(u, _b, ctx) {
        const r = await services.accountDeletion.deleteUser(u.id, actor(ctx));
        if (r.outcome !== "deleted")
          return { error: CATALOGUE[adminDeletionRefusal(r.outcome)!].message, status: CATALOGUE[adminDeletionRefusal(r.outcome)!].status };
        return { done: "deleted", to: "/admin/users" };
      },
    },
    "remove-passkey": {
      async confirm(u, b, say) {
        const passkeyId = b.passkeyId;
        const details = await ua.passkeys(u.id);
        const key = details.outcome === "ok" ? details.passkeys.find((p) => p.id === passkeyId) : undefined;
        if (!key) return refused("passkey.not_found");
        return {
          title: say("admin.confirm.passkey.title"),
          message: say("admin.confirm.passkey.message", { name: key.name, username: u.username, email: u.email }),
          button: say("admin.confirm.passkey.button"),
          fields: { passkeyId },
        };
      },
      async run(u, b, ctx) {
        const r = await ua.removePasskey(u.id, b.passkeyId, actor(ctx));
        if (r.outcome === "passkey_not_found") return refused("passkey.not_found");
        if (r.outcome !== "removed") return refusalOf(r.outcome)!;
        return { done: "passkey_removed" };
      },
    },
    role: {
      async confirm(u, b, say) {
        const role = await chosenRole(b);
        if (!role) return { error: CHOOSE_ROLE, status: 400 };
        const vars = { username: u.username, email: u.email, role: role.name };
        return {
          title: say("admin.confirm.role.title"),
          message: say(role.key ? "admin.confirm.role.message" : "admin.confirm.role.removeMessage", vars),
          button: say(role.key ? "admin.confirm.role.button" : "admin.confirm.role.removeButton", vars),
          fields: { role: role.key ?? "" },
        };
      },
      async run(u, b, ctx) {
        const role = await chosenRole(b);
        if (!role) return { error: CHOOSE_ROLE, status: 400 };
        const r = await ua.setSystemRole(u.id, role.key, actor(ctx));
        if (r.outcome === "not_found") return refused("user.not_found");
        if (r.outcome === "unknown_role") return { error: CHOOSE_ROLE, status: 400 };
        if (r.outcome === "last_super_admin") return refused("user.last_super_admin");
        if (r.outcome === "forbidden") return { error: { key: r.key, values: r.values }, status: 403 };
        return { done: role.key ? "role_changed" : "role_removed" };
      },
    },
  };

  /** after the CSRF check: the action in the URL (404), the roles permission for "role" (403), the user (404) */
  async function load(ctx: Context): Promise<{ name: string; action: Action; user: Target }> {
    const name = String(ctx.params.action ?? "");
    const action = Object.hasOwn(actions, name) ? actions[name]! : undefined;
    if (!action) throw catalogueError("admin.no_such_action", { startOverUrl: "/admin/users" });
    if (name === "role" && !(await h.can(ctx, ADMIN_PERMISSIONS.rolesManage)))
      throw catalogueError("admin.forbidden#roles", { startOverUrl: "/admin/users" });
    const id = String(ctx.params.id ?? "");
    const user = await ua.find(id);
    if (!user || user.id !== id.toLowerCase()) throw notFound();
    return { name, action, user };
  }

  defineForms(router, app).post({
    path: "/admin/users/:id/:action",
    guard: h.requireAdmin(ADMIN_PERMISSIONS.usersManage),
    csrf: USERS_CSRF,
    load,
    body: actionBody,
    handle: (ctx, { loaded, body }) => act(ctx, loaded, body),
  });

  async function act(ctx: Context, { name, action, user }: { name: string; action: Action; user: Target }, b: ActionForm): Promise<void> {
    let outcome: Outcome;
    if (action.confirm && b.confirm !== "yes") {
      const c = await action.confirm(user, b, sayFor(ctx, "users-confirm", app.config.defaultLocale));
      if ("title" in c) {
        return h.render(ctx, "users-confirm", {
          section: "users",
          title: c.title,
          confirm: { ...c, action: `/admin/users/${user.id}/${name}`, back: `/admin/users/${user.id}` },
          csrfToken: csrf.token(ctx, USERS_CSRF),
        });
      }
      outcome = c;
    } else {
      outcome = await action.run(user, b, ctx);
    }
    if ("done" in outcome) {
      ctx.status = 303;
      return ctx.redirect(
        `${outcome.to ?? `/admin/users/${user.id}`}?done=${outcome.done}${outcome.n === undefined ? "" : `&n=${outcome.n}`}`,
      );
    }
    if (outcome.status === 404) throw notFound();
    return pages.renderUser(ctx, user.id, { error: outcome.error }, outcome.status);
  }
}
