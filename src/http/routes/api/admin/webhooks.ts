// The provider admin API for webhooks (gatehouse.admin.webhooks.manage): the event types, endpoints (register:
// the secret in that one answer only; list; view; change, enable or disable; rotate the secret: the old one keeps
// signing for 24 hours beside the new; delete). services.webhooks checks and audits (webhook.created / updated /
// secret_rotated / deleted, data.via = "api"); a refused field is a 400 request.invalid naming it, an unknown
// endpoint 404 webhook.not_found. Messages that gave up are the outbox's dead letters (GET /api/v1/outbox?kind=webhook).
import { z } from "zod";
import { apiActorOf } from "./users-views.ts";
import type { AppContext } from "../../../web-context.ts";
import { ADMIN_PERMISSIONS } from "../../../../authz/core-permissions.ts";
import { WEBHOOK_EVENT_TYPES, WEBHOOK_TYPES } from "../../../../services/webhooks/catalogue.ts";
import type { Invalid, WebhookEndpointView } from "../../../../services/webhooks/endpoints.ts";
import { catalogueError } from "../../../errors.ts";
import { documented } from "../declared-errors.ts";
import { fieldInvalid } from "../request-invalid.ts";
import { when } from "../schemas.ts";
import { defineRoute, type ApiRoute } from "../openapi.ts";

const ACCESS = { token: "user", permission: ADMIN_PERMISSIONS.webhooksManage } as const;
const TAGS = ["Admin: webhooks"];
const NOT_FOUND = documented("webhook.not_found", "there is no such endpoint");

const endpoint = z
  .object({
    id: z.uuid(),
    url: z.string(),
    description: z.string(),
    eventTypes: z.array(z.enum(WEBHOOK_TYPES)).meta({ description: "the event types sent to it; empty: every type" }),
    enabled: z.boolean(),
    disabledReason: z
      .string()
      .nullable()
      .meta({ description: '"admin", or "failures" (WEBHOOK_DISABLE_AFTER_FAILURES failed attempts in a row)' }),
    failureCount: z.number().int().meta({ description: "failed attempts since the last delivered message" }),
    secretRotating: z.boolean().meta({ description: "the previous secret still signs too (for 24 hours after a rotation)" }),
    createdAt: when,
    updatedAt: when,
  })
  .meta({ id: "WebhookEndpoint" });
const withSecret = z
  .object({ endpoint, secret: z.string().meta({ description: "whsec_...: shown in this answer only" }) })
  .meta({ id: "WebhookEndpointWithSecret" });

const fields = {
  url: z
    .string()
    .max(2000)
    .meta({ description: "https (http only outside production); no loopback or private address unless OUTBOUND_ALLOW_PRIVATE" }),
  description: z.string().max(200),
  eventTypes: z
    .array(z.string().max(100))
    .max(100)
    .meta({ description: "event types (GET /api/v1/webhook-event-types); empty or left out: every type" }),
  enabled: z.boolean(),
};
const newBody = z.strictObject({
  ...fields,
  description: fields.description.optional(),
  eventTypes: fields.eventTypes.optional(),
  enabled: fields.enabled.optional(),
});
const changeBody = newBody
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: "name at least one of url, description, eventTypes, enabled" });
const idParams = z.strictObject({ id: z.uuid("is not a webhook endpoint id").transform((id) => id.toLowerCase()) });

const view = (e: WebhookEndpointView): z.input<typeof endpoint> => ({
  ...e,
  createdAt: e.createdAt.toISOString(),
  updatedAt: e.updatedAt.toISOString(),
});
const notFound = () => catalogueError("webhook.not_found");

/** a service result as the API's answer or error */
function settled<T extends { outcome: string }>(
  result: T | Invalid | { outcome: "not_found" },
): Exclude<T, Invalid | { outcome: "not_found" }> {
  if (result.outcome === "not_found") throw notFound();
  if (result.outcome === "invalid") throw fieldInvalid("body", (result as Invalid).field, (result as Invalid).message);
  return result as Exclude<T, Invalid | { outcome: "not_found" }>;
}

