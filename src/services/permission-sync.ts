// Keeps the permissions table and the in-memory registry in step. At start, core's and plugins' codes are
// written to the table (codes new to it give their default roles to every team's built-in roles, once) and
// relying parties' registrations are read back, so they survive restarts; later, a relying party registers its
// own namespace's codes through registerForClient, and other processes pick those up with refresh().
import type { AuditService } from "./audit.ts";
import pLimit from "p-limit";
import type { Logger } from "../lib/logger.ts";
import { StartupError } from "../lib/startup-error.ts";
import type { Permission, PermissionQueries } from "../queries/permissions.ts";
import type { TeamQueries } from "../queries/teams.ts";
import type { ClientService } from "./clients.ts";
import { type PermissionDefinition, type PermissionRegistry, type RegisteredPermission } from "../authz/registry.ts";
import { inNamespace } from "../authz/namespaces.ts";
import { PERMISSION_CODE } from "../authz/wildcards.ts";
import { registerPlugins, type LoadedPlugin } from "../plugins/loader.ts";
import { worded, type Worded } from "../lib/i18n/refusal.ts";

const CLIENT_OWNER_PREFIX = "client:";
export const clientOwner = (clientId: string) => `${CLIENT_OWNER_PREFIX}${clientId}`;

/** how many codes one relying party may register in all (the table and every process's registry hold them) */
export const MAX_CLIENT_PERMISSIONS = 500;

export type ClientRegistration =
  | { outcome: "registered"; namespace: string; added: string[]; permissions: RegisteredPermission[] }
  | { outcome: "unknown_client" }
  | { outcome: "no_namespace" }
  | { outcome: "outside_namespace"; namespace: string; codes: string[] }
  | { outcome: "taken"; codes: string[] }
  | { outcome: "too_many"; limit: number }
  | ({ outcome: "invalid" } & Worded);

