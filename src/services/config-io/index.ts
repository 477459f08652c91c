// Configuration as code, one use case for `gatehouse export` and `gatehouse import` (src/cli/config-commands.ts):
// export writes clients, custom system roles and teams with their roles as YAML or JSON (schema.ts); import reads
// such a file, checks all of it first (shape, then the use cases' own rules: validate-*.ts; every problem listed
// with its path, nothing written on any), works out what differs (diff-*.ts) and writes it in one transaction with
// its audit events (actor "cli", via "import"). What the database has and the file does not name is left alone, so
// importing the same file twice changes nothing the second time; a dry run stops after the diff.
import type { Clock } from "../../lib/clock.ts";
import { randomToken, sha256 } from "../../lib/crypto.ts";
import { createPermissionRegistry, type DefaultRole, type PermissionRegistry } from "../../authz/registry.ts";
import type { ConfigIoQueries, ConfigSnapshot, ConfigWrites } from "../../queries/config-io.ts";
import type { TeamQueries } from "../../queries/teams.ts";
import type { AuditService } from "../audit.ts";
import type { ClientService } from "../clients.ts";
import type { SystemRoleService } from "../system-roles.ts";
import { createTeamService } from "../teams.ts";
import { createTeamAccess, createTeamRoleService } from "../team-roles.ts";
import { configFrom, formatConfig } from "./export.ts";
import { detectFormat, parseConfig, pathText, type ConfigDocument, type ConfigFormat, type ConfigProblem } from "./schema.ts";
import { validateClientPermissions, validateClients } from "./validate-clients.ts";
import { validateSystemRoles, validateTeams } from "./validate-roles.ts";
import { CLI_ACTOR, VIA, diffClientPermissions, diffClients, type Change, type ChangeKind } from "./diff-clients.ts";
import { diffSystemRoles, diffTeams } from "./diff-roles.ts";

export type { Change, ChangeKind, ConfigFormat, ConfigProblem };
export type ImportOptions = { format?: ConfigFormat; fileName?: string; dryRun: boolean; teamOwnerId: string | null };
export type ImportResult =
  | { outcome: "invalid"; problems: ConfigProblem[] }
  | {
      outcome: "planned" | "applied";
      changes: Change[];
      unchanged: Partial<Record<ChangeKind, number>>;
      secrets: { clientId: string; secret: string }[];
    };

type Deps = {
  queries: { configIo: ConfigIoQueries; teams: TeamQueries };
  /** the process's registry (core; plugins and clients' codes are read from the permissions table) */
  registry: PermissionRegistry;
  systemRoles: Pick<SystemRoleService, "validate">;
  audit: AuditService;
  clients: Pick<ClientService, "forget">;
  clock: Clock;
};

/** a registry of everything registered: this process's, and the table's rows (plugins', relying parties') */
function registryOf(own: PermissionRegistry, snap: ConfigSnapshot): PermissionRegistry {
  const scratch = createPermissionRegistry({ strict: false });
  const entries = [
    ...own.list(),
    ...snap.permissions.map((p) => ({ code: p.code, owner: p.owner, label: p.label, tab: p.tab, roles: p.defaultRoles as DefaultRole[] })),
  ];
  for (const p of entries) {
    if (scratch.has(p.code)) continue;
    try {
      scratch.register(p.owner, p.code.slice(0, p.code.lastIndexOf(".")), { [p.code]: { label: p.label, tab: p.tab, roles: p.roles } });
    } catch {
      // a malformed row is not something a role can be given
    }
  }
  return scratch;
}

const emptyWrites = (): ConfigWrites => ({
  clientsCreated: [],
  clientsChanged: [],
  permissions: [],
  newDefaults: [],
  systemRolesCreated: [],
  systemRolesChanged: [],
  teamsCreated: [],
  teamsRenamed: [],
  teamRolesCreated: [],
  teamRolesChanged: [],
});

