// The admin Outbox screen (gatehouse.admin.outbox.manage): how many emails and back-channel logouts wait and how
// many gave up, the dead letters (kind, topic, recipient, attempts, last error; never the content) with "retry"
// (pending again, sent at once) and "discard" (confirmation page first), "retry every dead letter", and the rows
// still waiting. Every POST checks CSRF and redirects with a fixed notice code; services.outbox audits with the admin.
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import { parseBody } from "../../body.ts";
import { AppError } from "../../errors.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { ADMIN_PERMISSIONS } from "../../../authz/core-permissions.ts";
import type { OutboxAction } from "../../../services/outbox/admin.ts";
import type { OutboxEntry } from "../../../queries/outbox.ts";

const CSRF = "admin-outbox";
const SHOWN = 100;
const NOTICES = {
  retried: "The message is back in the queue and is being sent.",
  retried_all: "Every dead letter is back in the queue and is being sent.",
  nothing_dead: "There were no dead letters to retry.",
  discarded: "The message was discarded; it will not be sent.",
} as const;
type Notice = keyof typeof NOTICES;

const when = (d: Date | null) => (d ? `${d.toISOString().replace("T", " ").slice(0, 16)} UTC` : "");
const row = (e: OutboxEntry) => ({
  id: e.id, kind: e.kind === "email" ? "Email" : e.kind === "webhook" ? "Webhook" : "Back-channel logout", topic: e.topic, recipient: e.recipient, attempts: e.attempts,
  lastError: e.lastError ?? "", created: when(e.createdAt), next: when(e.nextAttemptAt), dead: when(e.deadAt),
});

export function registerAdminOutboxRoutes(router: Router, app: AppContext, h: AdminRouteHelpers): void {
  const { services, csrf } = app;
  const guard = h.requireAdmin(ADMIN_PERMISSIONS.outboxManage);
  const actor = (ctx: Context) => ({ ...h.actor(ctx), via: "admin" as const });
  const body = (ctx: Context) => (ctx.request.body as Record<string, unknown> | undefined) ?? {};
  const done = (ctx: Context, notice: Notice) => { ctx.status = 303; ctx.redirect(`/admin/outbox?notice=${notice}`); };
  const refused = (result: OutboxAction): OutboxEntry => {
    if (result.outcome === "not_found") throw new AppError("outbox.not_found", 404, "There is no such message in the outbox.", { startOverUrl: "/admin/outbox" });
    if (result.outcome === "not_dead") throw new AppError("outbox.not_dead", 409, "This message is not a dead letter: it is still waiting to be delivered.", { startOverUrl: "/admin/outbox" });
    return result.entry;
  };

  router.get("/admin/outbox", guard, async (ctx) => {
    const [dead, pending, depth] = await Promise.all([
      services.outbox.list({ status: "dead" }, null, SHOWN), services.outbox.list({ status: "pending" }, null, SHOWN), services.outbox.depth(),
    ]);
    const total = (status: string) => depth.filter((d) => d.status === status).reduce((n, d) => n + d.count, 0);
    const notice = typeof ctx.query.notice === "string" && Object.hasOwn(NOTICES, ctx.query.notice) ? NOTICES[ctx.query.notice as Notice] : undefined;
    return h.render(ctx, "outbox", {
      section: "outbox", title: "Outbox", notice, csrfToken: csrf.token(ctx, CSRF), shown: SHOWN,
      dead: dead.map(row), pending: pending.map(row), deadCount: total("dead"), pendingCount: total("pending"),
    });
  });

  router.post("/admin/outbox/retry-dead", guard, parseBody(app.config.bodyLimit), async (ctx) => {
    csrf.verify(ctx, CSRF, body(ctx)._csrf);
    done(ctx, (await services.outbox.retryAll(actor(ctx))) ? "retried_all" : "nothing_dead");
  });

  router.post("/admin/outbox/:id/retry", guard, parseBody(app.config.bodyLimit), async (ctx) => {
    csrf.verify(ctx, CSRF, body(ctx)._csrf);
    refused(await services.outbox.retry(String(ctx.params.id), actor(ctx)));
    done(ctx, "retried");
  });

  // without confirm=yes: the confirmation page; with it: discarded
  router.post("/admin/outbox/:id/discard", guard, parseBody(app.config.bodyLimit), async (ctx) => {
    csrf.verify(ctx, CSRF, body(ctx)._csrf);
    const id = String(ctx.params.id);
    if (body(ctx).confirm !== "yes") {
      const entry = await services.outbox.find(id);
      if (!entry) refused({ outcome: "not_found" });
      return h.render(ctx, "confirm", {
        section: "outbox", title: "Discard this message", csrfToken: csrf.token(ctx, CSRF),
        confirm: {
          title: "Discard this message", button: "Discard", action: `/admin/outbox/${entry!.id}/discard`, back: "/admin/outbox",
          message: `The ${entry!.kind === "email" ? `email "${entry!.topic}"` : entry!.kind === "webhook" ? `webhook "${entry!.topic}"` : "back-channel logout"} to ${entry!.recipient} will never be sent. Discard it?`,
        },
      });
    }
    refused(await services.outbox.discard(id, actor(ctx)));
    done(ctx, "discarded");
  });
}
