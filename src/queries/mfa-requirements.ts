// Which system roles and teams require a second factor of their people (system_roles.require_mfa,
// teams.require_mfa), and why a given user must have one. The flag changes are written with their audit event in
// one transaction.
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Sql } from "../db/sql.ts";
import { trimmedAudit, type NewAuditEvent } from "./audit-events.ts";

/**
 * why the user row `u` must have a second factor, as a SQL array expression: "role:<key>" when its system role
 * requires one, then "team:<slug>" for each of its teams that does (by slug). The sign-in reads it with the user
 * row (queries/users.ts findForSignIn); requiredBy below reads it alone
 */
export const MFA_REQUIRED_BY_SQL = (u: string) => `ARRAY(
  SELECT 'role:' || r.key FROM system_roles r WHERE r.key = ${u}.system_role AND r.require_mfa
  UNION ALL SELECT why FROM (SELECT 'team:' || t.slug AS why FROM memberships m JOIN teams t ON t.id = m.team_id WHERE m.user_id = ${u}.id AND t.require_mfa ORDER BY t.slug) teams)`;

export function createMfaRequirementQueries(db: PrismaClient, sql: Sql) {
  return {
    /** why this user must have a second factor: "role:<key>", "team:<slug>" (empty: nothing requires one) */
    async requiredBy(userId: string): Promise<string[]> {
      const rows = await sql.rows<{ requiredBy: string[] }>(
        "mfa-required-by",
        `SELECT ${MFA_REQUIRED_BY_SQL("u")} AS "requiredBy" FROM users u WHERE u.id = $1::uuid`,
        [userId],
      );
      return rows[0]?.requiredBy ?? [];
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

    systemRoleFlag: async (key: string): Promise<boolean | null> =>
      (await db.systemRole.findUnique({ where: { key }, select: { requireMfa: true } }))?.requireMfa ?? null,
    teamFlag: async (teamId: string): Promise<boolean | null> =>
      (await db.team.findUnique({ where: { id: teamId }, select: { requireMfa: true } }))?.requireMfa ?? null,
  };
}

export type MfaRequirementQueries = ReturnType<typeof createMfaRequirementQueries>;
