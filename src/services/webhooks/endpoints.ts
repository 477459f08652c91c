// What administrators do with webhook endpoints (the admin API and the CLI call this): register one (its secret
// is returned once and kept sealed with the master key), list, change, enable or disable, rotate the secret (the
// old one keeps signing beside the new for a day, so receivers can switch without losing messages), delete. Each
// change is audited as webhook.<action> with the admin and the surface; a webhook.* event is never itself sent as
// a webhook (catalogue.ts). Bad input is an "invalid" outcome naming the field, and nothing changes.
import { decryptSecret, encryptSecret, randomUuid } from "../../lib/crypto.ts";
import type { Clock } from "../../lib/clock.ts";
import { UUID } from "../../lib/ids.ts";
import type { WebhookEndpointChange, WebhookEndpointRow, WebhookQueries } from "../../queries/webhooks.ts";
import { auditedBy, surfaceOf, type SurfaceActor } from "../admin-actor.ts";
import type { AuditService } from "../audit.ts";
import { isSpecialUseAddress } from "../request/geo.ts";
import { isWebhookType, type WebhookEventType } from "./catalogue.ts";
import { newWebhookSecret } from "./signing.ts";

/** the acting admin and the surface (the API's token client too: data.apiClientId) */
export type WebhookActor = SurfaceActor;
export type WebhookEndpointInput = { url: string; description?: string; eventTypes?: string[]; enabled?: boolean };

/** an endpoint as administrators see it (never its secret) */
export type WebhookEndpointView = {
  id: string;
  url: string;
  description: string;
  eventTypes: WebhookEventType[];
  enabled: boolean;
  disabledReason: string | null;
  failureCount: number;
  secretRotating: boolean;
  createdAt: Date;
  updatedAt: Date;
};

export type Invalid = { outcome: "invalid"; field: "url" | "description" | "eventTypes"; message: string };

/** the old secret's signatures continue this long after a rotation */
export const PREVIOUS_SECRET_MS = 24 * 3_600_000;
const sealPurpose = (id: string) => `webhook-secret:${id}`;

/** what is wrong with an endpoint URL, or null */
export function webhookUrlProblem(raw: string, opts: { production: boolean; allowPrivate: boolean }): string | null {
  if (raw.length > 2000) return "is longer than 2000 characters";
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "is not an absolute URL";
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && !opts.production))
    return opts.production ? "must use https" : "must use https or http";
  if (url.username || url.password) return "must not carry a user name or password";
  if (url.hash) return "must not have a #fragment";
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (
    !opts.allowPrivate &&
    (host === "localhost" || host.endsWith(".localhost") || (/^[\d.]+$|:/.test(host) && isSpecialUseAddress(host)))
  ) {
    return "points at a loopback, private or special-use address (allowed only with OUTBOUND_ALLOW_PRIVATE)";
  }
  return null;
}

