// A team's roles: listing, creating, editing and deleting custom roles, and the rules every team change shares
// (who the actor is in the team, what they may do, and whether a role would give more than the actor has).
// Owner ("*") is neither editable nor deletable; Manager and Developer are editable, not deletable; a role in use
// cannot be deleted. Nobody but the Owner grants, assigns or edits beyond their own permissions.
import type { Team, TeamQueries, TeamRole } from "../queries/teams.ts";
import type { PermissionRegistry } from "../authz/registry.ts";
import { PERMISSION_GRANT, grantCovers } from "../authz/wildcards.ts";
import type { AuditService } from "./audit.ts";
import type { RequestInfo } from "./notifications.ts";
import { slugify } from "./teams.ts";
import { hasHiddenCharacter } from "./names.ts";
import type { MessageKey } from "../lib/i18n/index.ts";
import { worded, type RefusalValues, type Worded } from "../lib/i18n/refusal.ts";
import { requestOf } from "./admin-actor.ts";

export const OWNER_ROLE = "owner";
/** administrator codes belong to system roles, never to a team's */
const ADMIN_PREFIX = "gatehouse.admin.";

export const TEAM_PERMISSIONS = {
  read: "gatehouse.team.read",
  members: "gatehouse.team.members.manage",
  invitations: "gatehouse.team.invitations.manage",
  roles: "gatehouse.team.roles.manage",
} as const;

/**
 * who acts on a team: the actor's role decides what they may do. `viaAdmin`: a provider administrator acting
 * on a team they need not belong to (the admin area and the admin API); they act with the Owner role's
 * permissions but are not the Owner (an ownership transfer still asks the new Owner to accept).
 */
export type TeamActor = { userId: string; team: Team; role: TeamRole; isOwner: boolean; viaAdmin?: true };
/**
 * a member's user id, or a provider admin acting on the team. Only the admin area and the admin API make
 * `{ adminId }`, after checking the admin's system role (gatehouse.admin.teams.manage or roles.manage).
 */
export type TeamActorRef = string | { adminId: string };

/**
 * why a team action did not happen; "not_found" also stands for "not a member" (another team's data never shows).
 * A refusal says a message key with its values (team.refusal.*, lib/i18n/en-teams.ts); `message` is their English
 * words (the REST API's and the CLI's)
 */
export type TeamRefusal =
  { outcome: "not_found" } | ({ outcome: "forbidden" } & Worded) | ({ outcome: "invalid"; field?: string } & Worded);

export type RoleInput = { name: string; permissions: readonly string[] };
export type RoleView = TeamRole & { memberCount: number; resolved: string[]; editable: boolean; deletable: boolean };

export const forbidden = (key: MessageKey, values?: RefusalValues): TeamRefusal => ({ outcome: "forbidden", ...worded(key, values) });
export const invalid = (field: string | undefined, key: MessageKey, values?: RefusalValues): TeamRefusal => ({
  outcome: "invalid",
  ...(field ? { field } : {}),
  ...worded(key, values),
});

/** who the actor is in a team and what they may do: shared by roles, members, invitations and ownership */
export function createTeamAccess(deps: { teams: TeamQueries; registry: PermissionRegistry }) {
  const { teams, registry } = deps;

  // "acme.*" holds "acme.blog.*"; only "*" holds "*"
  const holdsWildcard = (actorGrants: readonly string[], wildcard: string) =>
    actorGrants.some((a) => a === "*" || (a.endsWith(".*") && wildcard !== "*" && wildcard.startsWith(a.slice(0, -1))));

  return {
    async actor(teamId: string, by: TeamActorRef): Promise<TeamActor | null> {
      if (typeof by !== "string") {
        const [team, owner] = await Promise.all([teams.findById(teamId), teams.roleByKey(teamId, OWNER_ROLE)]);
        return team && owner ? { userId: by.adminId, team, role: owner, isOwner: false, viaAdmin: true } : null;
      }
      const m = await teams.membership(teamId, by);
      return m ? { userId: by, team: m.team, role: m.role, isOwner: m.role.key === OWNER_ROLE } : null;
    },
    async actorBySlug(slug: string, userId: string): Promise<TeamActor | null> {
      const team = await teams.findBySlug(slug);
      return team ? this.actor(team.id, userId) : null;
    },
    may: (actor: TeamActor, code: string) => registry.can(actor.role.permissions, code),

    /**
     * what `grants` would give beyond the actor's own permissions (empty: nothing). Resolved codes are compared;
     * a wildcard also covers codes registered later, so it counts as beyond unless the actor holds it (or a
     * wider one) themselves. The Owner's "*" is everything.
     */
    beyond(actor: TeamActor, grants: readonly string[]): string[] {
      if (actor.isOwner) return [];
      const own = new Set(registry.resolve(actor.role.permissions));
      const extra = registry.resolve(grants).filter((c) => !own.has(c));
      const wildcards = grants.filter((g) => g.endsWith("*") && !holdsWildcard(actor.role.permissions, g));
      return [...new Set([...wildcards, ...extra])];
    },
    /** whether the actor may give this role to someone (a member or an invitation) */
    canAssign(actor: TeamActor, role: TeamRole): boolean {
      return role.key !== OWNER_ROLE && role.teamId === actor.team.id && this.beyond(actor, role.permissions).length === 0;
    },
  };
}

