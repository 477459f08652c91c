// System roles: the provider's own admin area, one level above teams. A user has at most one; "super_admin"
// ("*", built in, not editable) exists from the start; others are made from core gatehouse.admin.* permissions
// only. There is always at least one active Super Admin. canAdmin(user, code) is the admin area's check.
// As with team roles, nobody hands out more than they hold: an acting admin (a user; the CLI and start-up act
// with no such limit) creates or edits only roles within their own role's permissions, never edits their own
// role or one wider than theirs, and gives or takes a system role only within theirs (so Super Admin is given
// and taken only by Super Admins).
import type { PermissionQueries, SystemRole } from "../queries/permissions.ts";
import type { UserQueries } from "../queries/users.ts";
import type { PermissionRegistry } from "../authz/registry.ts";
import type { AuditContext, AuditService } from "./audit.ts";
import { CORE_OWNER, SUPER_ADMIN } from "../authz/core-permissions.ts";
import { PERMISSION_GRANT } from "../authz/wildcards.ts";
import { UUID } from "../lib/ids.ts";
import { nameCharactersProblem } from "./names.ts";
import { worded, type RefusalValues, type Worded } from "../lib/i18n/refusal.ts";
import { surfaceOf } from "./admin-actor.ts";

export const SYSTEM_ROLE_KEY = /^[a-z][a-z0-9_]{1,39}$/;
const ADMIN_PREFIX = "gatehouse.admin.";

type Invalid = { outcome: "invalid"; field: "key" | "name" | "permissions"; message: string };
/**
 * the acting admin would give, edit or take more than their own role holds: said by a message key
 * (lib/i18n/en-admin-config.ts adminCfg.systemRoleIssue.*) with its values, and its English words (#13)
 */
export type Beyond = { outcome: "forbidden" } & Worded;
export type CreateSystemRoleResult = { outcome: "created"; role: SystemRole } | Invalid | Beyond;
export type UpdateSystemRoleResult =
  { outcome: "updated"; role: SystemRole } | { outcome: "not_found" } | { outcome: "built_in" } | Invalid | Beyond;
export type SetUserSystemRoleResult =
  | { outcome: "set"; previous: string | null }
  | { outcome: "not_found" }
  | { outcome: "unknown_role" }
  | { outcome: "last_super_admin" }
  | Beyond;

/** who acts without a user behind them: the CLI ("cli") and start-up (no actor) */
const unlimited = (actor: AuditContext) => !actor.actorId || actor.actorId === "cli";
const forbidden = (key: Parameters<typeof worded>[0], values?: RefusalValues): Beyond => ({ outcome: "forbidden", ...worded(key, values) });
const CHANGED = () => forbidden("adminCfg.systemRoleIssue.changed");
/** the refusals of what lies beyond the acting admin's own role: one code, two to five, more than five */
const BEYOND = {
  create: [
    "adminCfg.systemRoleIssue.createBeyond",
    "adminCfg.systemRoleIssue.createBeyondMany",
    "adminCfg.systemRoleIssue.createBeyondMore",
  ],
  grant: ["adminCfg.systemRoleIssue.grantBeyond", "adminCfg.systemRoleIssue.grantBeyondMany", "adminCfg.systemRoleIssue.grantBeyondMore"],
  edit: ["adminCfg.systemRoleIssue.editBeyond", "adminCfg.systemRoleIssue.editBeyondMany", "adminCfg.systemRoleIssue.editBeyondMore"],
  give: ["adminCfg.systemRoleIssue.giveBeyond", "adminCfg.systemRoleIssue.giveBeyondMany", "adminCfg.systemRoleIssue.giveBeyondMore"],
  change: [
    "adminCfg.systemRoleIssue.changeBeyond",
    "adminCfg.systemRoleIssue.changeBeyondMany",
    "adminCfg.systemRoleIssue.changeBeyondMore",
  ],
} as const;
/** the refusal naming (the first five of) `codes` beyond the actor's role; `role`: the role it is about */
const beyondRefusal = (what: keyof typeof BEYOND, codes: string[], role?: string): Beyond => {
  const [one, many, more] = BEYOND[what];
  const named = { codes: codes.slice(0, 5).join(", "), ...(role !== undefined ? { role } : {}) };
  if (codes.length > 5) return forbidden(more, { ...named, more: codes.length - 5 });
  return forbidden(codes.length === 1 ? one : many, named);
};

