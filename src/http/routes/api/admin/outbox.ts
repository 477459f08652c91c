// The provider admin API for the outbox (gatehouse.admin.outbox.manage): what waits to be delivered and the dead
// letters (emails and back-channel logouts that failed OUTBOX_MAX_ATTEMPTS times), never their content (emails
// carry live links and codes); retry a dead letter (pending again with fresh attempts, sent at once) or discard
// it. services.outbox decides and audits (outbox.retried, outbox.discarded, data.via = "api"); an unknown id is a
// 404 outbox.not_found, a row that is not a dead letter a 409 outbox.not_dead.
import { z } from "zod";
import { apiActorOf } from "./users-views.ts";
import type { AppContext } from "../../../web-context.ts";
import { ADMIN_PERMISSIONS } from "../../../../authz/core-permissions.ts";
import type { OutboxAction } from "../../../../services/outbox/admin.ts";
import type { OutboxEntry } from "../../../../queries/outbox.ts";
import { catalogueError } from "../../../errors.ts";
import { documented } from "../declared-errors.ts";
import { UUID } from "../../../../lib/ids.ts";
import { fieldInvalid } from "../request-invalid.ts";
import { when } from "../schemas.ts";
import { defineRoute, type ApiRoute } from "../openapi.ts";
import { encodeCursor, nextCursor, pageQuery } from "../pagination.ts";

const ACCESS = { token: "user", permission: ADMIN_PERMISSIONS.outboxManage } as const;
const TAGS = ["Admin: outbox"];
const KINDS = ["email", "backchannel_logout", "webhook"] as const;

export const outboxEntry = z
  .object({
    id: z.uuid().meta({ description: "the row's id (an email's Message-ID is <id@issuer host>)" }),
    kind: z.enum(KINDS),
    recipient: z.string().meta({ description: "the email address, the relying party's client id, or the webhook endpoint's id" }),
    topic: z.string().meta({
      description: 'the email template ("verify-email", "password-reset" ...), "logout", or the webhook event type ("user.created")',
    }),
    status: z
      .enum(["pending", "dead"])
      .meta({ description: "pending: waiting, being sent, or waiting for its next attempt; dead: gave up" }),
    attempts: z.number().int(),
    nextAttemptAt: when.meta({ description: "when a worker may take it next (pending)" }),
    lastError: z.string().nullable().meta({ description: "the last failure (never the message's content)" }),
    createdAt: when,
    deadAt: when.nullable(),
  })
  .meta({ id: "OutboxEntry" });

const listQuery = pageQuery.extend({
  status: z.enum(["pending", "dead"]).optional().meta({ description: "only waiting rows, or only dead letters" }),
  kind: z.enum(KINDS).optional(),
});
const idParams = z.strictObject({
  id: z
    .uuid("is not an outbox id")
    .transform((id) => id.toLowerCase())
    .meta({ description: "the row's id (a UUID)" }),
});

const view = (e: OutboxEntry): z.input<typeof outboxEntry> => ({
  id: e.id,
  kind: e.kind as (typeof KINDS)[number],
  recipient: e.recipient,
  topic: e.topic,
  status: e.status as "pending" | "dead",
  attempts: e.attempts,
  nextAttemptAt: e.nextAttemptAt.toISOString(),
  lastError: e.lastError,
  createdAt: e.createdAt.toISOString(),
  deadAt: e.deadAt?.toISOString() ?? null,
});

const ERRORS = [documented("outbox.not_found"), documented("outbox.not_dead", "only a dead letter can be retried or discarded")];

/** the entry of a done action, or the error of a refused one */
function entryOf(result: OutboxAction): OutboxEntry {
  if (result.outcome === "not_found") throw catalogueError("outbox.not_found");
  if (result.outcome === "not_dead") throw catalogueError("outbox.not_dead");
  return result.entry;
}

export function adminOutboxRoutes(app: AppContext): ApiRoute[] {
  const { outbox } = app.services;
  const actor = apiActorOf;

  return [
    defineRoute({
      method: "get",
      path: "/api/v1/outbox",
      tags: TAGS,
      access: ACCESS,
      query: listQuery,
      summary: "Emails and back-channel logouts waiting to be delivered, and dead letters, newest first",
      response: {
        status: 200,
        description: "a page of outbox rows (never their content)",
        schema: z.object({ messages: z.array(outboxEntry), nextCursor }).meta({ id: "OutboxPage" }),
      },
      handle: async (_ctx, { query }) => {
        const [at, id] = query.cursor ?? [];
        const after = at && id && UUID.test(id) ? { createdAt: new Date(at), id } : null;
        if (query.cursor && (!after || Number.isNaN(after.createdAt.getTime())))
          throw fieldInvalid("query", "cursor", "is not a cursor from this list (pass a page's nextCursor as it is)");
        const rows = await outbox.list({ status: query.status, kind: query.kind }, after, query.limit + 1);
        const page = rows.slice(0, query.limit);
        const last = page.at(-1);
        return {
          messages: page.map(view),
          nextCursor: rows.length > page.length && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
        };
      },
    }),

    defineRoute({
      method: "post",
      path: "/api/v1/outbox/:id/retry",
      tags: TAGS,
      access: ACCESS,
      params: idParams,
      summary: "Retry a dead letter",
      description: "The row is pending again with its attempts counted from zero and is sent at once; audited as outbox.retried.",
      response: { status: 200, description: "the row, pending again", schema: outboxEntry },
      errors: ERRORS,
      handle: async (ctx, { params }) => view(entryOf(await outbox.retry(params.id, actor(ctx)))),
    }),

    defineRoute({
      method: "delete",
      path: "/api/v1/outbox/:id",
      tags: TAGS,
      access: ACCESS,
      params: idParams,
      summary: "Discard a dead letter",
      description: "Deleted for good (it is never sent); audited as outbox.discarded.",
      response: { status: 204, description: "discarded" },
      errors: ERRORS,
      handle: async (ctx, { params }) => {
        entryOf(await outbox.discard(params.id, actor(ctx)));
      },
    }),
  ];
}
