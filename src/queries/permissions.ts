// Registered permissions and system roles: the only Prisma access for them.
import type { PrismaClient, Permission, SystemRole } from "../generated/prisma/client.ts";

export type { Permission, SystemRole };

export function createPermissionQueries(db: PrismaClient) {
  return {
    list: () => db.permission.findMany({ orderBy: { code: "asc" } }),
    /** writes a registration; returns the codes that were new (so their default roles can be granted once) */
    upsertMany: (rows: { code: string; label: string; tab: string; owner: string; defaultRoles: string[] }[]) =>
      db.$transaction(async (tx) => {
        const existing = new Set((await tx.permission.findMany({ where: { code: { in: rows.map((r) => r.code) } }, select: { code: true } })).map((r) => r.code));
        for (const row of rows) {
          await tx.permission.upsert({ where: { code: row.code }, create: row, update: { label: row.label, tab: row.tab, defaultRoles: row.defaultRoles } });
        }
        return rows.filter((r) => !existing.has(r.code));
      }),

    systemRoles: () => db.systemRole.findMany({ orderBy: [{ builtIn: "desc" }, { createdAt: "asc" }] }),
    systemRole: (key: string) => db.systemRole.findUnique({ where: { key } }),
    createSystemRole: (data: { key: string; name: string; permissions: string[] }) => db.systemRole.create({ data }),
    updateSystemRole: (key: string, data: { name?: string; permissions?: string[] }) => db.systemRole.update({ where: { key }, data }),
  };
}

export type PermissionQueries = ReturnType<typeof createPermissionQueries>;
