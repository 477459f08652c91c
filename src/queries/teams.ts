// Teams, their roles and memberships: the only Prisma access for them. Changes that must hold together (a new
// team with its roles and Owner, an ownership swap) happen in one transaction.
import type { PrismaClient, Prisma, Team, TeamRole, Membership } from "../generated/prisma/client.ts";
import type { Sql } from "../db/sql.ts";

export type { Team, TeamRole, Membership };
export type MembershipWithTeam = Membership & { team: Team; role: TeamRole };

/** a membership joined with its team and role, the columns prefixed by table */
type JoinedRow = {
  m_id: string;
  m_team_id: string;
  m_user_id: string;
  m_role_id: string;
  m_created_at: Date;
  m_updated_at: Date;
  t_name: string;
  t_slug: string;
  t_require_mfa: boolean;
  t_created_at: Date;
  t_updated_at: Date;
  r_key: string;
  r_name: string;
  r_permissions: string[];
  r_built_in: boolean;
  r_created_at: Date;
  r_updated_at: Date;
};
const MEMBERSHIP_SELECT = `
  SELECT m.id AS m_id, m.team_id AS m_team_id, m.user_id AS m_user_id, m.role_id AS m_role_id, m.created_at AS m_created_at, m.updated_at AS m_updated_at,
    t.name AS t_name, t.slug AS t_slug, t.require_mfa AS t_require_mfa, t.created_at AS t_created_at, t.updated_at AS t_updated_at,
    r.key AS r_key, r.name AS r_name, r.permissions AS r_permissions, r.built_in AS r_built_in, r.created_at AS r_created_at, r.updated_at AS r_updated_at
  FROM memberships m JOIN teams t ON t.id = m.team_id JOIN team_roles r ON r.id = m.role_id`;
const fromJoined = (r: JoinedRow): MembershipWithTeam => ({
  id: r.m_id,
  teamId: r.m_team_id,
  userId: r.m_user_id,
  roleId: r.m_role_id,
  createdAt: r.m_created_at,
  updatedAt: r.m_updated_at,
  team: {
    id: r.m_team_id,
    name: r.t_name,
    slug: r.t_slug,
    requireMfa: r.t_require_mfa,
    createdAt: r.t_created_at,
    updatedAt: r.t_updated_at,
  },
  role: {
    id: r.m_role_id,
    teamId: r.m_team_id,
    key: r.r_key,
    name: r.r_name,
    permissions: r.r_permissions,
    builtIn: r.r_built_in,
    createdAt: r.r_created_at,
    updatedAt: r.r_updated_at,
  },
});

export type NewTeam = { name: string; slug: string; ownerId: string; roles: { key: string; name: string; permissions: string[] }[] };

/** a team with its built-in roles and `ownerId` as its Owner, inside the caller's transaction (a registration's too) */
export async function insertTeamWithOwner(tx: Prisma.TransactionClient, data: NewTeam): Promise<{ team: Team; roles: TeamRole[] }> {
  const team = await tx.team.create({ data: { name: data.name, slug: data.slug } });
  const roles = await Promise.all(
    data.roles.map((r) =>
      tx.teamRole.create({ data: { teamId: team.id, key: r.key, name: r.name, permissions: r.permissions, builtIn: true } }),
    ),
  );
  const owner = roles.find((r) => r.key === "owner")!;
  await tx.membership.create({ data: { teamId: team.id, userId: data.ownerId, roleId: owner.id } });
  return { team, roles };
}

