// team_domains rows (#17 item 3, enterprise SSO per team) and the just-in-time memberships they lead to. No
// rules here: services/federation/team-domains.ts, home-realm.ts and group-roles.ts decide. A domain is verified
// by one team at most: a partial unique index (migration 20261208100000_team_domains) refuses a second one.
import type { Prisma, PrismaClient } from "../generated/prisma/client.ts";

export type GroupRole = { group: string; role: string };

export type TeamDomainRow = {
  id: string;
  teamId: string;
  domain: string;
  verificationToken: string;
  verifiedAt: Date | null;
  connectorId: string | null;
  ssoRequired: boolean;
  defaultRoleKey: string | null;
  groupRoles: GroupRole[];
  createdById: string | null;
  createdAt: Date;
  updatedAt: Date;
};
export type TeamDomainChange = Partial<Pick<TeamDomainRow, "connectorId" | "ssoRequired" | "defaultRoleKey" | "groupRoles">>;

const asRow = (r: Omit<TeamDomainRow, "groupRoles"> & { groupRoles: unknown }): TeamDomainRow => ({
  ...r,
  groupRoles: Array.isArray(r.groupRoles) ? (r.groupRoles as GroupRole[]) : [],
});

/** what a just-in-time membership did: made it, changed its role (from), or nothing */
export type MembershipChange =
  { outcome: "joined"; role: string } | { outcome: "changed"; from: string; role: string } | { outcome: "unchanged" };

export function createTeamDomainQueries(db: PrismaClient) {
  return {
    listOf: async (teamId: string): Promise<TeamDomainRow[]> =>
      (await db.teamDomain.findMany({ where: { teamId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] })).map(asRow),
    find: async (teamId: string, id: string): Promise<TeamDomainRow | null> =>
      ((r) => (r ? asRow(r) : null))(await db.teamDomain.findFirst({ where: { id, teamId } })),
    /** throws P2002 when the team already has this domain */
    create: async (data: {
      teamId: string;
      domain: string;
      verificationToken: string;
      createdById: string | null;
    }): Promise<TeamDomainRow> => asRow(await db.teamDomain.create({ data })),
    /** the row that verified `domain` (any team), or null */
    findVerified: async (domain: string): Promise<TeamDomainRow | null> =>
      ((r) => (r ? asRow(r) : null))(await db.teamDomain.findFirst({ where: { domain, verifiedAt: { not: null } } })),
    /** the verified domains routed to a connector or requiring single sign-on (its connector may be gone): a short list */
    routedDomains: async (): Promise<{ domain: string; ssoRequired: boolean; connectorId: string | null }[]> =>
      db.teamDomain.findMany({
        where: { verifiedAt: { not: null }, OR: [{ connectorId: { not: null } }, { ssoRequired: true }] },
        select: { domain: true, ssoRequired: true, connectorId: true },
      }),
    /** throws P2002 when another team verified the domain in between (the partial unique index) */
    markVerified: async (id: string, at: Date): Promise<TeamDomainRow> =>
      asRow(await db.teamDomain.update({ where: { id }, data: { verifiedAt: at } })),
    update: async (id: string, data: TeamDomainChange): Promise<TeamDomainRow> => {
      const { groupRoles, ...rest } = data;
      return asRow(
        await db.teamDomain.update({
          where: { id },
          data: { ...rest, ...(groupRoles ? { groupRoles: groupRoles as unknown as Prisma.InputJsonValue } : {}) },
        }),
      );
    },
    remove: async (teamId: string, id: string): Promise<boolean> => (await db.teamDomain.deleteMany({ where: { id, teamId } })).count > 0,

    /**
     * the user's membership of the team with the role `roleKey`: made when missing; its role changed when
     * `update` and it differs, never the Owner's and never to Owner. One transaction, the membership row locked.
     */
    ensureMembership: (teamId: string, userId: string, roleKey: string, update: boolean): Promise<MembershipChange> =>
      db.$transaction(async (tx) => {
        const role = await tx.teamRole.findUnique({ where: { teamId_key: { teamId, key: roleKey } } });
        if (!role || role.key === "owner") return { outcome: "unchanged" as const };
        await tx.$queryRaw`SELECT id FROM memberships WHERE team_id = ${teamId}::uuid AND user_id = ${userId}::uuid FOR UPDATE`;
        const current = await tx.membership.findUnique({ where: { teamId_userId: { teamId, userId } }, include: { role: true } });
        if (!current) {
          await tx.membership.create({ data: { teamId, userId, roleId: role.id } });
          return { outcome: "joined" as const, role: role.key };
        }
        if (!update || current.role.key === "owner" || current.roleId === role.id) return { outcome: "unchanged" as const };
        await tx.membership.update({ where: { id: current.id }, data: { roleId: role.id } });
        return { outcome: "changed" as const, from: current.role.key, role: role.key };
      }),
  };
}

export type TeamDomainQueries = ReturnType<typeof createTeamDomainQueries>;
