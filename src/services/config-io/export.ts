// `gatehouse export`: the configuration the database holds, as the file import reads. Sorted by client id, role
// key and team slug (never by creation time), so two instances with the same configuration export the same text.
// Client secrets are kept only as SHA-256 digests; withSecretHashes adds the digest (an instance importing it keeps
// the same secret working), otherwise no secret material leaves.
import { stringify } from "yaml";
import type { ConfigSnapshot } from "../../queries/config-io.ts";
import { clientOwner } from "../permission-sync.ts";
import { CONFIG_VERSION, type ConfigDocument, type ConfigFormat } from "./schema.ts";

export const BUILT_IN_EDITABLE = ["manager", "developer"] as const;
const sorted = (list: readonly string[]) => [...list].sort();

export function configFrom(snap: ConfigSnapshot, opts: { withSecretHashes: boolean }): ConfigDocument {
  const clients = snap.clients.map((c) => ({
    id: c.id,
    name: c.name,
    type: c.type,
    ...(opts.withSecretHashes && c.secretHash ? { secretHash: c.secretHash } : {}),
    redirectUris: c.redirectUris,
    postLogoutRedirectUris: c.postLogoutRedirectUris,
    grantTypes: c.grantTypes,
    scope: c.scope,
    resources: c.resources,
    firstParty: c.firstParty,
    backchannelLogoutUri: c.backchannelLogoutUri,
    permissionNamespace: c.permissionNamespace,
    idTokenSigningAlg: c.idTokenSigningAlg,
    endsWithSession: c.endsWithSession,
    offlineAccessWithoutPrompt: c.offlineAccessWithoutPrompt,
    permissions: snap.permissions
      .filter((p) => p.owner === clientOwner(c.id))
      .map((p) => ({ code: p.code, label: p.label, tab: p.tab, defaultRoles: sorted(p.defaultRoles) as ("manager" | "developer")[] })),
  }));
  const systemRoles = snap.systemRoles
    .filter((r) => !r.builtIn)
    .map((r) => ({ key: r.key, name: r.name, permissions: sorted(r.permissions) }));
  const teams = snap.teams.map((t) => ({
    slug: t.slug,
    name: t.name,
    roles: [
      ...BUILT_IN_EDITABLE.flatMap((key) =>
        t.roles.filter((r) => r.builtIn && r.key === key).map((r) => ({ key: r.key, permissions: sorted(r.permissions) })),
      ),
      ...t.roles
        .filter((r) => !r.builtIn)
        .sort((a, b) => a.key.localeCompare(b.key))
        .map((r) => ({ key: r.key, name: r.name, permissions: sorted(r.permissions) })),
    ],
  }));
  return { version: CONFIG_VERSION, clients, systemRoles, teams };
}

const HEADER = [
  "Gatehouse configuration (gatehouse export). Apply with: gatehouse import [--dry-run] FILE",
  "Clients, custom system roles, teams and their roles. Not people: users, members and invitations are data.",
];

export function formatConfig(doc: ConfigDocument, format: ConfigFormat): string {
  if (format === "json") return `${JSON.stringify(doc, null, 2)}\n`;
  return `${HEADER.map((l) => `# ${l}`).join("\n")}\n${stringify(doc, { lineWidth: 0 })}`;
}
