// An import's system roles, teams and team roles, checked by the rules their use cases apply (system-roles.ts
// validate, teams.ts validateTeam, team-roles.ts validate: names, known grants, no admin codes in team roles, "*"
// for Super Admin and the Owner only) plus what a file adds: unique keys and slugs, and names that clash with no
// other role of the team. Team role grants are checked against the import's registry (core, plugins, and the
// clients' permissions as the file leaves them). Every problem is collected with its path; nothing here writes.
import type { SystemRoleService } from "../system-roles.ts";
import type { TeamService } from "../teams.ts";
import type { TeamRoleService } from "../team-roles.ts";
import { BUILT_IN_TEAM_ROLES } from "../../authz/core-permissions.ts";
import type { ConfigSnapshot } from "../../queries/config-io.ts";
import { pathText, type ConfigDocument, type ConfigProblem, type TeamEntry } from "./schema.ts";

export type ValidSystemRole = { key: string; name: string; permissions: string[] };
export type ValidTeamRole = { key: string; name: string; permissions: string[]; builtIn: boolean };
export type ValidTeam = { slug: string; name: string; roles: ValidTeamRole[] };

const ROLE_KEY = /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/;
const builtInName = (key: string) => BUILT_IN_TEAM_ROLES.find((r) => r.key === key)?.name;

export function validateSystemRoles(
  entries: ConfigDocument["systemRoles"],
  snap: ConfigSnapshot,
  systemRoles: Pick<SystemRoleService, "validate">,
  problems: ConfigProblem[],
): ValidSystemRole[] {
  const valid: ValidSystemRole[] = [];
  const seen = new Map<string, number>();
  entries.forEach((entry, i) => {
    const at = (field: string) => pathText(["systemRoles", i, field]);
    if (seen.has(entry.key))
      problems.push({ path: at("key"), message: `the system role ${entry.key} is also systemRoles[${seen.get(entry.key)}]` });
    seen.set(entry.key, i);
    if (snap.systemRoles.some((r) => r.key === entry.key && r.builtIn)) {
      problems.push({ path: at("key"), message: `${entry.key} is a built-in system role and cannot be changed` });
      return;
    }
    const checked = systemRoles.validate(entry);
    if ("outcome" in checked) problems.push({ path: at(checked.field), message: checked.message });
    else valid.push(checked);
  });
  return valid;
}

function validateTeamRoles(
  team: TeamEntry,
  i: number,
  snap: ConfigSnapshot,
  validate: TeamRoleService["validate"],
  problems: ConfigProblem[],
): ValidTeamRole[] {
  const roles: ValidTeamRole[] = [];
  const existing = snap.teams.find((t) => t.slug === team.slug)?.roles ?? [];
  team.roles.forEach((entry, j) => {
    const at = (field: string) => pathText(["teams", i, "roles", j, field]);
    if (entry.key === "owner")
      return problems.push({ path: at("key"), message: "the Owner role holds every permission (*) and cannot be changed" });
    if (roles.some((r) => r.key === entry.key))
      return problems.push({ path: at("key"), message: `the role ${entry.key} is listed twice in this team` });
    const fixedName = builtInName(entry.key);
    if (fixedName && entry.name !== undefined && entry.name !== fixedName)
      return problems.push({ path: at("name"), message: `${fixedName} is a built-in role: its name cannot change` });
    if (!fixedName && !ROLE_KEY.test(entry.key))
      return problems.push({
        path: at("key"),
        message: "role keys have 1 to 48 lower-case letters, digits or dashes (not at the start or end)",
      });
    if (!fixedName && entry.name === undefined) return problems.push({ path: at("name"), message: "a custom role needs a name" });
    const checked = validate({ name: fixedName ?? entry.name!, permissions: entry.permissions });
    if ("outcome" in checked)
      return problems.push({
        path: at(checked.outcome === "invalid" && checked.field === "name" ? "name" : "permissions"),
        message: "message" in checked ? checked.message : checked.outcome,
      });
    const lower = checked.name.toLowerCase();
    const clash =
      roles.find((r) => r.name.toLowerCase() === lower) ??
      existing.find((r) => r.key !== entry.key && r.name.toLowerCase() === lower && !team.roles.some((e) => e.key === r.key));
    if (clash) return problems.push({ path: at("name"), message: `this team already has a role called "${checked.name}" (${clash.key})` });
    roles.push({ key: entry.key, name: checked.name, permissions: checked.permissions, builtIn: Boolean(fixedName) });
  });
  return roles;
}

export function validateTeams(
  entries: TeamEntry[],
  snap: ConfigSnapshot,
  deps: { teams: Pick<TeamService, "validateTeam">; validateRole: TeamRoleService["validate"] },
  problems: ConfigProblem[],
): ValidTeam[] {
  const valid: ValidTeam[] = [];
  const seen = new Map<string, number>();
  entries.forEach((entry, i) => {
    const at = (field: string) => pathText(["teams", i, field]);
    const team = deps.teams.validateTeam({ name: entry.name, slug: entry.slug });
    if ("outcome" in team) return problems.push({ path: at(team.field === "teamName" ? "name" : "slug"), message: team.message });
    if (team.slug !== entry.slug)
      return problems.push({ path: at("slug"), message: `write the team address as Gatehouse keeps it: ${team.slug}` });
    if (seen.has(team.slug))
      return problems.push({
        path: at("slug"),
        message: `the team ${team.slug} is also teams[${seen.get(team.slug)}] (team addresses are unique)`,
      });
    seen.set(team.slug, i);
    valid.push({ ...team, roles: validateTeamRoles(entry, i, snap, deps.validateRole, problems) });
  });
  return valid;
}
