// The operators' user commands: import-users (CSV, all rows or none, with a dry run), list-users, disable-user,
// enable-user, delete-user and erase-due-accounts (services.accountDeletion). Everything goes through services.userAdmin with the actor "cli"
// (via "cli"), so it is checked and audited exactly as on the admin pages and in the API, and refused in the catalogue's words.
import { CATALOGUE } from "../lib/error-catalogue.ts";
import { refusalCode } from "../services/user-admin-types.ts";
import { adminDeletionRefusal } from "../services/account-deletion.ts";
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { parse, CsvError } from "csv-parse/sync";
import type { SafeUser } from "../queries/users.ts";
import { IMPORT_COLUMNS, DEFAULT_IMPORT_ROLE, type ImportColumn, type ImportRow, type PlannedUser } from "../services/user-import.ts";
import { withCliContext, CliError, type CliContext } from "./context.ts";
import { noSuchUser, refusedOutcome } from "./refusals.ts";

const CLI = { actorId: "cli", via: "cli" } as const;

/** the CSV's rows with their line numbers; a bad header or malformed CSV is one clear error */
export function parseUsersCsv(text: string): ImportRow[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, {
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      bom: true,
      info: true,
    });
  } catch (err) {
    if (err instanceof CsvError) throw new CliError(`the file is not valid CSV: ${err.message}`);
    throw err;
  }
  const header = Object.keys(records[0]?.record ?? {});
  const unknown = header.filter((h) => !(IMPORT_COLUMNS as readonly string[]).includes(h));
  if (unknown.length)
    throw new CliError(`unknown column(s) ${unknown.map((u) => `"${u}"`).join(", ")}; the columns are ${IMPORT_COLUMNS.join(", ")}`);
  if (records.length && !header.includes("email"))
    throw new CliError(`the first line must name the columns, with at least "email" (${IMPORT_COLUMNS.join(", ")})`);
  return records.map(({ record, info }) => {
    const row: ImportRow = { line: info.lines };
    for (const column of IMPORT_COLUMNS) if (record[column] !== undefined) row[column as ImportColumn] = record[column];
    return row;
  });
}

const describePlanned = (u: PlannedUser) =>
  `${u.email} (username ${u.username}${u.name ? `, name ${u.name}` : ""})${u.team ? ` in ${u.team.slug} as ${u.role?.key}` : ""}`;

async function findUser(services: CliContext["services"], identifier: string): Promise<SafeUser> {
  const user = await services.userAdmin.find(identifier);
  if (!user) throw noSuchUser(identifier);
  return user;
}

function printUsers(out: (line: string) => void, users: SafeUser[]): void {
  if (!users.length) return out("No users match.");
  const rows = users.map((u) => [
    u.id,
    u.email,
    u.username,
    u.disabled ? "disabled" : "active",
    u.systemRole ?? "-",
    u.createdAt.toISOString(),
  ]);
  const header = ["ID", "EMAIL", "USERNAME", "STATE", "SYSTEM ROLE", "CREATED"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [header, ...rows])
    out(
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    );
}

