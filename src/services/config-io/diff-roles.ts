// What an import changes for system roles, teams and team roles: the writes, the changes as the operator reads
// them, and the audit events (actor "cli", via "import"). A team the import creates gets its built-in roles (the
// file's Manager and Developer sets, or the defaults) and `ownerId` as its Owner: members are not configuration,
// but a team without an Owner could never be managed or handed over. Team events name their team's id, which a
// new team only has once written (events are made from the slug -> id map inside the import's transaction).
import type { NewAuditEvent } from "../../queries/audit-events.ts";
import type { ConfigSnapshot, ConfigWrites } from "../../queries/config-io.ts";
import { CLI_ACTOR, VIA, type Change, type PlanPart } from "./diff-clients.ts";
import type { ValidSystemRole, ValidTeam } from "./validate-roles.ts";

const same = (a: readonly string[], b: readonly string[]) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
type TeamEvent = (teamIds: ReadonlyMap<string, string>) => NewAuditEvent;
export type RolePlan = PlanPart & { teamEvents: TeamEvent[] };

export function diffSystemRoles(valid: ValidSystemRole[], snap: ConfigSnapshot, writes: ConfigWrites): PlanPart {
  const part: PlanPart = { changes: [], unchanged: {}, events: [] };
  for (const r of valid) {
    const existing = snap.systemRoles.find((e) => e.key === r.key);
    if (!existing) {
      writes.systemRolesCreated.push(r);
      part.changes.push({ kind: "system role", name: r.key, action: "created", fields: [] });
      part.events.push({ type: "system_role.created", outcome: "success", actorId: CLI_ACTOR, data: { ...r, via: VIA } });
      continue;
    }
    const data = {
      ...(existing.name !== r.name ? { name: r.name } : {}),
      ...(!same(existing.permissions, r.permissions) ? { permissions: r.permissions } : {}),
    };
    if (!Object.keys(data).length) {
      part.unchanged["system role"] = (part.unchanged["system role"] ?? 0) + 1;
      continue;
    }
    writes.systemRolesChanged.push({ key: r.key, data });
    part.changes.push({ kind: "system role", name: r.key, action: "changed", fields: Object.keys(data) });
    part.events.push({
      type: "system_role.updated",
      outcome: "success",
      actorId: CLI_ACTOR,
      data: {
        key: r.key,
        before: { name: existing.name, permissions: existing.permissions },
        after: { name: r.name, permissions: r.permissions },
        via: VIA,
      },
    });
  }
  return part;
}

/** the file's roles of one team against the database's (none for a new team); built-in roles of a new team are made with it */
function diffTeamRoles(team: ValidTeam, created: boolean, snap: ConfigSnapshot, writes: ConfigWrites, part: RolePlan): void {
  const existing = snap.teams.find((t) => t.slug === team.slug)?.roles ?? [];
  const pushed = (key: string) => writes.newDefaults.filter((d) => d.role === key).map((d) => d.code);
  const roleEvent =
    (type: string, data: Record<string, string | string[]>): TeamEvent =>
    (ids) => ({ type, outcome: "success", actorId: CLI_ACTOR, data: { teamId: ids.get(team.slug) ?? "", ...data, via: VIA } });
  for (const role of team.roles) {
    if (created && role.builtIn) continue;
    const label = `${team.slug}/${role.key}`;
    const current = existing.find((r) => r.key === role.key);
    if (!current) {
      writes.teamRolesCreated.push({ slug: team.slug, key: role.key, name: role.name, permissions: role.permissions });
      part.changes.push({ kind: "team role", name: label, action: "created", fields: [] });
      part.teamEvents.push(roleEvent("team.role.created", { role: role.key, name: role.name, permissions: role.permissions }));
      continue;
    }
    const fields = [
      ...(current.name !== role.name ? ["name"] : []),
      ...(!same(current.permissions, role.permissions) ? ["permissions"] : []),
    ];
    // a permission registered by this import joins built-in roles first (as a registration does); the file's set wins
    const afterPush = current.builtIn ? [...new Set([...current.permissions, ...pushed(role.key)])] : current.permissions;
    if (fields.length || !same(afterPush, role.permissions))
      writes.teamRolesChanged.push({ slug: team.slug, key: role.key, data: { name: role.name, permissions: role.permissions } });
    if (!fields.length) {
      part.unchanged["team role"] = (part.unchanged["team role"] ?? 0) + 1;
      continue;
    }
    part.changes.push({ kind: "team role", name: label, action: "changed", fields });
    part.teamEvents.push(
      roleEvent("team.role.updated", { role: role.key, from: current.permissions, permissions: role.permissions, name: role.name }),
    );
  }
}

export function diffTeams(
  valid: ValidTeam[],
  snap: ConfigSnapshot,
  writes: ConfigWrites,
  deps: { ownerId: string | null; builtInRoles: () => { key: string; name: string; permissions: string[] }[] },
): RolePlan {
  const part: RolePlan = { changes: [], unchanged: {}, events: [], teamEvents: [] };
  for (const team of valid) {
    const existing = snap.teams.find((t) => t.slug === team.slug);
    if (!existing) {
      const roles = deps
        .builtInRoles()
        .map((r) => ({ ...r, permissions: team.roles.find((f) => f.builtIn && f.key === r.key)?.permissions ?? r.permissions }));
      writes.teamsCreated.push({ name: team.name, slug: team.slug, ownerId: deps.ownerId ?? "", roles });
      part.changes.push({ kind: "team", name: team.slug, action: "created", fields: [] });
      part.teamEvents.push((ids) => ({
        type: "team.created",
        outcome: "success",
        userId: deps.ownerId,
        actorId: CLI_ACTOR,
        data: { teamId: ids.get(team.slug) ?? "", slug: team.slug, via: VIA },
      }));
    } else if (existing.name !== team.name) {
      writes.teamsRenamed.push({ slug: team.slug, name: team.name });
      part.changes.push({ kind: "team", name: team.slug, action: "changed", fields: ["name"] });
      part.teamEvents.push((ids) => ({
        type: "team.renamed",
        outcome: "success",
        actorId: CLI_ACTOR,
        data: { teamId: ids.get(team.slug) ?? "", from: existing.name, name: team.name, via: VIA },
      }));
    } else {
      part.unchanged.team = (part.unchanged.team ?? 0) + 1;
    }
    diffTeamRoles(team, !existing, snap, writes, part);
  }
  return part;
}

export const countOf = (changes: Change[], kind: Change["kind"], action: Change["action"]) =>
  changes.filter((c) => c.kind === kind && c.action === action).length;
