// `gatehouse outbox ...`: what waits to be delivered and the dead letters (never their content), and retrying or
// discarding a dead letter, through services.outbox with the actor "cli" (audited like the admin page and API).
// A retried letter is sent by the running server within OUTBOX_POLL_MS (the CLI has no worker).
import { Command, Option } from "commander";
import type { OutboxEntry, OutboxKind, OutboxStatus } from "../queries/outbox.ts";
import type { OutboxAction } from "../services/outbox/admin.ts";
import { withCliContext, CliError } from "./context.ts";
import { refused } from "./refusals.ts";

const CLI = { actorId: "cli", via: "cli" } as const;
const KINDS = ["email", "backchannel_logout", "webhook"];

function printEntries(out: (line: string) => void, entries: OutboxEntry[]): void {
  if (!entries.length) return out("The outbox is empty.");
  const rows = entries.map((e) => [
    e.id,
    e.status,
    e.kind,
    e.topic,
    e.recipient,
    String(e.attempts),
    e.createdAt.toISOString(),
    e.lastError ?? "",
  ]);
  const header = ["ID", "STATUS", "KIND", "TOPIC", "RECIPIENT", "ATTEMPTS", "CREATED", "LAST ERROR"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [header, ...rows])
    out(
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
        .join("  ")
        .trimEnd(),
    );
}

/** the outcome as the operator's message, or an error naming the id */
function described(result: OutboxAction, id: string, done: string): string {
  if (result.outcome === "not_found") throw refused("outbox.not_found", id);
  if (result.outcome === "not_dead") throw new CliError(`${id} is not a dead letter: it is still waiting to be delivered`);
  return `${done} ${result.entry.kind} ${result.entry.topic} to ${result.entry.recipient} (${result.entry.id}).`;
}

export function registerOutboxCommands(program: Command, out: (line: string) => void): void {
  const outbox = program.command("outbox").description("emails and back-channel logouts waiting to be delivered, and dead letters");

  outbox
    .command("list")
    .description("newest first; the content is never shown (emails carry live links)")
    .addOption(new Option("--status <status>", "only waiting rows, or only dead letters").choices(["pending", "dead"]))
    .addOption(new Option("--kind <kind>", "only this kind").choices(KINDS))
    .option("--limit <n>", "how many (1-500)", "50")
    .option("--json", "print JSON")
    .action((opts: { status?: OutboxStatus; kind?: OutboxKind; limit: string; json?: boolean }) =>
      withCliContext(async ({ services }) => {
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new CliError("--limit: a whole number from 1 to 500");
        const entries = await services.outbox.list({ status: opts.status, kind: opts.kind }, null, limit);
        if (opts.json) return out(JSON.stringify({ messages: entries }));
        printEntries(out, entries);
        const depth = await services.outbox.depth();
        const total = (status: string) => depth.filter((d) => d.status === status).reduce((n, d) => n + d.count, 0);
        out(`${total("pending")} waiting, ${total("dead")} dead letter(s) in all.`);
      }),
    );

  outbox
    .command("retry")
    .description("put a dead letter (or, with --all-dead, every one) back in the queue; the server sends it")
    .argument("[id]", "the dead letter's id")
    .option("--all-dead", "every dead letter")
    .addOption(new Option("--kind <kind>", "with --all-dead: only this kind").choices(KINDS))
    .action((id: string | undefined, opts: { allDead?: boolean; kind?: OutboxKind }) =>
      withCliContext(async ({ services }) => {
        if (Boolean(id) === Boolean(opts.allDead)) throw new CliError("give either a dead letter's id or --all-dead");
        if (opts.allDead)
          return out(
            `Put ${await services.outbox.retryAll(CLI, opts.kind)} dead letter(s) back in the queue; the running server sends them.`,
          );
        out(described(await services.outbox.retry(id!, CLI), id!, "Queued again:"));
      }),
    );

  outbox
    .command("discard")
    .description("delete a dead letter for good (it is never sent)")
    .argument("<id>", "the dead letter's id")
    .action((id: string) =>
      withCliContext(async ({ services }) => {
        out(described(await services.outbox.discard(id, CLI), id, "Discarded"));
      }),
    );
}