export type TeamAccess = ReturnType<typeof createTeamAccess>;

export function createTeamRoleService(deps: { teams: TeamQueries; registry: PermissionRegistry; access: TeamAccess; audit: AuditService }) {
  const { teams, registry, access, audit } = deps;

  /** the actor, when they are a member and hold roles.manage */
  async function manager(teamId: string, by: TeamActorRef): Promise<TeamActor | TeamRefusal> {
    const actor = await access.actor(teamId, by);
    if (!actor) return { outcome: "not_found" };
    if (!access.may(actor, TEAM_PERMISSIONS.roles)) return forbidden("team.refusal.manageRoles");
    return actor;
  }

  /** checks and normalizes a role's name and grants; refuses unknown codes, malformed grants, "*" and admin codes */
  function validate(input: RoleInput): { name: string; key: string; permissions: string[] } | TeamRefusal {
    if (hasHiddenCharacter(input.name)) return invalid("name", "team.refusal.roleNameHidden");
    const name = input.name.normalize("NFC").trim().replace(/\s+/g, " ");
    if (name.length < 2 || name.length > 48) return invalid("name", "team.refusal.roleNameLength");
    const key = slugify(name);
    if (!key) return invalid("name", "team.refusal.roleNameLetter");
    const permissions = [...new Set(input.permissions.map((p) => p.trim()).filter(Boolean))].sort();
    if (permissions.length > 500) return invalid("permissions", "team.refusal.tooManyGrants");
    for (const grant of permissions) {
      if (grant === "*") return invalid("permissions", "team.refusal.onlyOwnerStar");
      if (!registry.isValidGrant(grant)) {
        return invalid("permissions", PERMISSION_GRANT.test(grant) ? "team.refusal.notRegistered" : "team.refusal.notGrant", { grant });
      }
      const admin = registry.list().find((p) => p.code.startsWith(ADMIN_PREFIX) && grantCovers(grant, p.code));
      if (admin) return invalid("permissions", "team.refusal.adminGrant", { grant });
    }
    return { name, key, permissions };
  }

  /** the refusal of grants beyond the actor's own: the first five codes, and how many more */
  const beyondRefusal = (codes: string[]): TeamRefusal =>
    codes.length > 5
      ? forbidden("team.refusal.beyondMore", { codes: codes.slice(0, 5).join(", "), count: codes.length - 5 })
      : forbidden("team.refusal.beyond", { codes: codes.join(", ") });

  /** another role of the team has this name (any case) or, for a new role, this key */
  async function nameTaken(teamId: string, name: string, opts: { key?: string; exceptId?: string }) {
    const lower = name.toLowerCase();
    return (await teams.roles(teamId)).some((r) => r.id !== opts.exceptId && (r.key === opts.key || r.name.toLowerCase() === lower));
  }

  const record = (type: string, actor: TeamActor, request: RequestInfo | undefined, data: Record<string, string | string[] | number>) =>
    audit.record({
      type,
      outcome: "success",
      userId: actor.userId,
      actorId: actor.userId,
      ...requestOf(request),
      data: { teamId: actor.team.id, ...data },
    });

  return {
    validate,
    /** the user in the team with this slug, or null when there is no such team or they are not a member */
    actorBySlug: (slug: string, userId: string) => access.actorBySlug(slug, userId),
    /** whether the actor's role covers a permission code */
    may: (actor: TeamActor, code: string) => access.may(actor, code),
    /** what these grants would give beyond the actor's own permissions (empty: nothing) */
    beyond: (actor: TeamActor, grants: readonly string[]) => access.beyond(actor, grants),
    /** whether the actor may give this role to a member or an invitation */
    canAssign: (actor: TeamActor, role: TeamRole) => access.canAssign(actor, role),

    /** every role of the team with its member count and what it resolves to (any member with team.read) */
    async list(teamId: string, by: TeamActorRef): Promise<{ outcome: "ok"; actor: TeamActor; roles: RoleView[] } | TeamRefusal> {
      const actor = await access.actor(teamId, by);
      if (!actor) return { outcome: "not_found" };
      if (!access.may(actor, TEAM_PERMISSIONS.read) && !access.may(actor, TEAM_PERMISSIONS.roles))
        return forbidden("team.refusal.seeRoles");
      const rows = await teams.rolesWithCounts(teamId);
      const roles = rows.map(({ _count, ...role }) => ({
        ...role,
        memberCount: _count.memberships,
        resolved: registry.resolve(role.permissions),
        editable: role.key !== OWNER_ROLE,
        deletable: !role.builtIn && _count.memberships === 0,
      }));
      return { outcome: "ok", actor, roles };
    },

    /** the roles the actor may give to a member or an invitation (never Owner, never beyond their own) */
    async assignable(teamId: string, by: TeamActorRef): Promise<TeamRole[]> {
      const actor = await access.actor(teamId, by);
      if (!actor) return [];
      return (await teams.roles(teamId)).filter((r) => access.canAssign(actor, r));
    },

    async create(
      teamId: string,
      by: TeamActorRef,
      input: RoleInput,
      request?: RequestInfo,
    ): Promise<{ outcome: "created"; role: TeamRole } | TeamRefusal> {
      const actor = await manager(teamId, by);
      if ("outcome" in actor) return actor;
      const valid = validate(input);
      if ("outcome" in valid) return valid;
      const extra = access.beyond(actor, valid.permissions);
      if (extra.length) return beyondRefusal(extra);
      if (await nameTaken(teamId, valid.name, { key: valid.key })) return invalid("name", "team.refusal.nameTaken", { name: valid.name });
      let role: TeamRole;
      try {
        role = await teams.createRole(teamId, valid);
      } catch (err) {
        if ((err as { code?: string }).code === "P2002") return invalid("name", "team.refusal.nameTaken", { name: valid.name });
        throw err;
      }
      await record("team.role.created", actor, request, { roleId: role.id, role: role.key, permissions: role.permissions });
      return { outcome: "created", role };
    },

    /** a new name and grants; Owner is refused; the key (what tokens say) stays as it was */
    async update(
      teamId: string,
      by: TeamActorRef,
      roleId: string,
      input: RoleInput,
      request?: RequestInfo,
    ): Promise<{ outcome: "updated"; role: TeamRole } | TeamRefusal> {
      const actor = await manager(teamId, by);
      if ("outcome" in actor) return actor;
      const role = await teams.role(teamId, roleId);
      if (!role) return { outcome: "not_found" };
      if (role.key === OWNER_ROLE) return forbidden("team.refusal.ownerFixed");
      if (access.beyond(actor, role.permissions).length) return forbidden("team.refusal.cannotEdit", { role: role.name });
      const valid = validate(input);
      if ("outcome" in valid) return valid;
      const extra = access.beyond(actor, valid.permissions);
      if (extra.length) return beyondRefusal(extra);
      if (await nameTaken(teamId, valid.name, { exceptId: role.id }))
        return invalid("name", "team.refusal.nameTaken", { name: valid.name });
      const updated = await teams.updateRole(role.id, { name: valid.name, permissions: valid.permissions });
      await record("team.role.updated", actor, request, {
        roleId: role.id,
        role: role.key,
        from: role.permissions,
        permissions: updated.permissions,
        name: updated.name,
      });
      return { outcome: "updated", role: updated };
    },

    /** custom roles only, and only while nobody holds them (their pending invitations go with them) */
    async remove(
      teamId: string,
      by: TeamActorRef,
      roleId: string,
      request?: RequestInfo,
    ): Promise<{ outcome: "deleted"; role: TeamRole } | TeamRefusal> {
      const actor = await manager(teamId, by);
      if ("outcome" in actor) return actor;
      const role = await teams.role(teamId, roleId);
      if (!role) return { outcome: "not_found" };
      if (role.builtIn) return forbidden("team.refusal.builtIn", { role: role.name });
      if (access.beyond(actor, role.permissions).length) return forbidden("team.refusal.cannotDelete", { role: role.name });
      if (!(await teams.deleteRoleIfUnused(role.id))) {
        const count = await teams.roleMemberCount(role.id);
        return count === 1
          ? forbidden("team.refusal.inUseOne", { role: role.name })
          : forbidden("team.refusal.inUseMany", { count, role: role.name });
      }
      await record("team.role.deleted", actor, request, { roleId: role.id, role: role.key });
      return { outcome: "deleted", role };
    },
  };
}

export type TeamRoleService = ReturnType<typeof createTeamRoleService>;
