// The admin user actions: POST /admin/users/:id/<action> (gatehouse.admin.users.manage, CSRF on every one;
// changing the system role needs gatehouse.admin.roles.manage too). Destructive ones (disable, reset 2FA, sign
// out everywhere, change the system role) answer the first POST with a confirmation page and act on the
// confirmed second one. A done action redirects (303) to the user's page with a fixed notice code (so a reload
// repeats nothing); a refusal renders the user's page with the service's message at its status.
// The service audits every action with the acting admin (h.actor).
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import { parseBody } from "../../body.ts";
import { AppError } from "../../errors.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { notFound, USERS_CSRF, type UserNotice, type UserPages } from "./users-view.ts";
import { ADMIN_PERMISSIONS } from "../../../authz/core-permissions.ts";
import { CATALOGUE, type ErrorCode } from "../../../lib/error-catalogue.ts";
import { refusalCode } from "../../../services/user-admin.ts";
import { adminDeletionRefusal } from "../../../services/account-deletion.ts";

/** `to`: where a done action goes instead of the user's page (a deleted user has none) */
type Outcome = { done: UserNotice; n?: number; to?: string } | { error: string; status: number };
type Target = { id: string; username: string; email: string };
type Action = {
  /** the confirmation page's text and button, for destructive actions */
  confirm?: (user: Target, body: Record<string, unknown>) => Promise<{ title: string; message: string; button: string; fields?: Record<string, string> } | Outcome>;
  run: (user: Target, body: Record<string, unknown>, ctx: Context) => Promise<Outcome>;
};

/** a refusal as the page shows it: the catalogue's words and status (lib/error-catalogue.ts) */
const refused = (code: ErrorCode) => ({ error: CATALOGUE[code].message, status: CATALOGUE[code].status });
/** the refusal of a user action's outcome, when it is one */
const refusalOf = (outcome: string) => { const code = refusalCode(outcome); return code ? refused(code) : null; };

