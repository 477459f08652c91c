// Webhooks (Standard Webhooks) for the audit stream: endpoints.ts (administrators' use cases), catalogue.ts
// (event types), dispatch.ts (audit events -> outbox rows -> signed POSTs), sender.ts (the HTTP request).
// `startWebhookWorker` is for a serving process: it registers the outbox handler and starts the dispatcher.
import type { Config } from "../../config/load.ts";
import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../lib/logger.ts";
import type { Telemetry } from "../../lib/telemetry.ts";
import type { WebhookQueries } from "../../queries/webhooks.ts";
import type { AuditService } from "../audit.ts";
import type { Outbox } from "../outbox/outbox.ts";
import { createWebhookDelivery, createWebhookDispatcher, type WebhookDispatcher } from "./dispatch.ts";
import { createWebhookEndpoints, type WebhookEndpoints } from "./endpoints.ts";

export { createWebhookEndpoints, type WebhookEndpoints, type WebhookDispatcher };

export function webhookEndpointsFor(config: Config, queries: WebhookQueries, audit: AuditService, clock: Clock): WebhookEndpoints {
  return createWebhookEndpoints({
    queries,
    audit,
    clock,
    masterKey: config.secrets.masterKey,
    production: config.isProduction,
    allowPrivate: config.outboundAllowPrivate,
  });
}

export function startWebhookWorker(deps: {
  config: Config;
  queries: WebhookQueries;
  endpoints: WebhookEndpoints;
  clock: Clock;
  log: Logger;
  outbox: Outbox;
  telemetry?: Telemetry;
}): WebhookDispatcher {
  const { config } = deps;
  deps.outbox.handle(
    "webhook",
    createWebhookDelivery({
      queries: deps.queries,
      endpoints: deps.endpoints,
      clock: deps.clock,
      log: deps.log,
      disableAfterFailures: config.webhooks.disableAfterFailures,
      send: {
        timeoutMs: config.webhooks.timeoutMs,
        allowPrivate: config.outboundAllowPrivate,
        userAgent: `Gatehouse-Webhooks (${new URL(config.issuer).host})`,
      },
    }),
  );
  const dispatcher = createWebhookDispatcher({
    queries: deps.queries,
    outbox: deps.outbox,
    log: deps.log,
    pollMs: config.outbox.pollMs,
    ...(deps.telemetry ? { counts: deps.telemetry } : {}),
  });
  dispatcher.start();
  return dispatcher;
}