export function registerUserCommands(program: Command, out: (line: string) => void): void {
  program
    .command("import-users")
    .description("create verified accounts (no password: they set one through a reset link) from a CSV file; all rows or none")
    .argument(
      "<file>",
      `CSV with a header line; columns: email, username (default: the email's local part), name, team (slug), role (team role key, default ${DEFAULT_IMPORT_ROLE})`,
    )
    .option("--dry-run", "check every row and print what would be created; change nothing")
    .option("--send-reset", "email each new account a password reset link")
    .action((file: string, opts: { dryRun?: boolean; sendReset?: boolean }) =>
      withCliContext(async ({ services }) => {
        const text = await readFile(file, "utf8").catch((err: NodeJS.ErrnoException) => {
          throw new CliError(`${file}: ${err.code === "ENOENT" ? "no such file" : err.message}`);
        });
        const rows = parseUsersCsv(text);
        if (!rows.length) throw new CliError(`${file}: no rows to import`);
        const result = await services.userAdmin.import.run(
          rows,
          { dryRun: Boolean(opts.dryRun), sendResets: Boolean(opts.sendReset) },
          CLI,
        );
        if (result.outcome === "invalid") {
          for (const e of result.errors) out(`line ${e.line}, ${e.column}: ${e.reason}`);
          const bad = new Set(result.errors.map((e) => e.line)).size;
          throw new CliError(`${bad} of ${rows.length} row(s) are invalid; nothing was imported`);
        }
        if (result.outcome === "conflict") throw new CliError(result.message);
        if (result.outcome === "dry_run") {
          out(`Dry run: all ${rows.length} row(s) are valid. Without --dry-run this creates:`);
          for (const u of result.users) out(`  line ${u.line}: ${describePlanned(u)}`);
          return out(`Nothing was changed.${opts.sendReset ? " With --send-reset each would be emailed a reset link." : ""}`);
        }
        out(`Imported ${result.users.length} account(s):`);
        for (const u of result.users) out(`  line ${u.line}: ${describePlanned(u)}  id ${u.id}`);
        out(
          opts.sendReset
            ? `Emailed ${result.resetsSent} password reset link(s); they work for PASSWORD_RESET_TTL.`
            : "They have no password yet: each sets one through /forgot-password (or import with --send-reset).",
        );
      }),
    );

  program
    .command("list-users")
    .description("list accounts, newest first")
    .option("--query <text>", "part of the email or username (any case)")
    .option("--team <slug>", "members of this team only")
    .option("--disabled", "disabled accounts only")
    .option("--limit <n>", "how many (1-100)", "50")
    .option("--cursor <cursor>", "the next page (printed at the end of a full page)")
    .option("--json", "print JSON: { users, nextCursor }")
    .action((opts: { query?: string; team?: string; disabled?: boolean; limit: string; cursor?: string; json?: boolean }) =>
      withCliContext(async ({ services }) => {
        const team = opts.team ? await services.userAdmin.teamBySlug(opts.team) : null;
        if (opts.team && !team) throw new CliError(`--team: no team with the slug "${opts.team}"`);
        const limit = /^\d+$/.test(opts.limit) ? Number(opts.limit) : Number.NaN;
        const result = await services.userAdmin.search(
          { query: opts.query, teamId: team?.id, disabled: opts.disabled ? true : undefined, cursor: opts.cursor, limit },
          CLI,
        );
        if (result.outcome === "invalid") throw new CliError(`--${result.field}: ${result.message}`);
        if (opts.json) return out(JSON.stringify({ users: result.users, nextCursor: result.nextCursor }));
        printUsers(out, result.users);
        if (result.nextCursor) out(`More: add --cursor ${result.nextCursor}`);
      }),
    );

  program
    .command("disable-user")
    .description("disable an account: it cannot sign in, every session ends and every refresh token is revoked")
    .argument("<user>", "email, username or id")
    .action((identifier: string) =>
      withCliContext(async ({ services, embeddedRedis }) => {
        const user = await findUser(services, identifier);
        const result = await services.userAdmin.disable(user.id, CLI);
        // the catalogue's words, as on the admin page and in the API (the CLI acts as "cli": never "self" or outranked)
        if (result.outcome === "not_found") throw noSuchUser(identifier);
        if (result.outcome !== "disabled") throw refusedOutcome(result.outcome, refusalCode(result.outcome), user.email);
        out(
          `${result.changed ? "Disabled" : "Already disabled:"} ${user.email}; ended ${result.sessions} session(s) and revoked ${result.grants} grant(s).`,
        );
        // without REDIS_URL sessions live in the server's memory only: none survives its restart, none is reachable from here
        if (embeddedRedis)
          out(
            "REDIS_URL is not set: sessions live only in the server's memory, which this command cannot reach; restart the server to end them.",
          );
      }),
    );

  program
    .command("delete-user")
    .description(
      "delete an account for good: sessions end, tokens are revoked, teams where it is alone go, its audit events are pseudonymised, it is emailed",
    )
    .argument("<user>", "email, username or id")
    .action((identifier: string) =>
      withCliContext(async ({ services, embeddedRedis }) => {
        const user = await findUser(services, identifier);
        const result = await services.accountDeletion.deleteUser(user.id, CLI);
        if (result.outcome !== "deleted") {
          const code = adminDeletionRefusal(result.outcome)!;
          const teams = result.outcome === "owns_teams" ? ` (${result.teams.map((t) => t.slug).join(", ")})` : "";
          if (result.outcome === "not_found") throw noSuchUser(identifier);
          throw new CliError(`${user.email}: ${CATALOGUE[code].message}${teams}`);
        }
        out(`Deleted ${user.email}${result.teamsDeleted ? ` and ${result.teamsDeleted} team(s) where it was the only member` : ""}.`);
        if (embeddedRedis)
          out(
            "REDIS_URL is not set: sessions live only in the server's memory, which this command cannot reach; restart the server to end them.",
          );
      }),
    );

  program
    .command("erase-due-accounts")
    .description("erase the accounts whose deletion grace period (ACCOUNT_DELETION_GRACE_DAYS) has ended; the retention job does this too")
    .action(() =>
      withCliContext(async ({ services }) => {
        const result = await services.accountDeletion.eraseDue();
        out(`Erased ${result.erased} account(s) whose grace period ended.`);
        for (const f of result.failed) out(`  not erased: ${f.userId}: ${f.reason}`);
        if (result.failed.length) throw new CliError(`${result.failed.length} account(s) could not be erased`);
      }),
    );

  program
    .command("enable-user")
    .description("enable a disabled account (it signs in again; ended sessions stay ended)")
    .argument("<user>", "email, username or id")
    .action((identifier: string) =>
      withCliContext(async ({ services }) => {
        const user = await findUser(services, identifier);
        const result = await services.userAdmin.enable(user.id, CLI);
        if (result.outcome === "not_found") throw noSuchUser(identifier);
        if (result.outcome !== "enabled") throw refusedOutcome(result.outcome, refusalCode(result.outcome), user.email);
        out(result.changed ? `Enabled ${user.email}.` : `${user.email} was not disabled.`);
      }),
    );
}