export function createConfigIo(deps: Deps) {
  const { queries } = deps;

  /** every check and the diff; problems when anything is wrong */
  function plan(doc: ConfigDocument, snap: ConfigSnapshot, teamOwnerId: string | null) {
    const problems: ConfigProblem[] = [];
    const scratch = registryOf(deps.registry, snap);
    const clients = validateClients(doc.clients, snap, problems);
    const permissionRows = validateClientPermissions(doc.clients, clients, snap, scratch, problems);
    const systemRoles = validateSystemRoles(doc.systemRoles, snap, deps.systemRoles, problems);
    const teamService = createTeamService({ teams: queries.teams, registry: scratch });
    const roleService = createTeamRoleService({
      teams: queries.teams,
      registry: scratch,
      access: createTeamAccess({ teams: queries.teams, registry: scratch }),
      audit: deps.audit,
    });
    const teams = validateTeams(doc.teams, snap, { teams: teamService, validateRole: roleService.validate }, problems);
    if (!teamOwnerId) {
      doc.teams.forEach((t, i) => {
        if (!snap.teams.some((e) => e.slug === t.slug))
          problems.push({
            path: pathText(["teams", i, "slug"]),
            message: `there is no team ${t.slug} here: name the account that becomes the Owner of the teams the import creates (--team-owner)`,
          });
      });
    }
    if (problems.length) return { problems };
    const writes = emptyWrites();
    const now = deps.clock.now();
    const clientPart = diffClients(clients, snap, writes, {
      now,
      newSecret: () => {
        const secret = randomToken(32);
        return { secret, hash: sha256(secret) };
      },
    });
    const parts = [clientPart, diffClientPermissions(permissionRows, snap, writes), diffSystemRoles(systemRoles, snap, writes)];
    const teamPart = diffTeams(teams, snap, writes, { ownerId: teamOwnerId, builtInRoles: () => teamService.builtInRoles() });
    const all = [...parts, teamPart];
    const unchanged: Partial<Record<ChangeKind, number>> = {};
    for (const p of all)
      for (const [k, n] of Object.entries(p.unchanged)) unchanged[k as ChangeKind] = (unchanged[k as ChangeKind] ?? 0) + n;
    return {
      writes,
      changes: all.flatMap((p) => p.changes),
      unchanged,
      secrets: clientPart.secrets,
      events: parts.flatMap((p) => p.events),
      teamEvents: teamPart.teamEvents,
    };
  }

  return {
    /** the configuration as a document (for tests and --format) */
    async document(opts: { withSecretHashes: boolean }): Promise<ConfigDocument> {
      return configFrom(await queries.configIo.snapshot(), opts);
    },

    async export(opts: { withSecretHashes: boolean; format: ConfigFormat }): Promise<string> {
      return formatConfig(await this.document(opts), opts.format);
    },

    /** checks the file, then (unless dryRun) writes what differs in one transaction; see ImportResult */
    async import(text: string, opts: ImportOptions): Promise<ImportResult> {
      const parsed = parseConfig(text, opts.format ?? detectFormat(text, opts.fileName));
      if (!parsed.ok) return { outcome: "invalid", problems: parsed.problems };
      const result = plan(parsed.document, await queries.configIo.snapshot(), opts.teamOwnerId);
      if ("problems" in result) return { outcome: "invalid", problems: result.problems! };
      const { writes, changes, unchanged, secrets } = result;
      if (opts.dryRun || !changes.length) return { outcome: "planned", changes, unchanged, secrets: opts.dryRun ? [] : secrets };
      const summary = Object.fromEntries((["created", "changed"] as const).map((a) => [a, changes.filter((c) => c.action === a).length]));
      await queries.configIo.apply(writes, (teamIds) => [
        ...result.events,
        ...result.teamEvents.map((e) => e(teamIds)),
        { type: "config.imported", outcome: "success", actorId: CLI_ACTOR, data: { ...summary, via: VIA } },
      ]);
      for (const c of [...writes.clientsCreated, ...writes.clientsChanged]) deps.clients.forget(c.id);
      return { outcome: "applied", changes, unchanged, secrets };
    },
  };
}

export type ConfigIo = ReturnType<typeof createConfigIo>;
