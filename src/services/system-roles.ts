// System roles: the provider's own admin area, one level above teams. A user has at most one; "super_admin"
// ("*", built in, not editable) exists from the start; others are made from core gatehouse.admin.* permissions
// only. There is always at least one active Super Admin. canAdmin(user, code) is the admin area's check.
import type { PermissionQueries, SystemRole } from "../queries/permissions.ts";
import type { PermissionRegistry } from "../authz/registry.ts";
import type { AuditContext, AuditService } from "./audit.ts";
import { CORE_OWNER, SUPER_ADMIN } from "../authz/core-permissions.ts";
import { PERMISSION_GRANT } from "../authz/wildcards.ts";

export const SYSTEM_ROLE_KEY = /^[a-z][a-z0-9_]{1,39}$/;
const ADMIN_PREFIX = "gatehouse.admin.";

type Invalid = { outcome: "invalid"; field: "key" | "name" | "permissions"; message: string };
export type CreateSystemRoleResult = { outcome: "created"; role: SystemRole } | Invalid;
export type UpdateSystemRoleResult = { outcome: "updated"; role: SystemRole } | { outcome: "not_found" } | { outcome: "built_in" } | Invalid;
export type SetUserSystemRoleResult =
  | { outcome: "set"; previous: string | null }
  | { outcome: "not_found" }
  | { outcome: "unknown_role" }
  | { outcome: "last_super_admin" };

export function createSystemRoleService(deps: { permissions: PermissionQueries; registry: PermissionRegistry; audit: AuditService }) {
  const { permissions, registry, audit } = deps;

  const invalid = (field: Invalid["field"], message: string): Invalid => ({ outcome: "invalid", field, message });

  function checkName(name: string): string | Invalid {
    const clean = name.normalize("NFC").trim();
    return clean.length >= 1 && clean.length <= 64 ? clean : invalid("name", "Role names have 1 to 64 characters.");
  }

  /** only core admin codes, or wildcards inside gatehouse.admin.; never "*" (that is Super Admin's alone) */
  function checkGrants(grants: readonly string[]): string[] | Invalid {
    const unique = [...new Set(grants.map((g) => g.trim()))];
    if (!unique.length) return invalid("permissions", "Choose at least one permission.");
    for (const grant of unique) {
      if (grant === "*") return invalid("permissions", "Only Super Admin holds every permission.");
      const admin = PERMISSION_GRANT.test(grant) && grant.startsWith(ADMIN_PREFIX) && registry.isValidGrant(grant);
      const core = grant.endsWith(".*") || registry.get(grant)?.owner === CORE_OWNER;
      if (!admin || !core) return invalid("permissions", `"${grant}" is not an admin permission (gatehouse.admin.*).`);
    }
    return unique.sort();
  }

  return {
    list: () => permissions.systemRoles(),
    get: (key: string) => permissions.systemRole(key),

    /** the admin permissions a new system role may be given, grouped by tab */
    assignable: () => registry.listByTab()
      .map(({ tab, permissions: list }) => ({ tab, permissions: list.filter((p) => p.owner === CORE_OWNER && p.code.startsWith(ADMIN_PREFIX)) }))
      .filter((t) => t.permissions.length),

    async create(input: { key: string; name: string; permissions: readonly string[] }, actor: AuditContext = {}): Promise<CreateSystemRoleResult> {
      const key = input.key.trim();
      if (!SYSTEM_ROLE_KEY.test(key)) return invalid("key", "Role keys have 2 to 40 lower-case letters, digits or underscores, starting with a letter.");
      const name = checkName(input.name);
      if (typeof name !== "string") return name;
      const grants = checkGrants(input.permissions);
      if (!Array.isArray(grants)) return grants;
      try {
        const role = await permissions.createSystemRole({ key, name, permissions: grants });
        await audit.record({ type: "system_role.created", outcome: "success", ...actor, data: { key, name, permissions: grants } });
        return { outcome: "created", role };
      } catch (err) {
        if ((err as { code?: string }).code !== "P2002") throw err;
        return invalid("key", "A system role with that key exists.");
      }
    },

    async update(key: string, input: { name?: string; permissions?: readonly string[] }, actor: AuditContext = {}): Promise<UpdateSystemRoleResult> {
      const existing = await permissions.systemRole(key);
      if (!existing) return { outcome: "not_found" };
      if (existing.builtIn || key === SUPER_ADMIN) return { outcome: "built_in" };
      const data: { name?: string; permissions?: string[] } = {};
      if (input.name !== undefined) {
        const name = checkName(input.name);
        if (typeof name !== "string") return name;
        data.name = name;
      }
      if (input.permissions !== undefined) {
        const grants = checkGrants(input.permissions);
        if (!Array.isArray(grants)) return grants;
        data.permissions = grants;
      }
      const role = await permissions.updateSystemRole(key, data);
      await audit.record({ type: "system_role.updated", outcome: "success", ...actor, data: { key, before: { name: existing.name, permissions: existing.permissions }, after: { name: role.name, permissions: role.permissions } } });
      return { outcome: "updated", role };
    },

    /** gives a user a system role, or takes it away with null; the last active Super Admin keeps theirs */
    async setUserRole(userId: string, key: string | null, actor: AuditContext = {}): Promise<SetUserSystemRoleResult> {
      if (key !== null && !(await permissions.systemRole(key))) return { outcome: "unknown_role" };
      const result = await permissions.setUserSystemRole(userId, key, SUPER_ADMIN);
      if (result.outcome === "not_found") return result;
      if (result.outcome === "last") {
        await audit.record({ type: "user.system_role_changed", outcome: "failure", userId, ...actor, data: { to: key, reason: "last_super_admin" } });
        return { outcome: "last_super_admin" };
      }
      await audit.record({ type: "user.system_role_changed", outcome: "success", userId, ...actor, data: { from: result.previous, to: key } });
      return { outcome: "set", previous: result.previous };
    },

    /** whether the user's system role covers the admin permission (unknown codes throw outside production) */
    async canAdmin(user: { systemRole: string | null; disabled?: boolean }, code: string): Promise<boolean> {
      if (!user.systemRole || user.disabled) {
        registry.can([], code); // still refuses an unknown code, so a typo fails for everyone, not only admins
        return false;
      }
      const role = await permissions.systemRole(user.systemRole);
      return registry.can(role?.permissions ?? [], code);
    },
  };
}

export type SystemRoleService = ReturnType<typeof createSystemRoleService>;
