// Which system roles and teams require a second factor of their people (system_roles.require_mfa,
// teams.require_mfa), and why a given user must have one. The flag changes are written with their audit event in
// one transaction.
import type { PrismaClient } from "../generated/prisma/client.ts";
import { trimmedAudit, type NewAuditEvent } from "./audit-events.ts";

export function createMfaRequirementQueries(db: PrismaClient) {
  return {
    /** why this user must have a second factor: "role:<key>", "team:<slug>" (empty: nothing requires one) */
    async requiredBy(userId: string): Promise<string[]> {
      const user = await db.user.findUnique({
        where: { id: userId },
        select: { systemRoleRef: { select: { key: true, requireMfa: true } }, memberships: { where: { team: { requireMfa: true } }, select: { team: { select: { slug: true } } } } },
      });
      if (!user) return [];
      return [...(user.systemRoleRef?.requireMfa ? [`role:${user.systemRoleRef.key}`] : []), ...user.memberships.map((m) => `team:${m.team.slug}`)];
    },

    /** sets a system role's flag with its audit event; false: no such role */
    async setForSystemRole(key: string, on: boolean, event: NewAuditEvent): Promise<boolean> {
      return db.$transaction(async (tx) => {
        const { count } = await tx.systemRole.updateMany({ where: { key }, data: { requireMfa: on } });
        if (count === 0) return false;
        await tx.auditEvent.create({ data: trimmedAudit(event) });
        return true;
      });
    },

    /** sets a team's flag with its audit event; false: no such team */
    async setForTeam(teamId: string, on: boolean, event: NewAuditEvent): Promise<boolean> {
      return db.$transaction(async (tx) => {
        const { count } = await tx.team.updateMany({ where: { id: teamId }, data: { requireMfa: on } });
        if (count === 0) return false;
        await tx.auditEvent.create({ data: trimmedAudit(event) });
        return true;
      });
    },

    systemRoleFlag: async (key: string): Promise<boolean | null> => (await db.systemRole.findUnique({ where: { key }, select: { requireMfa: true } }))?.requireMfa ?? null,
    teamFlag: async (teamId: string): Promise<boolean | null> => (await db.team.findUnique({ where: { id: teamId }, select: { requireMfa: true } }))?.requireMfa ?? null,
  };
}

export type MfaRequirementQueries = ReturnType<typeof createMfaRequirementQueries>;
