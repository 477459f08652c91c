// `gatehouse export` and `gatehouse import`: configuration as code (services/config-io). Export prints clients,
// custom system roles and teams with their roles as YAML (or JSON); import checks a whole file, lists every problem
// with its path and changes nothing when there is one, otherwise writes what differs in one transaction (audited
// as the "cli", via "import") and prints what it did; --dry-run prints the same diff and writes nothing. A client
// the import creates without a secret hash gets a new secret, printed once.
import { readFile, writeFile } from "node:fs/promises";
import { Command, Option } from "commander";
import { systemClock } from "../lib/clock.ts";
import { createConfigIoQueries } from "../queries/config-io.ts";
import { createTeamQueries } from "../queries/teams.ts";
import { createConfigIo, type Change, type ChangeKind, type ConfigFormat, type ImportResult } from "../services/config-io/index.ts";
import { withCliContext, CliError, type CliContext } from "./context.ts";
import { noSuchUser } from "./refusals.ts";

const KINDS: ChangeKind[] = ["client", "client permission", "system role", "team", "team role"];

const configIoOf = ({ db, services }: CliContext) =>
  createConfigIo({
    queries: { configIo: createConfigIoQueries(db.prisma), teams: createTeamQueries(db.prisma, db.sql) },
    registry: services.permissions,
    systemRoles: services.systemRoles,
    audit: services.audit,
    clients: services.clients,
    clock: systemClock,
  });

async function readInput(file: string): Promise<string> {
  if (file !== "-")
    return readFile(file, "utf8").catch((err: NodeJS.ErrnoException) => {
      throw new CliError(`${file}: ${err.code === "ENOENT" ? "no such file" : err.message}`);
    });
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** the diff as an operator reads it: one line per change, then counts per kind */
function printDiff(out: (line: string) => void, changes: Change[], unchanged: Partial<Record<ChangeKind, number>>): void {
  for (const c of changes) out(c.action === "created" ? `+ ${c.kind} ${c.name}` : `~ ${c.kind} ${c.name}: ${c.fields.join(", ")}`);
  for (const kind of KINDS) {
    const created = changes.filter((c) => c.kind === kind && c.action === "created").length;
    const changed = changes.filter((c) => c.kind === kind && c.action === "changed").length;
    const same = unchanged[kind] ?? 0;
    if (created + changed + same) out(`${kind}s: ${created} created, ${changed} changed, ${same} unchanged`);
  }
}

function report(out: (line: string) => void, result: Exclude<ImportResult, { outcome: "invalid" }>, dryRun: boolean): void {
  if (!result.changes.length) return out("No changes: the database already matches the file.");
  if (dryRun) out("Dry run: nothing was changed. The import would make these changes:");
  printDiff(out, result.changes, result.unchanged);
  if (!dryRun)
    out(
      `Imported ${result.changes.length} change(s) in one transaction; running servers use changed clients within 5 s (their client cache).`,
    );
  for (const s of result.secrets) out(`client_secret of ${s.clientId}: ${s.secret}   (shown once; only its hash is stored)`);
}

export function registerConfigCommands(program: Command, out: (line: string) => void): void {
  program
    .command("export")
    .description("print the configuration (clients, custom system roles, teams and their roles; never users or members) as YAML or JSON")
    .addOption(new Option("--format <format>", "yaml or json").choices(["yaml", "json"]).default("yaml"))
    .option("--out <file>", "write to this file instead of standard output")
    .option(
      "--with-secret-hashes",
      "include each confidential client's secret hash (SHA-256), so an instance importing the file accepts the same secrets; keep such a file secret",
    )
    .action((opts: { format: ConfigFormat; out?: string; withSecretHashes?: boolean }) =>
      withCliContext(async (cli) => {
        const text = await configIoOf(cli).export({ format: opts.format, withSecretHashes: Boolean(opts.withSecretHashes) });
        if (!opts.out) {
          process.stdout.write(text);
          return;
        }
        await writeFile(opts.out, text, { mode: 0o600 });
        out(`Wrote the configuration to ${opts.out}.`);
      }),
    );

  program
    .command("import")
    .description(
      "apply a configuration file from gatehouse export (what the file does not name is left alone); every problem is listed and nothing changes when there is one",
    )
    .argument("<file>", "the YAML or JSON file (- for standard input)")
    .option("--dry-run", "print what would change and change nothing")
    .addOption(
      new Option("--format <format>", "yaml or json (default: from the file name, else from its content)").choices(["yaml", "json"]),
    )
    .option(
      "--team-owner <email-or-username>",
      "the account that becomes the Owner of the teams the import creates (members are not configuration)",
    )
    .option("--json", 'print JSON: { outcome, changes, unchanged, secrets } or { outcome: "invalid", problems }')
    .action((file: string, opts: { dryRun?: boolean; format?: ConfigFormat; teamOwner?: string; json?: boolean }) =>
      withCliContext(async (cli) => {
        const text = await readInput(file);
        let teamOwnerId: string | null = null;
        if (opts.teamOwner) {
          const owner = await cli.services.accounts.findByIdentifier(opts.teamOwner);
          if (!owner) throw noSuchUser(`--team-owner ${opts.teamOwner}`);
          teamOwnerId = owner.id;
        }
        const dryRun = Boolean(opts.dryRun);
        const result = await configIoOf(cli).import(text, {
          format: opts.format,
          fileName: file === "-" ? undefined : file,
          dryRun,
          teamOwnerId,
        });
        if (opts.json) {
          out(JSON.stringify(result));
          if (result.outcome === "invalid") process.exitCode = 2;
          return;
        }
        if (result.outcome === "invalid")
          throw new CliError(
            `${file}: nothing was changed; ${result.problems.length} problem(s):\n${result.problems.map((p) => `  ${p.path}: ${p.message}`).join("\n")}`,
          );
        report(out, result, dryRun);
      }),
    );
}
