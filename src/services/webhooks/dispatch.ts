// Webhook messages from audit events, and their delivery. The dispatcher polls (every OUTBOX_POLL_MS) for the
// audit events the trigger staged (queries/webhooks.ts), makes one outbox row (kind "webhook", recipient = the
// endpoint's id, topic = the event type) per event and endpoint that chose its type, with the body fixed then;
// the outbox delivers them with its retries, backoff and dead letters. The handler signs each attempt (the
// row's id is the stable webhook-id, the timestamp is the attempt's), counts an endpoint's failures in a row, and
// disables the endpoint at WEBHOOK_DISABLE_AFTER_FAILURES (audited as webhook.disabled).
import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../lib/logger.ts";
import type { Telemetry } from "../../lib/telemetry.ts";
import type { NewOutboxMessage } from "../../queries/outbox.ts";
import type { DispatchedAuditEvent, WebhookEndpointRow, WebhookQueries } from "../../queries/webhooks.ts";
import type { Outbox, OutboxHandler } from "../outbox/outbox.ts";
import { webhookTypeOf, type WebhookEventType } from "./catalogue.ts";
import type { WebhookEndpoints } from "./endpoints.ts";
import { sendWebhook, type WebhookSendOptions } from "./sender.ts";
import { webhookHeaders } from "./signing.ts";

/** what an outbox row of kind "webhook" carries (sealed by the outbox) */
export type WebhookMessage = { body: string };

const BATCH = 100;

/** the JSON body of a webhook: {type, timestamp, data} as Standard Webhooks suggests */
export function webhookBody(type: WebhookEventType, e: DispatchedAuditEvent): string {
  return JSON.stringify({
    type,
    timestamp: e.createdAt.toISOString(),
    data: {
      eventId: e.id.toString(),
      auditType: e.type,
      outcome: e.outcome,
      userId: e.userId,
      actorId: e.actorId,
      clientId: e.clientId,
      ip: e.ip,
      userAgent: e.userAgent,
      details: e.data ?? {},
    },
  });
}

const wants = (endpoint: WebhookEndpointRow, type: string) => endpoint.eventTypes.length === 0 || endpoint.eventTypes.includes(type);

export function createWebhookDispatcher(deps: {
  queries: WebhookQueries;
  outbox: Outbox;
  log: Logger;
  pollMs: number;
  counts?: Pick<Telemetry, "queued">;
}) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let stopped = true;
  let lastError = 0;

  const build = (events: DispatchedAuditEvent[], endpoints: WebhookEndpointRow[]): NewOutboxMessage[] =>
    events.flatMap((e) => {
      const type = webhookTypeOf(e.type, e.outcome);
      if (!type) return [];
      const body = webhookBody(type, e);
      return endpoints
        .filter((ep) => wants(ep, type))
        .map((ep) => deps.outbox.message("webhook", ep.id, type, { body } satisfies WebhookMessage));
    });

  async function loop(): Promise<void> {
    try {
      let queued = 0;
      if (!(await deps.queries.anyStaged())) return;
      for (;;) {
        let made = 0;
        const taken = await deps.queries.dispatch(BATCH, (events, endpoints) => {
          const rows = build(events, endpoints);
          made = rows.length;
          return rows;
        });
        queued += made;
        if (taken < BATCH || stopped) break;
      }
      if (queued) {
        deps.counts?.queued("webhook", queued);
        deps.outbox.wake();
      }
    } catch (err) {
      if (Date.now() - lastError > 60_000)
        deps.log.warn({ err: { message: (err as Error).message } }, "webhooks: dispatching audit events failed; retrying");
      lastError = Date.now();
    }
  }

  const wake = () => {
    if (stopped || running) return;
    running = loop().finally(() => {
      running = null;
    });
  };

  return {
    start(): void {
      stopped = false;
      timer ??= setInterval(wake, deps.pollMs);
      timer.unref();
      wake();
    },
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(timer);
      timer = undefined;
      await running;
    },
    /** one dispatch pass now (tests); resolves when it is done */
    async idle(): Promise<void> {
      while (running) await running;
      if (!stopped) {
        wake();
        await running;
      }
    },
  };
}

export type WebhookDispatcher = ReturnType<typeof createWebhookDispatcher>;

/** the outbox handler of kind "webhook" */
export function createWebhookDelivery(deps: {
  queries: WebhookQueries;
  endpoints: WebhookEndpoints;
  clock: Clock;
  log: Logger;
  send: WebhookSendOptions;
  disableAfterFailures: number;
}): OutboxHandler {
  return async ({ id, recipient, topic, payload }) => {
    const endpoint = await deps.queries.find(recipient);
    if (!endpoint) {
      deps.log.info({ outboxId: id, endpointId: recipient }, "webhook dropped: its endpoint was deleted");
      return;
    }
    if (!endpoint.enabled) throw new Error("the endpoint is disabled");
    const { body } = payload as WebhookMessage;
    const headers = webhookHeaders(deps.endpoints.secretsOf(endpoint), `msg_${id}`, Math.floor(deps.clock.now().getTime() / 1000), body);
    try {
      await sendWebhook({ url: endpoint.url, headers, body }, deps.send);
    } catch (err) {
      const disabled = {
        type: "webhook.disabled",
        outcome: "failure" as const,
        actorId: "system",
        data: { endpointId: endpoint.id, url: endpoint.url, reason: "failures", failures: deps.disableAfterFailures },
      };
      if (await deps.queries.failed(endpoint.id, deps.disableAfterFailures, deps.clock.now(), disabled)) {
        deps.log.warn(
          { endpointId: endpoint.id, url: endpoint.url },
          "webhook endpoint disabled after repeated failures (audited as webhook.disabled)",
        );
      }
      throw new Error(`${topic} to ${endpoint.url}: ${(err as Error).message}`, { cause: err });
    }
    await deps.queries.succeeded(endpoint.id);
  };
}