export function createTeamQueries(db: PrismaClient, sql: Sql) {
  return {
    /** a team with its built-in roles, and `ownerId` as its Owner */
    createWithOwner: (data: NewTeam) => db.$transaction((tx) => insertTeamWithOwner(tx, data)),
    findById: (id: string) => db.team.findUnique({ where: { id } }),
    findBySlug: (slug: string) => db.team.findUnique({ where: { slug } }),
    rename: (id: string, name: string) => db.team.update({ where: { id }, data: { name } }),

    // the two lookups every sign-in and token makes: one joined prepared statement each (Prisma's include sends three)
    membershipsOf: async (userId: string): Promise<MembershipWithTeam[]> =>
      (
        await sql.rows<JoinedRow>("memberships-of-user", `${MEMBERSHIP_SELECT} WHERE m.user_id = $1::uuid ORDER BY m.created_at ASC`, [
          userId,
        ])
      ).map(fromJoined),
    membership: async (teamId: string, userId: string): Promise<MembershipWithTeam | null> => {
      const [row] = await sql.rows<JoinedRow>("membership", `${MEMBERSHIP_SELECT} WHERE m.team_id = $1::uuid AND m.user_id = $2::uuid`, [
        teamId,
        userId,
      ]);
      return row ? fromJoined(row) : null;
    },
    members: (teamId: string) =>
      db.membership.findMany({ where: { teamId }, include: { user: true, role: true }, orderBy: { createdAt: "asc" } }),
    addMember: (teamId: string, userId: string, roleId: string) => db.membership.create({ data: { teamId, userId, roleId } }),
    setMemberRole: (teamId: string, userId: string, roleId: string) =>
      db.membership.update({ where: { teamId_userId: { teamId, userId } }, data: { roleId } }),
    /** the team's Owner's membership (with the user), or null */
    ownerOf: (teamId: string) =>
      db.membership.findFirst({ where: { teamId, role: { key: OWNER_KEY } }, include: { user: true, role: true } }),
    removeMember: (teamId: string, userId: string) => db.membership.delete({ where: { teamId_userId: { teamId, userId } } }),

    roles: (teamId: string) => db.teamRole.findMany({ where: { teamId }, orderBy: [{ builtIn: "desc" }, { createdAt: "asc" }] }),
    role: (teamId: string, roleId: string) => db.teamRole.findFirst({ where: { id: roleId, teamId } }),
    roleByKey: (teamId: string, key: string) => db.teamRole.findUnique({ where: { teamId_key: { teamId, key } } }),
    createRole: (teamId: string, data: { key: string; name: string; permissions: string[] }) =>
      db.teamRole.create({ data: { teamId, ...data } }),
    updateRole: (roleId: string, data: { name?: string; permissions?: string[] }) => db.teamRole.update({ where: { id: roleId }, data }),
    /** deletes the role only when nobody has it; false otherwise */
    deleteRoleIfUnused: (roleId: string) =>
      db.$transaction(async (tx) => {
        if (await tx.membership.count({ where: { roleId } })) return false;
        await tx.invitation.deleteMany({ where: { roleId, acceptedAt: null } });
        await tx.teamRole.delete({ where: { id: roleId } });
        return true;
      }),
    roleMemberCount: (roleId: string) => db.membership.count({ where: { roleId } }),

    /** the Owner becomes Manager and `toUserId` (a member) becomes Owner, together */
    swapOwner: (teamId: string, fromUserId: string, toUserId: string) =>
      db
        .$transaction((tx) => swapOwnerIn(tx, teamId, fromUserId, toUserId))
        .catch((err: unknown) => {
          if (err instanceof OwnerSwapAborted) return false;
          throw err;
        }),

    /** sets a member's role unless the member is the Owner or the role is Owner's (checked in the same statement) */
    setNonOwnerRole: async (teamId: string, userId: string, roleId: string): Promise<boolean> => {
      const { count } = await db.membership.updateMany({ where: { teamId, userId, role: { key: { not: OWNER_KEY } } }, data: { roleId } });
      return count === 1;
    },
    /** removes a member unless they are the Owner (checked in the same statement) */
    removeNonOwner: async (teamId: string, userId: string): Promise<boolean> => {
      const { count } = await db.membership.deleteMany({ where: { teamId, userId, role: { key: { not: OWNER_KEY } } } });
      return count === 1;
    },
    /** each role of the team with how many members hold it */
    rolesWithCounts: (teamId: string) =>
      db.teamRole.findMany({
        where: { teamId },
        include: { _count: { select: { memberships: true } } },
        orderBy: [{ builtIn: "desc" }, { createdAt: "asc" }],
      }),

    /** a newly registered permission joins the built-in roles it names as defaults, in every team */
    addToBuiltInRoles: (roleKey: string, code: string) =>
      db.teamRole.updateMany({
        where: { key: roleKey, builtIn: true, NOT: { permissions: { has: code } } },
        data: { permissions: { push: code } },
      }),
  };
}

export type TeamQueries = ReturnType<typeof createTeamQueries>;

const OWNER_KEY = "owner";

/** thrown inside a swap's transaction to roll it back (callers that own the transaction catch it) */
export class OwnerSwapAborted extends Error {
  constructor() {
    super("ownership swap: the new Owner is no longer a member");
    this.name = "OwnerSwapAborted";
  }
}

/** the ownership swap inside a caller's transaction (an accepted transfer consumes its link in the same one) */
export async function swapOwnerIn(tx: Prisma.TransactionClient, teamId: string, fromUserId: string, toUserId: string): Promise<boolean> {
  const owner = await tx.teamRole.findUniqueOrThrow({ where: { teamId_key: { teamId, key: OWNER_KEY } } });
  const manager = await tx.teamRole.findUniqueOrThrow({ where: { teamId_key: { teamId, key: "manager" } } });
  if (fromUserId === toUserId || !(await tx.membership.findUnique({ where: { teamId_userId: { teamId, userId: toUserId } } })))
    return false;
  // the Owner's row is updated first and only while it is still Owner's: of parallel swaps one wins, the others wait and find nothing
  const from = await tx.membership.updateMany({ where: { teamId, userId: fromUserId, roleId: owner.id }, data: { roleId: manager.id } });
  if (from.count !== 1) return false;
  const to = await tx.membership.updateMany({ where: { teamId, userId: toUserId }, data: { roleId: owner.id } });
  // the new Owner left in between: throwing rolls the whole transaction back (the team keeps its Owner)
  if (to.count !== 1) throw new OwnerSwapAborted();
  return true;
}