export function createSystemRoleService(deps: {
  permissions: PermissionQueries;
  registry: PermissionRegistry;
  audit: AuditService;
  users: Pick<UserQueries, "findById">;
}) {
  const { permissions, registry, audit } = deps;

  /** the acting admin's own grants: ["*"] when unlimited, [] for a user without a (live) system role */
  async function authorityOf(actor: AuditContext): Promise<{ key: string | null; grants: readonly string[] }> {
    if (unlimited(actor)) return { key: null, grants: ["*"] };
    const user = UUID.test(actor.actorId!) ? await deps.users.findById(actor.actorId!) : null;
    const role = user && !user.disabled && user.systemRole ? await permissions.systemRole(user.systemRole) : null;
    return { key: role?.key ?? null, grants: role?.permissions ?? [] };
  }

  /** what `grants` would give beyond `own` (empty: nothing); a wildcard counts unless `own` holds it or a wider one */
  function beyond(own: readonly string[], grants: readonly string[]): string[] {
    if (own.includes("*")) return [];
    const held = new Set(registry.resolve(own));
    const extra = registry.resolve(grants).filter((c) => !held.has(c));
    const wildcards = grants.filter((g) => g.endsWith("*") && !own.some((o) => o.endsWith(".*") && g.startsWith(o.slice(0, -1))));
    return [...new Set([...wildcards, ...extra])];
  }

  const invalid = (field: Invalid["field"], message: string): Invalid => ({ outcome: "invalid", field, message });

  function checkName(name: string): string | Invalid {
    const hidden = nameCharactersProblem(name, "Role names");
    if (hidden) return invalid("name", hidden);
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
    assignable: () =>
      registry
        .listByTab()
        .map(({ tab, permissions: list }) => ({
          tab,
          permissions: list.filter((p) => p.owner === CORE_OWNER && p.code.startsWith(ADMIN_PREFIX)),
        }))
        .filter((t) => t.permissions.length),

    /** create's checks of a role's key, name and grants, without writing (a configuration import checks a whole file first) */
    validate(input: {
      key: string;
      name: string;
      permissions: readonly string[];
    }): { key: string; name: string; permissions: string[] } | Invalid {
      const key = input.key.trim();
      if (!SYSTEM_ROLE_KEY.test(key))
        return invalid("key", "Role keys have 2 to 40 lower-case letters, digits or underscores, starting with a letter.");
      if (key === SUPER_ADMIN) return invalid("key", "Super Admin is built in and cannot be changed.");
      const name = checkName(input.name);
      if (typeof name !== "string") return name;
      const grants = checkGrants(input.permissions);
      return Array.isArray(grants) ? { key, name, permissions: grants } : grants;
    },

    async create(
      input: { key: string; name: string; permissions: readonly string[] },
      actor: AuditContext = {},
    ): Promise<CreateSystemRoleResult> {
      const key = input.key.trim();
      if (!SYSTEM_ROLE_KEY.test(key))
        return invalid("key", "Role keys have 2 to 40 lower-case letters, digits or underscores, starting with a letter.");
      const name = checkName(input.name);
      if (typeof name !== "string") return name;
      const grants = checkGrants(input.permissions);
      if (!Array.isArray(grants)) return grants;
      const extra = beyond((await authorityOf(actor)).grants, grants);
      if (extra.length) return beyondRefusal("create", extra);
      try {
        const role = await permissions.createSystemRole({ key, name, permissions: grants });
        await audit.record({ type: "system_role.created", outcome: "success", ...actor, data: { key, name, permissions: grants } });
        return { outcome: "created", role };
      } catch (err) {
        if ((err as { code?: string }).code !== "P2002") throw err;
        return invalid("key", "A system role with that key exists.");
      }
    },

    async update(
      key: string,
      input: { name?: string; permissions?: readonly string[] },
      actor: AuditContext = {},
    ): Promise<UpdateSystemRoleResult> {
      const existing = await permissions.systemRole(key);
      if (!existing) return { outcome: "not_found" };
      if (existing.builtIn || key === SUPER_ADMIN) return { outcome: "built_in" };
      const authority = await authorityOf(actor);
      if (!authority.grants.includes("*") && authority.key === key) return forbidden("adminCfg.systemRoleIssue.ownRole");
      const wider = beyond(authority.grants, existing.permissions);
      if (wider.length) return beyondRefusal("edit", wider, existing.name);
      const data: { name?: string; permissions?: string[] } = {};
      if (input.name !== undefined) {
        const name = checkName(input.name);
        if (typeof name !== "string") return name;
        data.name = name;
      }
      if (input.permissions !== undefined) {
        const grants = checkGrants(input.permissions);
        if (!Array.isArray(grants)) return grants;
        const extra = beyond(authority.grants, grants);
        if (extra.length) return beyondRefusal("grant", extra);
        data.permissions = grants;
      }
      // written only if nobody changed the role since it was checked (a limited admin must not undo a widening)
      const written = await permissions.updateSystemRole(key, data, existing.permissions);
      if (written.outcome === "not_found") return written;
      if (written.outcome === "changed") return CHANGED();
      const role = written.role;
      await audit.record({
        type: "system_role.updated",
        outcome: "success",
        ...actor,
        data: {
          key,
          before: { name: existing.name, permissions: existing.permissions },
          after: { name: role.name, permissions: role.permissions },
        },
      });
      return { outcome: "updated", role };
    },

    /**
     * gives a user a system role, or takes it away with null; the last active Super Admin keeps theirs. `via`: the
     * surface an admin acts through (admin_page, api, cli), recorded as data.via (with the API's token client)
     */
    async setUserRole(
      userId: string,
      key: string | null,
      by: AuditContext & { via?: string; apiClientId?: string } = {},
    ): Promise<SetUserSystemRoleResult> {
      const { via, apiClientId, ...actor } = by;
      const surface = via ? surfaceOf({ via, apiClientId }) : {};
      const role = key !== null ? await permissions.systemRole(key) : null;
      if (key !== null && !role) return { outcome: "unknown_role" };
      const authority = await authorityOf(actor);
      if (role) {
        const extra = beyond(authority.grants, role.permissions);
        if (extra.length) return beyondRefusal("give", extra, role.name);
      }
      // taking or changing a role wider than the actor's own is out of reach too (a Super Admin's, for instance)
      const target = UUID.test(userId) ? await deps.users.findById(userId) : null;
      const current = target?.systemRole ? await permissions.systemRole(target.systemRole) : null;
      if (current && current.key !== key) {
        const wider = beyond(authority.grants, current.permissions);
        if (wider.length) return beyondRefusal("change", wider, current.name);
      }
      // written only if the user's role and the new role's grants are still what was checked
      const result = await permissions.setUserSystemRole(userId, key, SUPER_ADMIN, {
        current: target?.systemRole ?? null,
        grants: role?.permissions ?? null,
      });
      if (result.outcome === "not_found") return result;
      if (result.outcome === "changed") return CHANGED();
      if (result.outcome === "last") {
        await audit.record({
          type: "user.system_role_changed",
          outcome: "failure",
          userId,
          ...actor,
          data: { to: key, reason: "last_super_admin", ...surface },
        });
        return { outcome: "last_super_admin" };
      }
      await audit.record({
        type: "user.system_role_changed",
        outcome: "success",
        userId,
        ...actor,
        data: { from: result.previous, to: key, ...surface },
      });
      return { outcome: "set", previous: result.previous };
    },

    /**
     * whether the user `targetId`'s system role holds more than the acting admin's own (then the admin may not
     * disable them, reset their two-factor or sign them out: a user manager cannot lock out a Super Admin)
     */
    async outranks(targetId: string, actor: AuditContext): Promise<boolean> {
      const target = UUID.test(targetId) ? await deps.users.findById(targetId) : null;
      const role = target?.systemRole ? await permissions.systemRole(target.systemRole) : null;
      return role ? beyond((await authorityOf(actor)).grants, role.permissions).length > 0 : false;
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
