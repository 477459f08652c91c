// Invitations to a team (with a role) or to the admin area (with a system role): only the SHA-256 of each link
// is kept. Accepting consumes the link and adds the membership (or sets the system role) in one transaction,
// so of parallel acceptances one wins and a refusal changes nothing.
import type { PrismaClient, Invitation, Team, TeamRole } from "../generated/prisma/client.ts";

export type { Invitation };
export type InvitationWithTeam = Invitation & { team: Team | null; role: TeamRole | null };

export type AcceptInvitationResult =
  | { outcome: "joined"; invitation: Invitation; teamId: string; roleId: string }
  | { outcome: "system_role_set"; invitation: Invitation; systemRole: string }
  | { outcome: "already_member"; teamId: string }
  | { outcome: "already_admin" }
  | { outcome: "invalid" };

/** rolls a transaction back with an outcome for the caller */
class Refused extends Error {
  constructor(readonly result: AcceptInvitationResult) {
    super(result.outcome);
  }
}

export function createInvitationQueries(db: PrismaClient) {
  const live = (at: Date) => ({ acceptedAt: null, revokedAt: null, expiresAt: { gt: at } });

  return {
    create: (data: {
      teamId: string | null;
      roleId: string | null;
      systemRole: string | null;
      email: string;
      emailNormalized: string;
      tokenHash: string;
      invitedById: string | null;
      expiresAt: Date;
    }) => db.invitation.create({ data }),

    /** the team's invitations that can still be accepted, newest first */
    pendingForTeam: (teamId: string, at: Date) =>
      db.invitation.findMany({ where: { teamId, ...live(at) }, include: { role: true }, orderBy: { createdAt: "desc" } }),
    pendingForTeamAndEmail: (teamId: string, emailNormalized: string, at: Date) =>
      db.invitation.findFirst({ where: { teamId, emailNormalized, ...live(at) } }),
    pendingAdminForEmail: (emailNormalized: string, at: Date) =>
      db.invitation.findFirst({ where: { teamId: null, emailNormalized, ...live(at) } }),
    /** one pending invitation of the team (never another team's) */
    pendingById: (teamId: string, id: string, at: Date) =>
      db.invitation.findFirst({ where: { id, teamId, ...live(at) }, include: { role: true } }),

    findByTokenHash: (tokenHash: string): Promise<InvitationWithTeam | null> =>
      db.invitation.findUnique({ where: { tokenHash }, include: { team: true, role: true } }),

    /** a new link for a pending invitation: the old one stops working */
    replaceToken: async (id: string, tokenHash: string, expiresAt: Date, at: Date): Promise<Invitation | null> => {
      const rows = await db.invitation.updateManyAndReturn({ where: { id, ...live(at) }, data: { tokenHash, expiresAt } });
      return rows[0] ?? null;
    },

    revoke: async (id: string, at: Date): Promise<boolean> => {
      const { count } = await db.invitation.updateMany({ where: { id, ...live(at) }, data: { revokedAt: at } });
      return count === 1;
    },

    /** consumes the link and joins `userId` (team invitation) or sets their system role (admin invitation) */
    accept: (tokenHash: string, userId: string, at: Date): Promise<AcceptInvitationResult> => {
      let teamId: string | null = null;
      return db
        .$transaction(async (tx) => {
          const used = await tx.invitation.updateManyAndReturn({ where: { tokenHash, ...live(at) }, data: { acceptedAt: at } });
          const invitation = used[0];
          if (!invitation) throw new Refused({ outcome: "invalid" });
          if (invitation.teamId && invitation.roleId) {
            teamId = invitation.teamId;
            if (await tx.membership.findUnique({ where: { teamId_userId: { teamId: invitation.teamId, userId } } })) {
              throw new Refused({ outcome: "already_member", teamId: invitation.teamId });
            }
            await tx.membership.create({ data: { teamId: invitation.teamId, userId, roleId: invitation.roleId } });
            return { outcome: "joined", invitation, teamId: invitation.teamId, roleId: invitation.roleId } as const;
          }
          if (!invitation.systemRole) throw new Refused({ outcome: "invalid" });
          // at most one system role per user: only a user without one takes it
          const { count } = await tx.user.updateMany({
            where: { id: userId, systemRole: null },
            data: { systemRole: invitation.systemRole },
          });
          if (count !== 1) throw new Refused({ outcome: "already_admin" });
          return { outcome: "system_role_set", invitation, systemRole: invitation.systemRole } as const;
        })
        .catch((err: unknown) => {
          if (err instanceof Refused) return err.result;
          // joined in parallel (another invitation to the same team): the unique membership refused this one
          if (teamId && (err as { code?: string }).code === "P2002") return { outcome: "already_member", teamId } as const;
          throw err;
        });
    },
  };
}

export type InvitationQueries = ReturnType<typeof createInvitationQueries>;