export function adminWebhookRoutes(app: AppContext): ApiRoute[] {
  const { webhooks } = app.services;
  const actor = apiActorOf;

  return [
    defineRoute({
      method: "get",
      path: "/api/v1/webhook-event-types",
      tags: TAGS,
      access: ACCESS,
      summary: "The webhook event types and the audit events each is made from",
      response: {
        status: 200,
        description: "the catalogue",
        schema: z
          .object({ eventTypes: z.array(z.object({ type: z.string(), description: z.string(), auditTypes: z.array(z.string()) })) })
          .meta({ id: "WebhookEventTypes" }),
      },
      handle: async () => ({
        eventTypes: Object.entries(WEBHOOK_EVENT_TYPES).map(([type, t]) => ({ type, description: t.description, auditTypes: [...t.from] })),
      }),
    }),
    defineRoute({
      method: "get",
      path: "/api/v1/webhooks",
      tags: TAGS,
      access: ACCESS,
      summary: "Webhook endpoints, oldest first (never their secrets)",
      response: {
        status: 200,
        description: "every endpoint",
        schema: z.object({ endpoints: z.array(endpoint) }).meta({ id: "WebhookEndpointList" }),
      },
      handle: async () => ({ endpoints: (await webhooks.list()).map(view) }),
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/webhooks",
      tags: TAGS,
      access: ACCESS,
      body: newBody,
      summary: "Register a webhook endpoint",
      description:
        "The answer carries the signing secret (Standard Webhooks, whsec_...) once; it is kept encrypted. Audited as webhook.created.",
      response: { status: 201, description: "registered", schema: withSecret },
      handle: async (ctx, { body }) => {
        const made = settled(await webhooks.create(body, actor(ctx)));
        return { endpoint: view(made.endpoint), secret: made.secret };
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/v1/webhooks/:id",
      tags: TAGS,
      access: ACCESS,
      params: idParams,
      summary: "One webhook endpoint",
      response: { status: 200, description: "the endpoint", schema: endpoint },
      errors: [NOT_FOUND],
      handle: async (_ctx, { params }) => {
        const found = await webhooks.find(params.id);
        if (!found) throw notFound();
        return view(found);
      },
    }),
    defineRoute({
      method: "patch",
      path: "/api/v1/webhooks/:id",
      tags: TAGS,
      access: ACCESS,
      params: idParams,
      body: changeBody,
      summary: "Change, enable or disable a webhook endpoint",
      description:
        "Only the fields named change. Enabling clears the failure count; disabling keeps its waiting messages as dead letters. Audited as webhook.updated.",
      response: { status: 200, description: "the endpoint as it is now", schema: endpoint },
      errors: [NOT_FOUND],
      handle: async (ctx, { params, body }) => view(settled(await webhooks.update(params.id, body, actor(ctx))).endpoint),
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/webhooks/:id/rotate-secret",
      tags: TAGS,
      access: ACCESS,
      params: idParams,
      summary: "Rotate a webhook endpoint's secret",
      description:
        "The new secret is in this answer only; for 24 hours messages carry signatures with both. Audited as webhook.secret_rotated.",
      response: { status: 200, description: "the new secret", schema: withSecret },
      errors: [NOT_FOUND],
      handle: async (ctx, { params }) => {
        const rotated = settled(await webhooks.rotateSecret(params.id, actor(ctx)));
        return { endpoint: view(rotated.endpoint), secret: rotated.secret };
      },
    }),
    defineRoute({
      method: "delete",
      path: "/api/v1/webhooks/:id",
      tags: TAGS,
      access: ACCESS,
      params: idParams,
      summary: "Delete a webhook endpoint and every message waiting for it",
      response: { status: 204, description: "deleted" },
      errors: [NOT_FOUND],
      handle: async (ctx, { params }) => {
        settled(await webhooks.remove(params.id, actor(ctx)));
      },
    }),
  ];
}
