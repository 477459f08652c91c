// The permission registry, WinterCMS-style: core, plugins (at start) and relying parties (through the API, for
// their own namespace) register codes like "acme.blog.post.update" with a label, a tab (the role editor's group)
// and the built-in team roles that get it by default. Registering is idempotent; a code registered again with
// another owner, or outside the owner's prefix, is refused. `can(grants, code)` answers with wildcards, and in
// development and tests an unknown code is a bug and throws.
import { PERMISSION_CODE, PERMISSION_GRANT, expandGrants, grantsCover } from "./wildcards.ts";

export type DefaultRole = "manager" | "developer";
export type PermissionDefinition = { label: string; tab: string; roles?: DefaultRole[] };
export type RegisteredPermission = PermissionDefinition & { code: string; owner: string; roles: DefaultRole[] };

export class PermissionError extends Error {
  constructor(
    readonly code: "permission.invalid_code" | "permission.outside_namespace" | "permission.duplicate" | "permission.unknown",
    message: string,
  ) {
    super(message);
    this.name = "PermissionError";
  }
}

export function createPermissionRegistry(opts: { strict: boolean }) {
  const byCode = new Map<string, RegisteredPermission>();

  function register(owner: string, prefix: string, definitions: Record<string, PermissionDefinition>): RegisteredPermission[] {
    const added: RegisteredPermission[] = [];
    // check everything first: a refused batch registers nothing
    for (const [code, def] of Object.entries(definitions)) {
      if (!PERMISSION_CODE.test(code))
        throw new PermissionError(
          "permission.invalid_code",
          `"${code}" is not a permission code (lower-case dotted words, like acme.blog.post.update)`,
        );
      if (!code.startsWith(`${prefix}.`))
        throw new PermissionError("permission.outside_namespace", `"${code}" is outside ${owner}'s namespace "${prefix}."`);
      const existing = byCode.get(code);
      if (existing && existing.owner !== owner)
        throw new PermissionError("permission.duplicate", `"${code}" is already registered by ${existing.owner}`);
      if (!def.label?.trim() || !def.tab?.trim()) throw new PermissionError("permission.invalid_code", `"${code}" needs a label and a tab`);
    }
    for (const [code, def] of Object.entries(definitions)) {
      const entry: RegisteredPermission = {
        code,
        owner,
        label: def.label.trim(),
        tab: def.tab.trim(),
        roles: [...new Set(def.roles ?? [])],
      };
      byCode.set(code, entry);
      added.push(entry);
    }
    return added;
  }

  return {
    register,
    get: (code: string) => byCode.get(code),
    has: (code: string) => byCode.has(code),
    list: (): RegisteredPermission[] => [...byCode.values()].sort((a, b) => a.code.localeCompare(b.code)),
    /** what one owner registered (a plugin id, "gatehouse", or "client:<client_id>"), sorted */
    listByOwner: (owner: string): RegisteredPermission[] =>
      [...byCode.values()].filter((p) => p.owner === owner).sort((a, b) => a.code.localeCompare(b.code)),
    /** the role editor's view: tabs in order, each with its permissions */
    listByTab(): { tab: string; permissions: RegisteredPermission[] }[] {
      const tabs = new Map<string, RegisteredPermission[]>();
      for (const p of [...byCode.values()].sort((a, b) => a.code.localeCompare(b.code))) tabs.set(p.tab, [...(tabs.get(p.tab) ?? []), p]);
      return [...tabs.entries()].map(([tab, permissions]) => ({ tab, permissions }));
    },
    /** true when a grant is well-formed and names something registered (a code, a registered prefix, or "*") */
    isValidGrant(grant: string): boolean {
      if (!PERMISSION_GRANT.test(grant)) return false;
      if (grant === "*") return true;
      if (grant.endsWith(".*")) return [...byCode.keys()].some((c) => c.startsWith(grant.slice(0, -1)));
      return byCode.has(grant);
    },
    /** whether the grants cover the code; an unknown code throws in strict mode (development, tests) */
    can(grants: readonly string[], code: string): boolean {
      if (!byCode.has(code)) {
        if (opts.strict) throw new PermissionError("permission.unknown", `unknown permission "${code}": register it first`);
        return false;
      }
      return grantsCover(grants, code);
    },
    /** the registered codes the grants cover, sorted (what tokens carry) */
    resolve: (grants: readonly string[]) => expandGrants(grants, [...byCode.keys()]).sort(),
  };
}

export type PermissionRegistry = ReturnType<typeof createPermissionRegistry>;
