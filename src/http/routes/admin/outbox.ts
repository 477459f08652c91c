// The admin Outbox screen (gatehouse.admin.outbox.manage): how many emails and back-channel logouts wait and how
// many gave up, the dead letters (kind, topic, recipient, attempts, last error; never the content) with "retry"
// (pending again, sent at once) and "discard" (confirmation page first), "retry every dead letter", and the rows
// still waiting. Every POST checks CSRF and redirects with a fixed notice code; services.outbox audits with the admin.
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import { defineForms, formField, stringOr } from "../../forms.ts";
import { z } from "zod";
import { catalogueError } from "../../errors.ts";
import { sayFor } from "./config-words.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { ADMIN_PERMISSIONS } from "../../../authz/core-permissions.ts";
import type { OutboxAction } from "../../../services/outbox/admin.ts";
import type { OutboxEntry } from "../../../queries/outbox.ts";

const CSRF = "admin-outbox";
const SHOWN = 100;
/** the notices after a redirect (their message keys: lib/i18n/en-admin-config.ts) */
const NOTICES = {
  retried: "adminCfg.outbox.retried",
  retried_all: "adminCfg.outbox.retriedAll",
  nothing_dead: "adminCfg.outbox.nothingDead",
  discarded: "adminCfg.outbox.discarded",
} as const;
type Notice = keyof typeof NOTICES;

/** a message as the page shows it: its kind a word of the catalogue ("adminCfg.outbox.kind.<kind>"), dates as Date */
const row = (e: OutboxEntry) => ({
  id: e.id,
  kind: e.kind === "email" || e.kind === "webhook" ? e.kind : "backchannel_logout",
  topic: e.topic,
  recipient: e.recipient,
  attempts: e.attempts,
  lastError: e.lastError ?? "",
  created: e.createdAt,
  next: e.nextAttemptAt,
  dead: e.deadAt,
});

export function registerAdminOutboxRoutes(router: Router, app: AppContext, h: AdminRouteHelpers): void {
  const { services, csrf } = app;
  const guard = h.requireAdmin(ADMIN_PERMISSIONS.outboxManage);
  const actor = (ctx: Context) => ({ ...h.actor(ctx), via: "admin" as const });
  // every POST through defineForms (http/forms.ts): the guard, then CSRF, then the handler
  const forms = defineForms(router, app);
  const noFields = z.object({});
  const done = (ctx: Context, notice: Notice) => {
    ctx.status = 303;
    ctx.redirect(`/admin/outbox?notice=${notice}`);
  };
  const refused = (result: OutboxAction): OutboxEntry => {
    if (result.outcome === "not_found") throw catalogueError("outbox.not_found", { startOverUrl: "/admin/outbox" });
    if (result.outcome === "not_dead") throw catalogueError("outbox.not_dead", { startOverUrl: "/admin/outbox" });
    return result.entry;
  };

  router.get("/admin/outbox", guard, async (ctx) => {
    const [dead, pending, depth] = await Promise.all([
      services.outbox.list({ status: "dead" }, null, SHOWN),
      services.outbox.list({ status: "pending" }, null, SHOWN),
      services.outbox.depth(),
    ]);
    const total = (status: string) => depth.filter((d) => d.status === status).reduce((n, d) => n + d.count, 0);
    const notice =
      typeof ctx.query.notice === "string" && Object.hasOwn(NOTICES, ctx.query.notice) ? NOTICES[ctx.query.notice as Notice] : undefined;
    return h.render(ctx, "outbox", {
      section: "outbox",
      title: "adminCfg.outbox.title",
      notice,
      csrfToken: csrf.token(ctx, CSRF),
      shown: SHOWN,
      dead: dead.map(row),
      pending: pending.map(row),
      deadCount: total("dead"),
      pendingCount: total("pending"),
    });
  });

  forms.post({
    path: "/admin/outbox/retry-dead",
    guard,
    csrf: CSRF,
    body: noFields,
    handle: async (ctx) => done(ctx, (await services.outbox.retryAll(actor(ctx))) ? "retried_all" : "nothing_dead"),
  });

  forms.post({
    path: "/admin/outbox/:id/retry",
    guard,
    csrf: CSRF,
    body: noFields,
    async handle(ctx) {
      refused(await services.outbox.retry(String(ctx.params.id), actor(ctx)));
      done(ctx, "retried");
    },
  });

  // without confirm=yes: the confirmation page; with it: discarded
  forms.post({
    path: "/admin/outbox/:id/discard",
    guard,
    csrf: CSRF,
    body: z.object({ confirm: formField((v) => stringOr(v)) }),
    handle: async (ctx, { body: { confirm } }) => {
      const id = String(ctx.params.id);
      if (confirm !== "yes") {
        const entry = await services.outbox.find(id);
        if (!entry) refused({ outcome: "not_found" });
        const say = sayFor(ctx, "confirm", app.config.defaultLocale);
        const message =
          entry!.kind === "email"
            ? "adminCfg.outbox.discardEmail"
            : entry!.kind === "webhook"
              ? "adminCfg.outbox.discardWebhook"
              : "adminCfg.outbox.discardLogout";
        return h.render(ctx, "confirm", {
          section: "outbox",
          title: say("adminCfg.outbox.discardTitle"),
          csrfToken: csrf.token(ctx, CSRF),
          confirm: {
            title: say("adminCfg.outbox.discardTitle"),
            button: say("adminCfg.outbox.discard"),
            action: `/admin/outbox/${entry!.id}/discard`,
            back: "/admin/outbox",
            message: say(message, { topic: entry!.topic, recipient: entry!.recipient }),
          },
        });
      }
      refused(await services.outbox.discard(id, actor(ctx)));
      done(ctx, "discarded");
    },
  });
}
