// What an import changes for clients and the permissions they registered: the writes, the changes as the operator
// reads them (created / which fields changed), and the audit events (actor "cli", via "import"). A client in the
// file without secretHash keeps its secret; a new confidential one gets a fresh secret (returned, shown once).
import type { NewAuditEvent } from "../../queries/audit-events.ts";
import type { ConfigSnapshot, ConfigWrites, PermissionRow } from "../../queries/config-io.ts";
import type { ValidClient } from "./validate-clients.ts";

export type Change = { kind: ChangeKind; name: string; action: "created" | "changed"; fields: string[] };
export type ChangeKind = "client" | "client permission" | "system role" | "team" | "team role";
export type PlanPart = { changes: Change[]; unchanged: Partial<Record<ChangeKind, number>>; events: NewAuditEvent[] };

export const CLI_ACTOR = "cli";
export const VIA = "import";
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const CLIENT_FIELDS = [
  "name",
  "redirectUris",
  "postLogoutRedirectUris",
  "grantTypes",
  "scope",
  "resources",
  "firstParty",
  "backchannelLogoutUri",
  "permissionNamespace",
  "idTokenSigningAlg",
  "endsWithSession",
  "offlineAccessWithoutPrompt",
] as const;

export function diffClients(
  valid: ValidClient[],
  snap: ConfigSnapshot,
  writes: ConfigWrites,
  deps: { now: Date; newSecret: () => { secret: string; hash: string } },
): PlanPart & { secrets: { clientId: string; secret: string }[] } {
  const part: PlanPart & { secrets: { clientId: string; secret: string }[] } = { changes: [], unchanged: {}, events: [], secrets: [] };
  const event = (type: string, c: ValidClient, data: Record<string, string | string[]> = {}) =>
    part.events.push({ type, outcome: "success", clientId: c.id, actorId: CLI_ACTOR, data: { name: c.name, ...data, via: VIA } });
  for (const c of valid) {
    const existing = snap.clients.find((e) => e.id === c.id);
    const settings = Object.fromEntries(CLIENT_FIELDS.map((f) => [f, c[f]])) as Pick<ValidClient, (typeof CLIENT_FIELDS)[number]>;
    if (!existing) {
      let secretHash = c.secretHash ?? null;
      if (c.type === "confidential" && !secretHash) {
        const made = deps.newSecret();
        part.secrets.push({ clientId: c.id, secret: made.secret });
        secretHash = made.hash;
      }
      writes.clientsCreated.push({
        id: c.id,
        type: c.type,
        secretHash,
        tokenEndpointAuthMethod: c.type === "confidential" ? "client_secret_basic" : "none",
        ...settings,
      });
      part.changes.push({ kind: "client", name: `${c.id} (${c.name})`, action: "created", fields: [] });
      event("client.created", c, { type: c.type });
      continue;
    }
    const fields: (typeof CLIENT_FIELDS)[number][] = CLIENT_FIELDS.filter((f) => !same(existing[f], settings[f]));
    const secretChanged = Boolean(c.secretHash && c.secretHash !== existing.secretHash);
    if (!fields.length && !secretChanged) {
      part.unchanged.client = (part.unchanged.client ?? 0) + 1;
      continue;
    }
    const data = Object.fromEntries(fields.map((f) => [f, settings[f]]));
    writes.clientsChanged.push({
      id: c.id,
      data: { ...data, ...(secretChanged ? { secretHash: c.secretHash!, secretRotatedAt: deps.now } : {}) },
    });
    part.changes.push({
      kind: "client",
      name: `${c.id} (${c.name})`,
      action: "changed",
      fields: [...fields, ...(secretChanged ? ["secret"] : [])],
    });
    if (fields.length) event("client.updated", c, { changed: [...fields].sort() });
    if (secretChanged) event("client.secret_rotated", c);
  }
  return part;
}

export function diffClientPermissions(rows: PermissionRow[], snap: ConfigSnapshot, writes: ConfigWrites): PlanPart {
  const part: PlanPart = { changes: [], unchanged: {}, events: [] };
  const byOwner = new Map<string, { codes: string[]; added: string[] }>();
  for (const row of rows) {
    const existing = snap.permissions.find((p) => p.code === row.code);
    const fields = existing ? ((["label", "tab", "owner"] as const).filter((f) => existing[f] !== row[f]) as string[]) : [];
    if (existing && !same([...existing.defaultRoles].sort(), row.defaultRoles)) fields.push("defaultRoles");
    if (existing && !fields.length) {
      part.unchanged["client permission"] = (part.unchanged["client permission"] ?? 0) + 1;
      continue;
    }
    writes.permissions.push(row);
    if (!existing) for (const role of row.defaultRoles) writes.newDefaults.push({ role, code: row.code });
    part.changes.push({ kind: "client permission", name: row.code, action: existing ? "changed" : "created", fields });
    const entry = byOwner.get(row.owner) ?? { codes: [], added: [] };
    entry.codes.push(row.code);
    if (!existing) entry.added.push(row.code);
    byOwner.set(row.owner, entry);
  }
  for (const [owner, { codes, added }] of byOwner) {
    part.events.push({
      type: "permission.registered",
      outcome: "success",
      clientId: owner.slice("client:".length),
      actorId: CLI_ACTOR,
      data: { codes, added, via: VIA },
    });
  }
  return part;
}