export function createWebhookEndpoints(deps: {
  queries: WebhookQueries;
  audit: AuditService;
  clock: Clock;
  masterKey: Buffer;
  production: boolean;
  allowPrivate: boolean;
}) {
  const { queries, clock } = deps;
  const view = (e: WebhookEndpointRow): WebhookEndpointView => ({
    id: e.id,
    url: e.url,
    description: e.description,
    eventTypes: e.eventTypes.filter(isWebhookType),
    enabled: e.enabled,
    disabledReason: e.disabledReason,
    failureCount: e.failureCount,
    secretRotating: Boolean(e.previousSecret && e.previousSecretUntil && e.previousSecretUntil > clock.now()),
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  });
  const audited = (
    type: string,
    endpoint: Pick<WebhookEndpointRow, "id" | "url">,
    actor: WebhookActor,
    data: Record<string, string | number | boolean | string[]> = {},
  ) =>
    deps.audit.record({
      type,
      outcome: "success",
      ...auditedBy(actor),
      data: { endpointId: endpoint.id, url: endpoint.url, ...data, ...surfaceOf(actor) },
    });

  /** the checked fields of an input, or what is wrong */
  function checked(input: Partial<WebhookEndpointInput>): Invalid | WebhookEndpointChange {
    const change: WebhookEndpointChange = {};
    if (input.url !== undefined) {
      const problem = webhookUrlProblem(input.url, { production: deps.production, allowPrivate: deps.allowPrivate });
      if (problem) return { outcome: "invalid", field: "url", message: `url ${problem}` };
      change.url = input.url;
    }
    if (input.description !== undefined) {
      if (input.description.length > 200)
        return { outcome: "invalid", field: "description", message: "description is longer than 200 characters" };
      change.description = input.description;
    }
    if (input.eventTypes !== undefined) {
      const unknown = input.eventTypes.filter((t) => !isWebhookType(t));
      if (unknown.length)
        return {
          outcome: "invalid",
          field: "eventTypes",
          message: `unknown event type(s): ${unknown.join(", ")} (GET /api/v1/webhook-event-types lists them)`,
        };
      change.eventTypes = [...new Set(input.eventTypes)].sort();
    }
    if (input.enabled !== undefined) change.enabled = input.enabled;
    return change;
  }
  const find = async (id: string) => (UUID.test(id) ? queries.find(id.toLowerCase()) : null);

  return {
    list: async () => (await queries.list()).map(view),
    find: async (id: string) => {
      const e = await find(id);
      return e ? view(e) : null;
    },

    async create(
      input: WebhookEndpointInput,
      actor: WebhookActor,
    ): Promise<{ outcome: "created"; endpoint: WebhookEndpointView; secret: string } | Invalid> {
      const change = checked(input);
      if ("outcome" in change) return change;
      const id = randomUuid();
      const secret = newWebhookSecret();
      const row = await queries.create({
        id,
        url: change.url!,
        description: change.description ?? "",
        eventTypes: change.eventTypes ?? [],
        secret: encryptSecret(deps.masterKey, secret, sealPurpose(id)),
        createdAt: clock.now(),
      });
      const endpoint = input.enabled === false ? ((await queries.update(id, { enabled: false }, clock.now())) ?? row) : row;
      await audited("webhook.created", endpoint, actor, { eventTypes: endpoint.eventTypes, enabled: endpoint.enabled });
      return { outcome: "created", endpoint: view(endpoint), secret };
    },

    /** changes what the input names; enabling clears the failure streak, disabling keeps waiting messages as dead letters */
    async update(
      id: string,
      input: Partial<WebhookEndpointInput>,
      actor: WebhookActor,
    ): Promise<{ outcome: "updated"; endpoint: WebhookEndpointView } | { outcome: "not_found" } | Invalid> {
      const change = checked(input);
      if ("outcome" in change) return change;
      const current = await find(id);
      if (!current) return { outcome: "not_found" };
      const updated = await queries.update(current.id, change, clock.now());
      if (!updated) return { outcome: "not_found" };
      await audited("webhook.updated", updated, actor, { changed: Object.keys(change).sort(), enabled: updated.enabled });
      return { outcome: "updated", endpoint: view(updated) };
    },

    /** a new secret (returned once); the old one also signs for PREVIOUS_SECRET_MS */
    async rotateSecret(
      id: string,
      actor: WebhookActor,
    ): Promise<{ outcome: "rotated"; endpoint: WebhookEndpointView; secret: string } | { outcome: "not_found" }> {
      const current = await find(id);
      if (!current) return { outcome: "not_found" };
      const secret = newWebhookSecret();
      const now = clock.now();
      const done = await queries.rotateSecret(
        current.id,
        encryptSecret(deps.masterKey, secret, sealPurpose(current.id)),
        current.secret,
        new Date(now.getTime() + PREVIOUS_SECRET_MS),
        now,
      );
      if (!done) return { outcome: "not_found" };
      await audited("webhook.secret_rotated", current, actor);
      return { outcome: "rotated", endpoint: view((await queries.find(current.id)) ?? current), secret };
    },

    async remove(id: string, actor: WebhookActor): Promise<{ outcome: "deleted" } | { outcome: "not_found" }> {
      const current = await find(id);
      if (!current || !(await queries.delete(current.id))) return { outcome: "not_found" };
      await audited("webhook.deleted", current, actor);
      return { outcome: "deleted" };
    },

    /** the secrets a delivery is signed with now: the current one, and the previous one while it lasts */
    secretsOf(e: WebhookEndpointRow): string[] {
      const current = decryptSecret(deps.masterKey, e.secret, sealPurpose(e.id));
      const previous =
        e.previousSecret && e.previousSecretUntil && e.previousSecretUntil > clock.now()
          ? [decryptSecret(deps.masterKey, e.previousSecret, sealPurpose(e.id))]
          : [];
      return [current, ...previous];
    },
  };
}

export type WebhookEndpoints = ReturnType<typeof createWebhookEndpoints>;
