// `gatehouse virtuozzo status|link|confirm|unlink|refresh|revoke|clients --team <slug or id>` (the Virtuozzo plugin, VIRTUOZZO_ENABLED):
// the same use cases as the team page and /api/v1/teams/<id>/virtuozzo/... (services/virtuozzo/), acting as the
// team's current Owner (a link is the Owner's; linkedById stays the Owner) but audited with the actor "cli", like the
// other operator commands. `link` reads the platform password from standard input, never from
// an argument (so it stays out of shell history and the process list); it is checked against the platform first.
import type { Command } from "commander";
import { CATALOGUE } from "../lib/error-catalogue.ts";
import type { Services } from "../wiring/services.ts";
import { withCliContext, CliError } from "./context.ts";

const CLI_REQUEST = { ip: null, userAgent: "gatehouse-cli", actorId: "cli", via: "cli" };

/** typed at a terminal: read without echo (raw mode) up to Enter; Ctrl-C or Ctrl-D gives up */
function readHidden(prompt: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(prompt);
  input.setRawMode(true);
  input.resume();
  input.setEncoding("utf8");
  return new Promise((resolve) => {
    let typed = "";
    const done = (value: string) => {
      input.setRawMode(false);
      input.pause();
      input.off("data", onData);
      process.stderr.write("\n");
      resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") return done(typed);
        if (ch === "\u0003" || ch === "\u0004") return done("");
        typed = ch === "\u007f" || ch === "\b" ? typed.slice(0, -1) : typed + ch;
      }
    };
    input.on("data", onData);
  });
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return readHidden("Platform password (not shown): ");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

/** the team and its Owner, or a clear error */
async function teamOf(services: Services, ref: string | undefined) {
  if (!services.virtuozzo.enabled)
    throw new CliError("the Virtuozzo plugin is off (set VIRTUOZZO_ENABLED=true and VIRTUOZZO_PLATFORM_URLS)");
  if (!ref) throw new CliError("name the team: --team <slug or id>");
  const team = (await services.teamAdmin.findBySlug(ref)) ?? (await services.teamAdmin.find(ref));
  if (!team) throw new CliError(`--team: ${CATALOGUE["team.not_found"].message}`);
  const ownerId = await services.virtuozzo.ownerId(team.id);
  if (!ownerId) throw new CliError(`${team.slug} has no Owner`);
  return { team, ownerId };
}