export function createPermissionSync(deps: {
  registry: PermissionRegistry;
  audit: AuditService;
  permissions: PermissionQueries;
  teams: TeamQueries;
  clients: Pick<ClientService, "find">;
  log: Logger;
}) {
  const { registry, permissions, teams, clients, log } = deps;
  // one registration at a time in this process: the ownership checks and the writes must not interleave
  const serial = pLimit(1);

  const toRow = (p: RegisteredPermission) => ({ code: p.code, label: p.label, tab: p.tab, owner: p.owner, defaultRoles: p.roles });

  /** writes the entries; codes new to the table give their default roles to every team's built-in roles */
  async function write(entries: RegisteredPermission[], known: ReadonlySet<string>): Promise<string[]> {
    if (!entries.length) return [];
    const fresh = entries.filter((p) => !known.has(p.code));
    // roles first, rows second: a crash in between grants again at the next start (a no-op where granted)
    // instead of never
    for (const p of fresh) for (const role of p.roles) await teams.addToBuiltInRoles(role, p.code);
    await permissions.upsertMany(entries.map(toRow));
    return fresh.map((p) => p.code).sort();
  }

  /** registers what relying parties registered earlier (rows owned by "client:<id>"); conflicts go to onConflict */
  async function readBackClients(rows: Permission[], onConflict: (message: string) => void): Promise<void> {
    const byOwner = new Map<string, Permission[]>();
    for (const row of rows) if (row.owner.startsWith(CLIENT_OWNER_PREFIX)) byOwner.set(row.owner, [...(byOwner.get(row.owner) ?? []), row]);
    for (const [owner, owned] of byOwner) {
      const clientId = owner.slice(CLIENT_OWNER_PREFIX.length);
      const namespace = (await clients.find(clientId))?.permissionNamespace;
      if (!namespace) {
        log.warn({ clientId, codes: owned.length }, "permissions of a client that is gone or has no namespace are not registered");
        continue;
      }
      const definitions: Record<string, PermissionDefinition> = {};
      for (const row of owned) {
        const holder = registry.get(row.code)?.owner;
        if (!inNamespace(row.code, namespace))
          log.warn({ clientId, code: row.code, namespace }, "a client's permission outside its current namespace is not registered");
        else if (holder && holder !== owner)
          onConflict(
            `permission "${row.code}" was registered by client ${clientId} through the API and is also declared by ${holder}: remove it from one of them`,
          );
        else
          definitions[row.code] = {
            label: row.label,
            tab: row.tab,
            roles: row.defaultRoles.filter((r): r is "manager" | "developer" => r === "manager" || r === "developer"),
          };
      }
      registry.register(owner, namespace, definitions);
    }
  }

  /** the registration itself, one at a time in this process (the table arbitrates between processes) */
  const registerCodes = (clientId: string, definitions: Record<string, PermissionDefinition>) =>
    serial(async (): Promise<ClientRegistration> => {
      const client = await clients.find(clientId);
      if (!client || client.disabled) return { outcome: "unknown_client" };
      const namespace = client.permissionNamespace;
      if (!namespace) return { outcome: "no_namespace" };
      const codes = Object.keys(definitions);
      const outside = codes.filter((c) => !inNamespace(c, namespace));
      if (outside.length) return { outcome: "outside_namespace", namespace, codes: outside };
      // a plugin's (or core's) namespace is theirs even for codes they have not registered yet
      const others = new Set(
        registry
          .list()
          .map((p) => p.owner)
          .filter((o) => !o.startsWith("client:")),
      );
      const intruding = codes.filter((c) => [...others].some((ns) => inNamespace(c, ns)));
      if (intruding.length) return { outcome: "taken", codes: intruding.sort() };

      const owner = clientOwner(clientId);
      // the table is the arbiter between processes; this process's registry also knows plugins and core
      const rows = await permissions.list();
      const tableOwner = new Map(rows.map((r) => [r.code, r.owner]));
      const taken = codes.filter((c) => [registry.get(c)?.owner, tableOwner.get(c)].some((o) => o !== undefined && o !== owner));
      if (taken.length) return { outcome: "taken", codes: taken.sort() };
      const total = new Set([...rows.filter((r) => r.owner === owner).map((r) => r.code), ...codes]).size;
      if (total > MAX_CLIENT_PERMISSIONS) return { outcome: "too_many", limit: MAX_CLIENT_PERMISSIONS };

      const entries: RegisteredPermission[] = Object.entries(definitions).map(([code, def]) => ({
        code,
        owner,
        label: def.label.trim(),
        tab: def.tab.trim(),
        roles: [...new Set(def.roles ?? [])],
      }));
      const bad = entries.find((e) => !PERMISSION_CODE.test(e.code) || !e.label || !e.tab);
      if (bad) return { outcome: "invalid", ...worded("adminCfg.permissionIssue.badDefinition", { code: bad.code }) };
      // checked above, so the registry accepts what the table now holds
      const added = await write(entries, new Set(tableOwner.keys()));
      registry.register(owner, namespace, definitions);
      return { outcome: "registered", namespace, added, permissions: registry.listByOwner(owner) };
    });

  return {
    /** at start, after core registered: plugins, then relying parties' codes from the table, then the write */
    async start(plugins: readonly LoadedPlugin[]): Promise<{ added: string[] }> {
      registerPlugins(registry, plugins);
      const rows = await permissions.list();
      await readBackClients(rows, (message) => {
        throw new StartupError(message);
      });
      const ours = registry.list().filter((p) => !p.owner.startsWith(CLIENT_OWNER_PREFIX));
      const added = await write(ours, new Set(rows.map((r) => r.code)));
      if (added.length) log.info({ added }, "new permissions registered");
      return { added };
    },

    /** picks up what relying parties registered through other processes */
    refresh: () =>
      serial(async () => {
        await readBackClients(await permissions.list(), (message) => log.error(message));
      }),

    /**
     * a relying party registers codes of its own namespace (idempotent; nothing changes unless all are accepted);
     * audited as permission.registered (success, or failure with the refusal)
     */
    async registerForClient(
      clientId: string,
      definitions: Record<string, PermissionDefinition>,
      request: { ip: string | null; userAgent: string | null },
    ): Promise<ClientRegistration> {
      const result = await registerCodes(clientId, definitions);
      const codes = Object.keys(definitions).sort();
      await deps.audit.record({
        type: "permission.registered",
        outcome: result.outcome === "registered" ? "success" : "failure",
        clientId,
        ...request,
        data:
          result.outcome === "registered" ? { namespace: result.namespace, codes, added: result.added } : { reason: result.outcome, codes },
      });
      return result;
    },

    /** what a relying party has registered */
    listForClient: (clientId: string) => registry.listByOwner(clientOwner(clientId)),
  };
}

export type PermissionSync = ReturnType<typeof createPermissionSync>;
