// `gatehouse team-domains list|add|verify|update|remove --team <slug or id>` (#17 item 3, enterprise SSO per team):
// the same use case as the team's "Domains & SSO" page and /api/v1/teams/<id>/domains (services/federation/
// team-domains.ts), acting as a provider admin on the team (audited with the actor "cli").
import type { Command } from "commander";
import { CATALOGUE } from "../lib/error-catalogue.ts";
import { asAdmin } from "../services/team-admin.ts";
import type { DomainChange, DomainView } from "../services/federation/team-domains.ts";
import type { Services } from "../wiring/services.ts";
import { withCliContext, CliError } from "./context.ts";

const CLI_REQUEST = { ip: null, userAgent: "gatehouse-cli" };
const CLI = asAdmin("cli");

async function teamOf(services: Services, ref: string) {
  const team = (await services.teamAdmin.findBySlug(ref)) ?? (await services.teamAdmin.find(ref));
  if (!team) throw new CliError(`--team: ${CATALOGUE["team.not_found"].message}`);
  return team;
}
/** the team's domain by its name (or id) */
async function domainOf(services: Services, teamId: string, ref: string): Promise<DomainView> {
  const listed = await services.teamDomains.list(teamId, CLI);
  if (listed.outcome !== "ok") throw new CliError(listed.outcome);
  const found = listed.domains.find((d) => d.domain === ref.trim().toLowerCase() || d.id === ref);
  if (!found) throw new CliError(`the team has no domain ${ref}`);
  return found;
}
const fail = (r: { outcome: string; message?: string }) => new CliError(r.message ?? r.outcome);
const line = (d: DomainView) =>
  `${d.domain}: ${d.verifiedAt ? "verified" : `not verified (TXT ${d.recordName} = ${d.recordValue})`}${d.connector ? `, provider ${d.connector.slug}` : ""}${d.ssoRequired ? ", SSO required" : ""}${d.groupRoles.length ? `, groups ${d.groupRoles.map((m) => `${m.group}=${m.role}`).join(" ")}` : ""}`;
const json = (d: DomainView) => ({
  id: d.id,
  domain: d.domain,
  verified: Boolean(d.verifiedAt),
  record: { name: d.recordName, type: "TXT", value: d.recordValue },
  connector: d.connector?.slug ?? null,
  ssoRequired: d.ssoRequired,
  defaultRole: d.defaultRoleKey,
  groupRoles: d.groupRoles,
});
const collect = (v: string, all: string[] = []) => [...all, v];

export function registerTeamSsoCommands(program: Command, out: (line: string) => void): void {
  const cmd = program
    .command("team-domains")
    .description("a team's email domains: DNS verification, home-realm routing, SSO required, groups to roles");
  const print = (d: DomainView, asJson?: boolean) => out(asJson ? JSON.stringify(json(d)) : line(d));

  cmd
    .command("list")
    .requiredOption("--team <team>", "the team's slug or id")
    .option("--json", "print JSON lines")
    .action((opts: { team: string; json?: boolean }) =>
      withCliContext(async ({ services }) => {
        const team = await teamOf(services, opts.team);
        const r = await services.teamDomains.list(team.id, CLI);
        if (r.outcome !== "ok") throw fail(r);
        for (const d of r.domains) print(d, opts.json);
        if (!r.domains.length && !opts.json) out(`${team.slug} has no email domains.`);
      }),
    );

  cmd
    .command("add")
    .description("add a domain; prints the TXT record to publish")
    .requiredOption("--team <team>", "the team's slug or id")
    .requiredOption("--domain <domain>", "e.g. example.com")
    .option("--json", "print JSON")
    .action((opts: { team: string; domain: string; json?: boolean }) =>
      withCliContext(async ({ services }) => {
        const team = await teamOf(services, opts.team);
        const r = await services.teamDomains.add(team.id, CLI, opts.domain, CLI_REQUEST);
        if (r.outcome !== "added") throw fail(r);
        print(r.domain, opts.json);
      }),
    );

  cmd
    .command("verify")
    .description("look up the domain's TXT record (DNS_SERVERS) and verify it")
    .requiredOption("--team <team>", "the team's slug or id")
    .requiredOption("--domain <domain>", "the domain (or its id)")
    .action((opts: { team: string; domain: string }) =>
      withCliContext(async ({ services }) => {
        const team = await teamOf(services, opts.team);
        const r = await services.teamDomains.verify(team.id, CLI, (await domainOf(services, team.id, opts.domain)).id, CLI_REQUEST);
        if (r.outcome !== "verified") throw fail(r);
        print(r.domain);
      }),
    );

  cmd
    .command("update")
    .description("route the domain to a provider, require SSO, map groups to roles")
    .requiredOption("--team <team>", "the team's slug or id")
    .requiredOption("--domain <domain>", "the domain (or its id)")
    .option("--connector <slug>", 'an enabled connector\'s slug ("none": no routing)')
    .option("--sso-required <yes|no>", "refuse passwords and magic links for the domain (the Owner excepted)")
    .option("--default-role <key>", 'role of new members no group maps ("none": developer)')
    .option("--group <group=role>", "an upstream group and the team role key it gives (repeatable; replaces the mapping)", collect)
    .option("--no-groups", "remove every group mapping")
    .action(
      (opts: {
        team: string;
        domain: string;
        connector?: string;
        ssoRequired?: string;
        defaultRole?: string;
        group?: string[];
        groups: boolean;
      }) =>
        withCliContext(async ({ services }) => {
          const team = await teamOf(services, opts.team);
          const change: DomainChange = {};
          if (opts.connector !== undefined) change.connector = opts.connector === "none" ? null : opts.connector;
          if (opts.ssoRequired !== undefined) {
            if (!["yes", "no"].includes(opts.ssoRequired)) throw new CliError("--sso-required: yes or no");
            change.ssoRequired = opts.ssoRequired === "yes";
          }
          if (opts.defaultRole !== undefined) change.defaultRole = opts.defaultRole === "none" ? null : opts.defaultRole;
          if (opts.group)
            change.groupRoles = opts.group.map((g) => {
              const at = g.lastIndexOf("=");
              if (at <= 0) throw new CliError(`--group ${g}: write group=role, e.g. engineering=developer`);
              return { group: g.slice(0, at).trim(), role: g.slice(at + 1).trim() };
            });
          else if (opts.groups === false) change.groupRoles = [];
          const r = await services.teamDomains.update(
            team.id,
            CLI,
            (await domainOf(services, team.id, opts.domain)).id,
            change,
            CLI_REQUEST,
          );
          if (r.outcome !== "updated") throw fail(r);
          print(r.domain);
        }),
    );

  cmd
    .command("remove")
    .requiredOption("--team <team>", "the team's slug or id")
    .requiredOption("--domain <domain>", "the domain (or its id)")
    .action((opts: { team: string; domain: string }) =>
      withCliContext(async ({ services }) => {
        const team = await teamOf(services, opts.team);
        const d = await domainOf(services, team.id, opts.domain);
        const r = await services.teamDomains.remove(team.id, CLI, d.id, CLI_REQUEST);
        if (r.outcome !== "removed") throw fail(r);
        out(`${d.domain} was removed from ${team.slug}.`);
      }),
    );
}
