// Teams, their roles and memberships: the only Prisma access for them. Changes that must hold together (a new
// team with its roles and Owner, an ownership swap) happen in one transaction.
import type { PrismaClient, Team, TeamRole, Membership } from "../generated/prisma/client.ts";

export type { Team, TeamRole, Membership };
export type MembershipWithTeam = Membership & { team: Team; role: TeamRole };

export function createTeamQueries(db: PrismaClient) {
  return {
    /** a team with its built-in roles, and `ownerId` as its Owner */
    createWithOwner: (data: { name: string; slug: string; ownerId: string; roles: { key: string; name: string; permissions: string[] }[] }) =>
      db.$transaction(async (tx) => {
        const team = await tx.team.create({ data: { name: data.name, slug: data.slug } });
        const roles = await Promise.all(data.roles.map((r) => tx.teamRole.create({ data: { teamId: team.id, key: r.key, name: r.name, permissions: r.permissions, builtIn: true } })));
        const owner = roles.find((r) => r.key === "owner")!;
        await tx.membership.create({ data: { teamId: team.id, userId: data.ownerId, roleId: owner.id } });
        return { team, roles };
      }),
    findById: (id: string) => db.team.findUnique({ where: { id } }),
    findBySlug: (slug: string) => db.team.findUnique({ where: { slug } }),
    rename: (id: string, name: string) => db.team.update({ where: { id }, data: { name } }),

    membershipsOf: (userId: string): Promise<MembershipWithTeam[]> =>
      db.membership.findMany({ where: { userId }, include: { team: true, role: true }, orderBy: { createdAt: "asc" } }),
    membership: (teamId: string, userId: string): Promise<MembershipWithTeam | null> =>
      db.membership.findUnique({ where: { teamId_userId: { teamId, userId } }, include: { team: true, role: true } }),
    members: (teamId: string) =>
      db.membership.findMany({ where: { teamId }, include: { user: true, role: true }, orderBy: { createdAt: "asc" } }),
    addMember: (teamId: string, userId: string, roleId: string) => db.membership.create({ data: { teamId, userId, roleId } }),
    setMemberRole: (teamId: string, userId: string, roleId: string) =>
      db.membership.update({ where: { teamId_userId: { teamId, userId } }, data: { roleId } }),
    removeMember: (teamId: string, userId: string) => db.membership.delete({ where: { teamId_userId: { teamId, userId } } }),

    roles: (teamId: string) => db.teamRole.findMany({ where: { teamId }, orderBy: [{ builtIn: "desc" }, { createdAt: "asc" }] }),
    role: (teamId: string, roleId: string) => db.teamRole.findFirst({ where: { id: roleId, teamId } }),
    roleByKey: (teamId: string, key: string) => db.teamRole.findUnique({ where: { teamId_key: { teamId, key } } }),
    createRole: (teamId: string, data: { key: string; name: string; permissions: string[] }) => db.teamRole.create({ data: { teamId, ...data } }),
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
      db.$transaction(async (tx) => {
        const owner = await tx.teamRole.findUniqueOrThrow({ where: { teamId_key: { teamId, key: "owner" } } });
        const manager = await tx.teamRole.findUniqueOrThrow({ where: { teamId_key: { teamId, key: "manager" } } });
        const from = await tx.membership.findUnique({ where: { teamId_userId: { teamId, userId: fromUserId } } });
        const to = await tx.membership.findUnique({ where: { teamId_userId: { teamId, userId: toUserId } } });
        if (!from || from.roleId !== owner.id || !to) return false;
        await tx.membership.update({ where: { id: from.id }, data: { roleId: manager.id } });
        await tx.membership.update({ where: { id: to.id }, data: { roleId: owner.id } });
        return true;
      }),

    /** a newly registered permission joins the built-in roles it names as defaults, in every team */
    addToBuiltInRoles: (roleKey: string, code: string) =>
      db.teamRole.updateMany({ where: { key: roleKey, builtIn: true, NOT: { permissions: { has: code } } }, data: { permissions: { push: code } } }),
  };
}

export type TeamQueries = ReturnType<typeof createTeamQueries>;
