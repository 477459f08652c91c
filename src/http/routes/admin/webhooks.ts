// The admin Webhooks screen (gatehouse.admin.webhooks.manage): the endpoints (URL, event types, enabled or
// disabled and why, failures in a row), a form to register one (its secret shown once, on the page that follows),
// enable / disable, rotate the secret (the new one shown once; the old one signs too for 24 hours) and delete
// (confirmation page first). services.webhooks checks and audits with the admin (via "admin_page"); a refused field
// re-renders the form with the reason. Dead letters are on the Outbox screen.
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import { z } from "zod";
import { defineForms, formField } from "../../forms.ts";
import { catalogueError } from "../../errors.ts";
import { saidHeaders, sayFor } from "./config-words.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { ADMIN_PERMISSIONS } from "../../../authz/core-permissions.ts";
import { WEBHOOK_EVENT_TYPES } from "../../../services/webhooks/catalogue.ts";
import type { WebhookEndpointView } from "../../../services/webhooks/endpoints.ts";
import { sortRows, type SortSpec } from "./sorting.ts";

const CSRF = "admin-webhooks";
/** the notices after a redirect (their message keys: lib/i18n/en-admin-config.ts) */
const NOTICES = {
  enabled: "adminCfg.webhooks.enabled",
  disabled: "adminCfg.webhooks.disabled",
  deleted: "adminCfg.webhooks.deleted",
} as const;
type Notice = keyof typeof NOTICES;
const TYPES = Object.entries(WEBHOOK_EVENT_TYPES).map(([type, t]) => ({ type, description: t.description }));

/** an endpoint as the page shows it (its state a word of the catalogue: "adminCfg.webhooks.state.<stateKey>") */
const row = (e: WebhookEndpointView) => {
  const stateKey = e.enabled ? "enabled" : e.disabledReason === "failures" ? "failures" : "disabled";
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    events: e.eventTypes,
    enabled: e.enabled,
    stateKey,
    state: `adminCfg.webhooks.state.${stateKey}`,
    failures: e.failureCount,
    createdAt: e.createdAt,
  };
};
// the sortable columns (sorting.ts): a whitelist; by default the order they were registered in
const SORT: SortSpec<ReturnType<typeof row>> = {
  columns: {
    url: { label: "adminCfg.col.url", key: (e) => e.url },
    state: { label: "adminCfg.col.state", key: (e) => e.state },
    failures: { label: "adminCfg.col.failures", key: (e) => e.failures },
    created: { label: "adminCfg.col.registered", key: (e) => e.createdAt.toISOString() },
  },
  default: { col: null, dir: "asc" },
};
/** the form's checkboxes: one field name repeated, or absent */
const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : typeof value === "string" && value ? [value] : []);

export function registerAdminWebhookRoutes(router: Router, app: AppContext, h: AdminRouteHelpers): void {
  const { services, csrf } = app;
  const guard = h.requireAdmin(ADMIN_PERMISSIONS.webhooksManage);
  const actor = (ctx: Context) => ({ ...h.actor(ctx), via: "admin_page" as const });
  const done = (ctx: Context, notice: Notice) => {
    ctx.status = 303;
    ctx.redirect(`/admin/webhooks?notice=${notice}`);
  };
  const notFound = () => catalogueError("webhook.not_found", { startOverUrl: "/admin/webhooks" });
  const page = async (ctx: Context, extra: Record<string, unknown> = {}, status = 200) => {
    const notice =
      typeof ctx.query.notice === "string" && Object.hasOwn(NOTICES, ctx.query.notice) ? NOTICES[ctx.query.notice as Notice] : undefined;
    const { rows: endpoints, headers } = sortRows(ctx, (await services.webhooks.list()).map(row), SORT, "/admin/webhooks");
    const say = sayFor(ctx, "webhooks", app.config.defaultLocale);
    return h.render(
      ctx,
      "webhooks",
      {
        section: "webhooks",
        title: "adminCfg.webhooks.title",
        notice,
        csrfToken: csrf.token(ctx, CSRF),
        types: TYPES.map((t) => ({ ...t, description: say(t.description) })),
        endpoints,
        headers: saidHeaders(headers, say),
        form: { url: "", description: "", eventTypes: [] as string[] },
        ...extra,
      },
      status,
    );
  };

  router.get("/admin/webhooks", guard, (ctx) => page(ctx));

  // every POST through defineForms (http/forms.ts): the guard, then CSRF, then the handler; the service checks the fields
  const forms = defineForms(router, app);
  const noFields = z.object({});
  const text = formField((v) => String(v ?? ""));

  forms.post({
    path: "/admin/webhooks",
    guard,
    csrf: CSRF,
    body: z.object({ url: text, description: text, eventTypes: formField(list) }),
    async handle(ctx, { body: form }) {
      const made = await services.webhooks.create(form, actor(ctx));
      if (made.outcome === "invalid") return page(ctx, { form, error: made.message }, 400);
      return page(ctx, { secret: { endpoint: row(made.endpoint), value: made.secret } });
    },
  });

  for (const [action, enabled] of [
    ["enable", true],
    ["disable", false],
  ] as const)
    forms.post({
      path: `/admin/webhooks/:id/${action}`,
      guard,
      csrf: CSRF,
      body: noFields,
      async handle(ctx) {
        if ((await services.webhooks.update(String(ctx.params.id), { enabled }, actor(ctx))).outcome !== "updated") throw notFound();
        done(ctx, enabled ? "enabled" : "disabled");
      },
    });

  forms.post({
    path: "/admin/webhooks/:id/rotate-secret",
    guard,
    csrf: CSRF,
    body: noFields,
    async handle(ctx) {
      const rotated = await services.webhooks.rotateSecret(String(ctx.params.id), actor(ctx));
      if (rotated.outcome !== "rotated") throw notFound();
      return page(ctx, { secret: { endpoint: row(rotated.endpoint), value: rotated.secret, rotated: true } });
    },
  });

  // without confirm=yes: the confirmation page; with it: deleted
  forms.post({
    path: "/admin/webhooks/:id/delete",
    guard,
    csrf: CSRF,
    body: z.object({ confirm: text }),
    handle: async (ctx, { body: { confirm } }) => {
      const id = String(ctx.params.id);
      if (confirm !== "yes") {
        const endpoint = await services.webhooks.find(id);
        if (!endpoint) throw notFound();
        const say = sayFor(ctx, "confirm", app.config.defaultLocale);
        return h.render(ctx, "confirm", {
          section: "webhooks",
          title: say("adminCfg.webhooks.deleteTitle"),
          csrfToken: csrf.token(ctx, CSRF),
          confirm: {
            title: say("adminCfg.webhooks.deleteTitle"),
            button: say("adminCfg.delete"),
            action: `/admin/webhooks/${endpoint.id}/delete`,
            back: "/admin/webhooks",
            message: say("adminCfg.webhooks.deleteBody", { url: endpoint.url }),
          },
        });
      }
      if ((await services.webhooks.remove(id, actor(ctx))).outcome !== "deleted") throw notFound();
      done(ctx, "deleted");
    },
  });
}