export function registerAdminUserActions(router: Router, app: AppContext, h: AdminRouteHelpers, pages: UserPages): void {
  const { services, csrf } = app;
  const ua = services.userAdmin;
  const body = parseBody(app.config.bodyLimit);
  const submitted = (ctx: Context) => (ctx.request.body as Record<string, unknown> | undefined) ?? {};

  /** the system role a form names ("" = none), or undefined when it is not one of the system roles */
  async function chosenRole(b: Record<string, unknown>): Promise<{ key: string | null; name: string } | undefined> {
    const value = typeof b.role === "string" ? b.role : undefined;
    if (value === "") return { key: null, name: "none" };
    const role = value ? (await services.systemRoles.list()).find((r) => r.key === value) : undefined;
    return role ? { key: role.key, name: role.name } : undefined;
  }

  const actions: Record<string, Action> = {
    disable: {
      confirm: async (u) => ({
        title: "Disable a user",
        message: `Disable ${u.username} (${u.email})? They can no longer sign in; every session ends and every token is revoked. You can enable them again later.`,
        button: `Disable ${u.username}`,
      }),
      async run(u, _b, ctx) {
        const r = await ua.disable(u.id, h.actor(ctx));
        if (r.outcome !== "disabled") return refusalOf(r.outcome)!;
        return { done: r.changed ? "disabled" : "already_disabled", n: r.sessions };
      },
    },
    enable: {
      async run(u, _b, ctx) {
        const r = await ua.enable(u.id, h.actor(ctx));
        if (r.outcome !== "enabled") return refusalOf(r.outcome)!;
        return { done: r.changed ? "enabled" : "not_disabled" };
      },
    },
    unlock: {
      async run(u, _b, ctx) {
        const r = await ua.unlock(u.id, h.actor(ctx));
        if (r.outcome !== "unlocked") return refusalOf(r.outcome)!;
        return { done: r.wasLocked ? "unlocked" : "not_locked" };
      },
    },
    "reset-2fa": {
      confirm: async (u) => ({
        title: "Reset two-factor authentication",
        message: `Turn off two-factor authentication for ${u.username} (${u.email}) and delete their backup codes? Their password alone signs them in until they set it up again. They are told by email.`,
        button: "Reset two-factor authentication",
      }),
      async run(u, _b, ctx) {
        const r = await ua.resetTwoFactor(u.id, h.actor(ctx));
        if (r.outcome !== "reset") return refusalOf(r.outcome)!;
        return { done: r.wasEnabled ? "two_factor_reset" : "no_two_factor" };
      },
    },
    "sign-out": {
      confirm: async (u) => ({
        title: "Sign out everywhere",
        message: `End every session of ${u.username} (${u.email}) and revoke every token? Applications they signed in to are told. The account stays usable.`,
        button: "Sign out everywhere",
      }),
      async run(u, _b, ctx) {
        const r = await ua.signOutEverywhere(u.id, h.actor(ctx));
        if (r.outcome !== "signed_out") return refusalOf(r.outcome)!;
        return { done: "signed_out", n: r.sessions };
      },
    },
    "password-reset": {
      async run(u, _b, ctx) {
        const r = await ua.sendPasswordReset(u.id, h.actor(ctx), { beforeSend: (key) => app.rateLimits.resetPerIdentifier.consume(key) });
        if (r.outcome === "not_found") return refused("user.not_found");
        if (r.outcome === "disabled") return refused("user.disabled");
        return { done: "reset_sent" };
      },
    },
    delete: {
      confirm: async (u) => ({
        title: "Delete a user",
        message: `Delete ${u.username} (${u.email}) for good? Every session ends, every token is revoked, teams where they are the only member are deleted, and the audit log keeps their events under a pseudonym. This cannot be undone. They are told by email.`,
        button: `Delete ${u.username}`,
      }),
      async run(u, _b, ctx) {
        const r = await services.accountDeletion.deleteUser(u.id, { ...h.actor(ctx), via: "admin_page" });
        if (r.outcome !== "deleted") return { error: CATALOGUE[adminDeletionRefusal(r.outcome)!].message, status: CATALOGUE[adminDeletionRefusal(r.outcome)!].status };
        return { done: "deleted", to: "/admin/users" };
      },
    },
    "remove-passkey": {
      async confirm(u, b) {
        const passkeyId = typeof b.passkeyId === "string" ? b.passkeyId : "";
        const details = await ua.passkeys(u.id);
        const key = details.outcome === "ok" ? details.passkeys.find((p) => p.id === passkeyId) : undefined;
        if (!key) return refused("passkey.not_found");
        return {
          title: "Remove a passkey",
          message: `Remove the passkey "${key.name}" of ${u.username} (${u.email})? It no longer signs them in. They are told by email.`,
          button: "Remove the passkey",
          fields: { passkeyId },
        };
      },
      async run(u, b, ctx) {
        const r = await ua.removePasskey(u.id, typeof b.passkeyId === "string" ? b.passkeyId : "", h.actor(ctx), "admin_page");
        if (r.outcome === "passkey_not_found") return refused("passkey.not_found");
        if (r.outcome !== "removed") return refusalOf(r.outcome)!;
        return { done: "passkey_removed" };
      },
    },
    role: {
      async confirm(u, b) {
        const role = await chosenRole(b);
        if (!role) return { error: "Choose one of the system roles, or none.", status: 400 };
        return {
          title: "Change the system role",
          message: role.key
            ? `Give ${u.username} (${u.email}) the system role ${role.name}? It decides what they may do in the admin area.`
            : `Take the system role away from ${u.username} (${u.email})? They lose access to the admin area.`,
          button: role.key ? `Make ${u.username} ${role.name}` : "Remove the system role",
          fields: { role: role.key ?? "" },
        };
      },
      async run(u, b, ctx) {
        const role = await chosenRole(b);
        if (!role) return { error: "Choose one of the system roles, or none.", status: 400 };
        const r = await ua.setSystemRole(u.id, role.key, h.actor(ctx));
        if (r.outcome === "not_found") return refused("user.not_found");
        if (r.outcome === "unknown_role") return { error: "Choose one of the system roles, or none.", status: 400 };
        if (r.outcome === "last_super_admin") return refused("user.last_super_admin");
        if (r.outcome === "forbidden") return { error: r.message, status: 403 };
        return { done: role.key ? "role_changed" : "role_removed" };
      },
    },
  };

  router.post("/admin/users/:id/:action", h.requireAdmin(ADMIN_PERMISSIONS.usersManage), body, async (ctx) => {
    const b = submitted(ctx);
    csrf.verify(ctx, USERS_CSRF, b._csrf);
    const name = String(ctx.params.action ?? "");
    const action = Object.hasOwn(actions, name) ? actions[name]! : undefined;
    if (!action) throw new AppError("admin.no_such_action", 404, "There is no such action.", { startOverUrl: "/admin/users" });
    if (name === "role" && !(await h.can(ctx, ADMIN_PERMISSIONS.rolesManage))) {
      throw new AppError("admin.forbidden", 403, "Changing a system role needs the permission to manage roles.", { startOverUrl: "/admin/users" });
    }
    const id = String(ctx.params.id ?? "");
    const user = await ua.find(id);
    if (!user || user.id !== id.toLowerCase()) throw notFound();

    let outcome: Outcome;
    if (action.confirm && b.confirm !== "yes") {
      const c = await action.confirm(user, b);
      if ("title" in c) {
        return h.render(ctx, "users-confirm", {
          section: "users", title: c.title,
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
      return ctx.redirect(`${outcome.to ?? `/admin/users/${user.id}`}?done=${outcome.done}${outcome.n === undefined ? "" : `&n=${outcome.n}`}`);
    }
    if (outcome.status === 404) throw notFound();
    return pages.renderUser(ctx, user.id, { error: outcome.error }, outcome.status);
  });
}