export function registerVirtuozzoCommands(program: Command, out: (line: string) => void): void {
  const vz = program.command("virtuozzo").description("a team's Virtuozzo platform link and session (acts as the team's Owner)");
  const fail = (r: { outcome: string; message?: string }) => new CliError(r.message ?? r.outcome);

  vz.command("status")
    .description("show the team's link (never its password)")
    .requiredOption("--team <team>", "the team's slug or id")
    .option("--json", "print JSON")
    .action((opts: { team: string; json?: boolean }) =>
      withCliContext(async ({ services }) => {
        const { team, ownerId } = await teamOf(services, opts.team);
        const r = await services.virtuozzo.linkStatus(team.id, ownerId);
        if (r.outcome !== "ok") throw fail(r);
        const v = r.view;
        const view = v
          ? {
              team: team.slug,
              linked: true,
              state: v.state,
              login: v.link.login,
              groupType: v.link.groupType,
              platformUrl: v.link.platformUrl,
              clientIds: v.link.clientIds,
            }
          : { team: team.slug, linked: false };
        out(
          opts.json
            ? JSON.stringify(view)
            : v
              ? `${team.slug}: ${v.state}, ${v.link.login} (${v.link.groupType}) on ${v.link.platformUrl}`
              : `${team.slug}: not linked`,
        );
      }),
    );

  vz.command("link")
    .description("link the team to a platform account; the password is read from standard input")
    .requiredOption("--team <team>", "the team's slug or id")
    .requiredOption("--login <login>", "the platform login (email)")
    .option("--platform <url>", "one of VIRTUOZZO_PLATFORM_URLS (default: the first)")
    .action((opts: { team: string; login: string; platform?: string }) =>
      withCliContext(async ({ services }) => {
        const { team, ownerId } = await teamOf(services, opts.team);
        const password = await readStdin();
        if (!password)
          throw new CliError(
            "give the platform password on standard input, e.g. gatehouse virtuozzo link --team acme --login me@example.com < password-file",
          );
        const r = await services.virtuozzo.link(
          team.id,
          ownerId,
          { login: opts.login, password, ...(opts.platform ? { platformUrl: opts.platform } : {}) },
          CLI_REQUEST,
        );
        if (r.outcome !== "linked") throw fail(r);
        out(`${team.slug} is linked to ${r.view.link.login} (group type ${r.view.link.groupType}).`);
      }),
    );

  vz.command("unlink")
    .description("remove the team's link; its cached session is purged and signed out")
    .requiredOption("--team <team>", "the team's slug or id")
    .action((opts: { team: string }) =>
      withCliContext(async ({ services }) => {
        const { team, ownerId } = await teamOf(services, opts.team);
        const r = await services.virtuozzo.unlink(team.id, ownerId, CLI_REQUEST);
        if (r.outcome !== "unlinked") throw fail(r);
        out(`${team.slug} is no longer linked.`);
      }),
    );

  vz.command("confirm")
    .description("after an ownership transfer: the new Owner takes over the link (the stored credentials are checked again)")
    .requiredOption("--team <team>", "the team's slug or id")
    .action((opts: { team: string }) =>
      withCliContext(async ({ services }) => {
        const { team, ownerId } = await teamOf(services, opts.team);
        const r = await services.virtuozzo.confirm(team.id, ownerId, CLI_REQUEST);
        if (r.outcome !== "confirmed") throw fail(r);
        out(`${team.slug}: the link to ${r.view.link.login} is active again.`);
      }),
    );

  vz.command("refresh")
    .description("sign in to the platform again now (the new session is cached; never printed)")
    .requiredOption("--team <team>", "the team's slug or id")
    .action((opts: { team: string }) =>
      withCliContext(async ({ services }) => {
        const { team, ownerId } = await teamOf(services, opts.team);
        const r = await services.virtuozzo.refresh(team.id, ownerId, CLI_REQUEST);
        if (r.outcome !== "ok") throw fail(r);
        out(`${team.slug}: a new platform session, valid until ${r.expiresAt.toISOString()}.`);
      }),
    );

  vz.command("clients")
    .description("set the relying parties whose client_credentials tokens may get the team's session")
    .requiredOption("--team <team>", "the team's slug or id")
    .requiredOption("--set <clientIds>", "comma-separated client ids (empty: none)")
    .action((opts: { team: string; set: string }) =>
      withCliContext(async ({ services }) => {
        const { team, ownerId } = await teamOf(services, opts.team);
        const r = await services.virtuozzo.setClients(
          team.id,
          ownerId,
          opts.set
            .split(",")
            .map((c) => c.trim())
            .filter(Boolean),
          CLI_REQUEST,
        );
        if (r.outcome !== "set") throw fail(r);
        out(`${team.slug}: authorized clients: ${r.clientIds.join(", ") || "none"}.`);
      }),
    );

  vz.command("revoke")
    .description("forget the team's cached platform session and sign it out")
    .requiredOption("--team <team>", "the team's slug or id")
    .action((opts: { team: string }) =>
      withCliContext(async ({ services }) => {
        const { team, ownerId } = await teamOf(services, opts.team);
        const r = await services.virtuozzo.revoke(team.id, ownerId, CLI_REQUEST);
        if (r.outcome !== "revoked") throw fail(r);
        out(r.hadSession ? `${team.slug}: the cached session was revoked.` : `${team.slug}: there was no cached session.`);
      }),
    );
}
