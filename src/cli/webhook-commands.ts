// `gatehouse webhooks list|event-types|create|update|rotate-secret|delete`: the webhook endpoint use case
// (services/webhooks/endpoints.ts) from the command line, audited with the actor "cli". A secret is printed
// exactly once (when it is made); every command prints JSON with --json. Messages that gave up are the outbox's
// dead letters (`gatehouse outbox list --kind webhook`, `gatehouse outbox retry`).
import { Command } from "commander";
import { WEBHOOK_EVENT_TYPES } from "../services/webhooks/catalogue.ts";
import type { Invalid, WebhookEndpointInput, WebhookEndpointView } from "../services/webhooks/endpoints.ts";
import { withCliContext, CliError } from "./context.ts";
import { refused } from "./refusals.ts";

const ACTOR = { actorId: "cli", via: "cli" as const };
const collect = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean),
];
type Opts = {
  url?: string;
  description?: string;
  event?: string[];
  allEvents?: boolean;
  enable?: boolean;
  disable?: boolean;
  json?: boolean;
};

function line(e: WebhookEndpointView): string {
  const state = e.enabled ? "enabled" : `disabled (${e.disabledReason ?? "admin"})`;
  return `${e.id}  ${state}  ${e.url}  ${e.eventTypes.length ? e.eventTypes.join(",") : "all events"}${e.failureCount ? `  ${e.failureCount} failure(s) in a row` : ""}`;
}

/** the outcome's endpoint, or the refusal as an operator reads it */
function settled<T extends { outcome: string }>(
  result: T | Invalid | { outcome: "not_found" },
  id?: string,
): Exclude<T, Invalid | { outcome: "not_found" }> {
  if (result.outcome === "not_found") throw refused("webhook.not_found", id ?? "");
  if (result.outcome === "invalid")
    throw new CliError(
      `--${(result as Invalid).field === "eventTypes" ? "event" : (result as Invalid).field}: ${(result as Invalid).message}`,
    );
  return result as Exclude<T, Invalid | { outcome: "not_found" }>;
}

function inputFrom(opts: Opts): Partial<WebhookEndpointInput> {
  if (opts.enable && opts.disable) throw new CliError("give --enable or --disable, not both");
  if (opts.allEvents && opts.event?.length) throw new CliError("give --event or --all-events, not both");
  return {
    ...(opts.url !== undefined ? { url: opts.url } : {}),
    ...(opts.description !== undefined ? { description: opts.description } : {}),
    ...(opts.event?.length ? { eventTypes: opts.event } : opts.allEvents ? { eventTypes: [] } : {}),
    ...(opts.enable ? { enabled: true } : opts.disable ? { enabled: false } : {}),
  };
}

export function registerWebhookCommands(program: Command, out: (line: string) => void): void {
  const webhooks = program.command("webhooks").description("webhook endpoints (Standard Webhooks): the audit stream's events, signed");

  webhooks
    .command("event-types")
    .description("the event types an endpoint can choose")
    .option("--json", "print JSON")
    .action((opts: { json?: boolean }) => {
      const types = Object.entries(WEBHOOK_EVENT_TYPES).map(([type, t]) => ({ type, description: t.description, auditTypes: [...t.from] }));
      if (opts.json) return out(JSON.stringify({ eventTypes: types }));
      for (const t of types) out(`${t.type.padEnd(26)}${t.description}`);
    });

  webhooks
    .command("list")
    .description("every endpoint (never its secret)")
    .option("--json", "print JSON")
    .action((opts: { json?: boolean }) =>
      withCliContext(async ({ services }) => {
        const all = await services.webhooks.list();
        if (opts.json) return out(JSON.stringify({ endpoints: all }));
        if (!all.length) return out("No webhook endpoints.");
        for (const e of all) out(line(e));
      }),
    );

  webhooks
    .command("create")
    .description("register an endpoint; prints its secret once")
    .requiredOption("--url <url>", "where to POST (https; http only outside production)")
    .option("--description <text>", "a note for administrators")
    .option("--event <type>", "an event type to send (repeat or comma-separate; default: every type)", collect)
    .option("--disable", "register it disabled")
    .option("--json", "print JSON")
    .action((opts: Opts) =>
      withCliContext(async ({ services }) => {
        const made = settled(await services.webhooks.create({ ...inputFrom(opts), url: opts.url! } as WebhookEndpointInput, ACTOR));
        if (opts.json) return out(JSON.stringify({ endpoint: made.endpoint, secret: made.secret }));
        out(`Registered ${line(made.endpoint)}`);
        out(`Secret (shown only now): ${made.secret}`);
      }),
    );

  webhooks
    .command("update")
    .description("change only what the options name")
    .argument("<id>", "the endpoint's id")
    .option("--url <url>", "a new URL")
    .option("--description <text>", "a new note")
    .option("--event <type>", "the event types to send (replaces the list; repeat or comma-separate)", collect)
    .option("--all-events", "send every event type")
    .option("--enable", "enable (clears the failure count)")
    .option("--disable", "disable (waiting messages become dead letters)")
    .option("--json", "print JSON")
    .action((id: string, opts: Opts) =>
      withCliContext(async ({ services }) => {
        const input = inputFrom(opts);
        if (!Object.keys(input).length)
          throw new CliError("nothing to change: give --url, --description, --event, --all-events, --enable or --disable");
        const { endpoint } = settled(await services.webhooks.update(id, input, ACTOR), id);
        out(opts.json ? JSON.stringify(endpoint) : `Updated ${line(endpoint)}`);
      }),
    );

  webhooks
    .command("rotate-secret")
    .description("a new secret (printed once); the old one also signs for 24 hours")
    .argument("<id>", "the endpoint's id")
    .option("--json", "print JSON")
    .action((id: string, opts: { json?: boolean }) =>
      withCliContext(async ({ services }) => {
        const rotated = settled(await services.webhooks.rotateSecret(id, ACTOR), id);
        if (opts.json) return out(JSON.stringify({ endpoint: rotated.endpoint, secret: rotated.secret }));
        out(`New secret (shown only now; the old one keeps signing for 24 hours): ${rotated.secret}`);
      }),
    );

  webhooks
    .command("delete")
    .description("delete an endpoint and every message waiting for it")
    .argument("<id>", "the endpoint's id")
    .option("--yes", "really delete")
    .option("--json", "print JSON")
    .action((id: string, opts: { yes?: boolean; json?: boolean }) =>
      withCliContext(async ({ services }) => {
        if (!opts.yes) throw new CliError("deleting an endpoint drops its waiting messages: add --yes");
        settled(await services.webhooks.remove(id, ACTOR), id);
        out(opts.json ? JSON.stringify({ deleted: id }) : `Deleted webhook endpoint ${id}.`);
      }),
    );
}
