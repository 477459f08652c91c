// An import's clients checked by the client service's own rules (newClientSchema: URIs, grant types, scope,
// namespace) plus what a file adds: unique ids, a type that never changes, namespaces that overlap no other client
// (in the file or left in the database), and the permissions a client registered, inside its namespace and owned
// by nobody else. Every problem is collected with its path; nothing here writes.
import { z } from "zod";
import { newClientSchema } from "../clients.ts";
import { clientOwner, MAX_CLIENT_PERMISSIONS } from "../permission-sync.ts";
import { inNamespace, namespacesOverlap } from "../../authz/namespaces.ts";
import { PERMISSION_CODE } from "../../authz/wildcards.ts";
import type { PermissionRegistry } from "../../authz/registry.ts";
import type { ConfigSnapshot, PermissionRow } from "../../queries/config-io.ts";
import { pathText, type ClientEntry, type ConfigProblem } from "./schema.ts";

/** the client ids Gatehouse accepts (clients.ts) */
const CLIENT_ID = /^[\w.~-]{1,128}$/;

export type ValidClient = z.output<typeof newClientSchema> & { id: string; secretHash?: string };

export function validateClients(entries: ClientEntry[], snap: ConfigSnapshot, problems: ConfigProblem[]): ValidClient[] {
  const valid: ValidClient[] = [];
  const seen = new Map<string, number>();
  entries.forEach((entry, i) => {
    const at = (...path: PropertyKey[]) => pathText(["clients", i, ...path]);
    const { id, secretHash, permissions: _permissions, ...settings } = entry;
    if (!CLIENT_ID.test(id))
      problems.push({ path: at("id"), message: "client ids have 1 to 128 letters, digits or the characters _ . ~ -" });
    if (seen.has(id)) problems.push({ path: at("id"), message: `the client ${id} is also clients[${seen.get(id)}]` });
    seen.set(id, i);
    const existing = snap.clients.find((c) => c.id === id);
    if (existing && existing.type !== entry.type)
      problems.push({
        path: at("type"),
        message: `${id} is a ${existing.type} client here; a client's type cannot change (register a new client instead)`,
      });
    if (secretHash && entry.type === "public") problems.push({ path: at("secretHash"), message: "a public client has no secret" });
    const parsed = newClientSchema.safeParse(settings);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ path: at(...issue.path), message: issue.message });
      return;
    }
    valid.push({ ...parsed.data, id, ...(secretHash ? { secretHash } : {}) });
  });
  // two clients never contend for one permission namespace (clients.ts checkNamespace), the file's or the database's
  const inFile = new Set(entries.map((e) => e.id));
  const others = [
    ...valid.map((c) => ({ id: c.id, ns: c.permissionNamespace })),
    ...snap.clients.filter((c) => !inFile.has(c.id)).map((c) => ({ id: c.id, ns: c.permissionNamespace })),
  ];
  valid.forEach((c) => {
    const clash = c.permissionNamespace && others.find((o) => o.id !== c.id && o.ns && namespacesOverlap(o.ns, c.permissionNamespace!));
    if (clash)
      problems.push({
        path: pathText(["clients", entries.findIndex((e) => e.id === c.id), "permissionNamespace"]),
        message: `the permission namespace "${c.permissionNamespace}" overlaps the namespace of client ${clash.id}`,
      });
  });
  return valid;
}

/**
 * the permissions the file's clients registered, checked as PUT /api/v1/permissions checks them, and registered in
 * `scratch` (the registry the import validates roles against); the rows to write
 */
export function validateClientPermissions(
  entries: ClientEntry[],
  valid: ValidClient[],
  snap: ConfigSnapshot,
  scratch: PermissionRegistry,
  problems: ConfigProblem[],
): PermissionRow[] {
  const rows: PermissionRow[] = [];
  const tableOwner = new Map(snap.permissions.map((p) => [p.code, p.owner]));
  const reserved = new Set(
    [...scratch.list().map((p) => p.owner), ...snap.permissions.map((p) => p.owner)].filter((o) => !o.startsWith("client:")),
  );
  entries.forEach((entry, i) => {
    if (!entry.permissions.length) return;
    const at = (...path: PropertyKey[]) => pathText(["clients", i, "permissions", ...path]);
    const client = valid.find((c) => c.id === entry.id);
    const namespace = client?.permissionNamespace;
    if (!namespace) {
      problems.push({ path: at(), message: "a client registers permissions only in its permissionNamespace, and this client has none" });
      return;
    }
    const owner = clientOwner(entry.id);
    const before = problems.length;
    const codes = new Set<string>();
    entry.permissions.forEach((p, j) => {
      if (!PERMISSION_CODE.test(p.code))
        problems.push({
          path: at(j, "code"),
          message: `"${p.code}" is not a permission code (lower-case dotted words, like acme.blog.post.update)`,
        });
      else if (!inNamespace(p.code, namespace))
        problems.push({ path: at(j, "code"), message: `"${p.code}" is outside the client's namespace "${namespace}."` });
      else if ([...reserved].some((ns) => inNamespace(p.code, ns)))
        problems.push({ path: at(j, "code"), message: `"${p.code}" lies in a namespace of Gatehouse or a plugin` });
      else if (tableOwner.has(p.code) && tableOwner.get(p.code) !== owner)
        problems.push({ path: at(j, "code"), message: `"${p.code}" is registered by ${tableOwner.get(p.code)}` });
      if (codes.has(p.code)) problems.push({ path: at(j, "code"), message: `"${p.code}" is listed twice` });
      codes.add(p.code);
      if (!p.label.trim()) problems.push({ path: at(j, "label"), message: "a permission needs a label" });
      if (!p.tab.trim()) problems.push({ path: at(j, "tab"), message: "a permission needs a tab (the role editor's group)" });
    });
    const total = new Set([...snap.permissions.filter((p) => p.owner === owner).map((p) => p.code), ...codes]).size;
    if (total > MAX_CLIENT_PERMISSIONS)
      problems.push({ path: at(), message: `a client registers at most ${MAX_CLIENT_PERMISSIONS} permissions` });
    if (problems.length > before) return;
    const definitions = Object.fromEntries(
      entry.permissions.map((p) => [p.code, { label: p.label.trim(), tab: p.tab.trim(), roles: [...new Set(p.defaultRoles)].sort() }]),
    );
    try {
      scratch.register(owner, namespace, definitions);
    } catch (err) {
      problems.push({ path: at(), message: (err as Error).message });
      return;
    }
    for (const [code, def] of Object.entries(definitions))
      rows.push({ code, label: def.label, tab: def.tab, owner, defaultRoles: def.roles });
  });
  return rows;
}
