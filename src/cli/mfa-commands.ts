// `gatehouse require-mfa`: require a second factor of every holder of a system role (--role <key>) or every
// member of a team (--team <slug or id>), or stop (--off). The same use case as the admin pages and
// PUT /api/v1/{system-roles/<key>,teams/<id>}/mfa-required (services.mfaRequirements), audited with the actor "cli".
// Holders or members without TOTP or a passkey set up TOTP at their next sign-in (flows/login/enrol.ts).
import type { Command } from "commander";
import { CATALOGUE } from "../lib/error-catalogue.ts";
import { withCliContext, CliError } from "./context.ts";

const CLI_REQUEST = { ip: null, userAgent: "gatehouse-cli" };

export function registerMfaCommands(program: Command, out: (line: string) => void): void {
  program
    .command("require-mfa")
    .description(
      "require a second factor of a system role's holders or a team's members (enrolment forced at their next sign-in); --off stops",
    )
    .option("--role <key>", "the system role's key")
    .option("--team <team>", "the team's slug or id")
    .option("--off", "stop requiring it")
    .option("--json", "print JSON: { role | team, required }")
    .action((opts: { role?: string; team?: string; off?: boolean; json?: boolean }) =>
      withCliContext(async ({ services }) => {
        if (Boolean(opts.role) === Boolean(opts.team)) throw new CliError("name exactly one of --role <key> or --team <slug or id>");
        const on = !opts.off;
        if (opts.role) {
          const result = await services.mfaRequirements.setForSystemRole("cli", opts.role, on, CLI_REQUEST);
          if (result.outcome === "not_found") throw new CliError(`--role: ${CATALOGUE["system_role.not_found"].message}`);
          if (opts.json) return out(JSON.stringify({ role: opts.role, required: on }));
          return out(on ? `Holders of ${opts.role} must now have a second factor.` : `${opts.role} no longer requires a second factor.`);
        }
        const team = (await services.teamAdmin.findBySlug(opts.team!)) ?? (await services.teamAdmin.find(opts.team!));
        if (!team) throw new CliError(`--team: ${CATALOGUE["team.not_found"].message}`);
        await services.mfaRequirements.setForTeam("cli", team.id, on, CLI_REQUEST);
        if (opts.json) return out(JSON.stringify({ team: team.slug, required: on }));
        out(on ? `Members of ${team.slug} must now have a second factor.` : `${team.slug} no longer requires a second factor.`);
      }),
    );
}
