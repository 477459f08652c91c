// Teams: creating one (with its built-in roles and the creator as Owner), a user's memberships, and what a
// token says about a user in a team (team, role, the role's resolved permissions). Roles are flat: one per
// member, no inheritance, nothing added from other roles.
import type { MembershipWithTeam, TeamQueries } from "../queries/teams.ts";
import type { PermissionRegistry } from "../authz/registry.ts";
import { BUILT_IN_TEAM_ROLES } from "../authz/core-permissions.ts";
import { nameCharactersProblem } from "./names.ts";

/**
 * what a team role's grants cover: registered codes, but never the admin area's (gatehouse.admin.*), which only
 * a system role gives; otherwise an Owner's "*" would carry every admin permission in their tokens
 */
export const resolveTeamGrants = (registry: PermissionRegistry, grants: readonly string[]) =>
  registry.resolve(grants).filter((code) => !code.startsWith("gatehouse.admin."));

export const TEAM_SLUG = /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/;

export type TeamClaims = { team: { id: string; slug: string; name: string }; role: string; permissions: string[] };
export type CreateTeamResult =
  { outcome: "created"; teamId: string; slug: string } | { outcome: "invalid"; field: "teamName" | "teamSlug"; message: string };

/** "Acme Research & Co." -> "acme-research-co" */
export function slugify(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48)
    .replace(/-+$/, "");
}

export function createTeamService(deps: { teams: TeamQueries; registry: PermissionRegistry }) {
  const { teams, registry } = deps;

  /** the permissions a built-in role starts with: "*" for Owner, the registered codes that name it otherwise */
  const defaultsFor = (key: string) =>
    key === "owner"
      ? ["*"]
      : registry
          .list()
          .filter((p) => (p.roles as string[]).includes(key))
          .map((p) => p.code);

  const claimsOf = (m: MembershipWithTeam): TeamClaims => ({
    team: { id: m.team.id, slug: m.team.slug, name: m.team.name },
    role: m.role.key,
    permissions: resolveTeamGrants(registry, m.role.permissions),
  });

  return {
    defaultsFor,

    /** a new team's built-in roles with their starting permissions */
    builtInRoles: () => BUILT_IN_TEAM_ROLES.map((r) => ({ ...r, permissions: defaultsFor(r.key) })),

    validateTeam(input: {
      name: string;
      slug?: string;
    }): { name: string; slug: string } | Extract<CreateTeamResult, { outcome: "invalid" }> {
      const hidden = nameCharactersProblem(input.name, "Team names");
      if (hidden) return { outcome: "invalid", field: "teamName", message: hidden };
      const name = input.name.normalize("NFC").trim();
      if (name.length < 2 || name.length > 64)
        return { outcome: "invalid", field: "teamName", message: "Team names have 2 to 64 characters." };
      const slug = (input.slug?.trim() || slugify(name)).toLowerCase();
      if (!TEAM_SLUG.test(slug))
        return {
          outcome: "invalid",
          field: "teamSlug",
          message: "Team addresses have 1 to 48 lower-case letters, digits or dashes (not at the start or end).",
        };
      return { name, slug };
    },

    /** Door A: a new team, its built-in roles, and `ownerId` as Owner; a taken slug is refused */
    async createTeam(ownerId: string, input: { name: string; slug?: string }): Promise<CreateTeamResult> {
      const valid = this.validateTeam(input);
      if ("outcome" in valid) return valid;
      if (await teams.findBySlug(valid.slug))
        return { outcome: "invalid", field: "teamSlug", message: "That team address is taken. Please choose another." };
      try {
        const { team } = await teams.createWithOwner({ ...valid, ownerId, roles: this.builtInRoles() });
        return { outcome: "created", teamId: team.id, slug: team.slug };
      } catch (err) {
        if ((err as { code?: string }).code !== "P2002") throw err;
        return { outcome: "invalid", field: "teamSlug", message: "That team address is taken. Please choose another." };
      }
    },

    membershipsOf: (userId: string) => teams.membershipsOf(userId),

    /** the user's membership of the team at this address (slug), or null: no such team, or not a member */
    async membershipBySlug(slug: string, userId: string) {
      const team = await teams.findBySlug(slug);
      return team ? teams.membership(team.id, userId) : null;
    },

    /** what tokens say for this user in this team, or null when they are not a member */
    async claimsFor(userId: string, teamId: string): Promise<TeamClaims | null> {
      const m = await teams.membership(teamId, userId);
      return m ? claimsOf(m) : null;
    },
    claimsOf,
  };
}

export type TeamService = ReturnType<typeof createTeamService>;
