// The admin Webhooks screen (gatehouse.admin.webhooks.manage): the endpoints (URL, event types, enabled or
// disabled and why, failures in a row), a form to register one (its secret shown once, on the page that follows),
// enable / disable, rotate the secret (the new one shown once; the old one signs too for 24 hours) and delete
// (confirmation page first). services.webhooks checks and audits with the admin (via "admin_page"); a refused field
// re-renders the form with the reason. Dead letters are on the Outbox screen.
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import { parseBody } from "../../body.ts";
import { AppError } from "../../errors.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { ADMIN_PERMISSIONS } from "../../../authz/core-permissions.ts";
import { WEBHOOK_EVENT_TYPES } from "../../../services/webhooks/catalogue.ts";
import type { WebhookEndpointView } from "../../../services/webhooks/endpoints.ts";
import { sortRows, type SortSpec } from "./sorting.ts";

const CSRF = "admin-webhooks";
const NOTICES = { enabled: "The endpoint is enabled.", disabled: "The endpoint is disabled; its waiting messages are dead letters on the Outbox screen.", deleted: "The endpoint was deleted." } as const;
type Notice = keyof typeof NOTICES;
const TYPES = Object.entries(WEBHOOK_EVENT_TYPES).map(([type, t]) => ({ type, description: t.description }));

const when = (d: Date) => `${d.toISOString().replace("T", " ").slice(0, 16)} UTC`;
const row = (e: WebhookEndpointView) => ({
  id: e.id, url: e.url, description: e.description, events: e.eventTypes.length ? e.eventTypes.join(", ") : "every event", enabled: e.enabled,
  state: e.enabled ? "Enabled" : e.disabledReason === "failures" ? "Disabled after repeated failures" : "Disabled", failures: e.failureCount, created: when(e.createdAt),
});
// the sortable columns (sorting.ts): a whitelist; by default the order they were registered in
const SORT: SortSpec<ReturnType<typeof row>> = {
  columns: { url: { label: "URL", key: (e) => e.url }, state: { label: "State", key: (e) => e.state }, failures: { label: "Failures in a row", key: (e) => e.failures }, created: { label: "Registered", key: (e) => e.created } },
  default: { col: null, dir: "asc" },
};
/** the form's checkboxes: one field name repeated, or absent */
const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : typeof value === "string" && value ? [value] : []);

export function registerAdminWebhookRoutes(router: Router, app: AppContext, h: AdminRouteHelpers): void {
  const { services, csrf } = app;
  const guard = h.requireAdmin(ADMIN_PERMISSIONS.webhooksManage);
  const actor = (ctx: Context) => ({ ...h.actor(ctx), via: "admin_page" as const });
  const body = (ctx: Context) => (ctx.request.body as Record<string, unknown> | undefined) ?? {};
  const done = (ctx: Context, notice: Notice) => { ctx.status = 303; ctx.redirect(`/admin/webhooks?notice=${notice}`); };
  const notFound = () => new AppError("webhook.not_found", 404, "There is no such webhook endpoint.", { startOverUrl: "/admin/webhooks" });
  const page = async (ctx: Context, extra: Record<string, unknown> = {}, status = 200) => {
    const notice = typeof ctx.query.notice === "string" && Object.hasOwn(NOTICES, ctx.query.notice) ? NOTICES[ctx.query.notice as Notice] : undefined;
    const { rows: endpoints, headers } = sortRows(ctx, (await services.webhooks.list()).map(row), SORT, "/admin/webhooks");
    return h.render(ctx, "webhooks", {
      section: "webhooks", title: "Webhooks", notice, csrfToken: csrf.token(ctx, CSRF), types: TYPES,
      endpoints, headers, form: { url: "", description: "", eventTypes: [] as string[] }, ...extra,
    }, status);
  };

  router.get("/admin/webhooks", guard, (ctx) => page(ctx));

  router.post("/admin/webhooks", guard, parseBody(app.config.bodyLimit), async (ctx) => {
    const b = body(ctx);
    csrf.verify(ctx, CSRF, b._csrf);
    const form = { url: String(b.url ?? ""), description: String(b.description ?? ""), eventTypes: list(b.eventTypes) };
    const made = await services.webhooks.create(form, actor(ctx));
    if (made.outcome === "invalid") return page(ctx, { form, error: made.message }, 400);
    return page(ctx, { secret: { endpoint: row(made.endpoint), value: made.secret } });
  });

  router.post("/admin/webhooks/:id/enable", guard, parseBody(app.config.bodyLimit), async (ctx) => {
    csrf.verify(ctx, CSRF, body(ctx)._csrf);
    if ((await services.webhooks.update(String(ctx.params.id), { enabled: true }, actor(ctx))).outcome !== "updated") throw notFound();
    done(ctx, "enabled");
  });

  router.post("/admin/webhooks/:id/disable", guard, parseBody(app.config.bodyLimit), async (ctx) => {
    csrf.verify(ctx, CSRF, body(ctx)._csrf);
    if ((await services.webhooks.update(String(ctx.params.id), { enabled: false }, actor(ctx))).outcome !== "updated") throw notFound();
    done(ctx, "disabled");
  });

  router.post("/admin/webhooks/:id/rotate-secret", guard, parseBody(app.config.bodyLimit), async (ctx) => {
    csrf.verify(ctx, CSRF, body(ctx)._csrf);
    const rotated = await services.webhooks.rotateSecret(String(ctx.params.id), actor(ctx));
    if (rotated.outcome !== "rotated") throw notFound();
    return page(ctx, { secret: { endpoint: row(rotated.endpoint), value: rotated.secret, rotated: true } });
  });

  // without confirm=yes: the confirmation page; with it: deleted
  router.post("/admin/webhooks/:id/delete", guard, parseBody(app.config.bodyLimit), async (ctx) => {
    csrf.verify(ctx, CSRF, body(ctx)._csrf);
    const id = String(ctx.params.id);
    if (body(ctx).confirm !== "yes") {
      const endpoint = await services.webhooks.find(id);
      if (!endpoint) throw notFound();
      return h.render(ctx, "confirm", {
        section: "webhooks", title: "Delete this webhook endpoint", csrfToken: csrf.token(ctx, CSRF),
        confirm: {
          title: "Delete this webhook endpoint", button: "Delete", action: `/admin/webhooks/${endpoint.id}/delete`, back: "/admin/webhooks",
          message: `Nothing more will be sent to ${endpoint.url}, and the messages waiting for it are dropped. Delete it?`,
        },
      });
    }
    if ((await services.webhooks.remove(id, actor(ctx))).outcome !== "deleted") throw notFound();
    done(ctx, "deleted");
  });
}
