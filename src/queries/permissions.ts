// Registered permissions and system roles: the only Prisma access for them.
import type { PrismaClient, Permission, SystemRole } from "../generated/prisma/client.ts";

export type { Permission, SystemRole };

export function createPermissionQueries(db: PrismaClient) {
  return {
    list: () => db.permission.findMany({ orderBy: { code: "asc" } }),
    /** writes a registration; returns the codes that were new (so their default roles can be granted once) */
    upsertMany: (rows: { code: string; label: string; tab: string; owner: string; defaultRoles: string[] }[]) =>
      db.$transaction(async (tx) => {
        const existing = new Set(
          (await tx.permission.findMany({ where: { code: { in: rows.map((r) => r.code) } }, select: { code: true } })).map((r) => r.code),
        );
        for (const row of rows) {
          await tx.permission.upsert({
            where: { code: row.code },
            create: row,
            update: { label: row.label, tab: row.tab, owner: row.owner, defaultRoles: row.defaultRoles },
          });
        }
        return rows.filter((r) => !existing.has(r.code));
      }),

    systemRoles: () => db.systemRole.findMany({ orderBy: [{ builtIn: "desc" }, { createdAt: "asc" }] }),
    systemRole: (key: string) => db.systemRole.findUnique({ where: { key } }),
    createSystemRole: (data: { key: string; name: string; permissions: string[] }) => db.systemRole.create({ data }),
    /**
     * changes a system role, under the system-role lock; "changed" (and nothing written) when `expected` is given
     * and the role's grants are no longer those (someone else edited it since the caller's checks)
     */
    updateSystemRole: (key: string, data: { name?: string; permissions?: string[] }, expected?: readonly string[]) =>
      db.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(4711002)`;
        const row = await tx.systemRole.findUnique({ where: { key } });
        if (!row) return { outcome: "not_found" as const };
        if (expected && !sameGrants(row.permissions, expected)) return { outcome: "changed" as const };
        return { outcome: "updated" as const, role: await tx.systemRole.update({ where: { key }, data }) };
      }),
    /**
     * sets (or clears, with null) a user's system role, unless the user holds `keep` and would leave no other
     * active user with it; serialized with first-run admin setup and role edits by the same advisory lock.
     * `expected`: what the caller checked (the user's role then, the new role's grants then); "changed" and
     * nothing written when either moved since
     */
    setUserSystemRole: (
      userId: string,
      key: string | null,
      keep: string,
      expected?: { current: string | null; grants: readonly string[] | null },
    ) =>
      db.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(4711002)`;
        const user = await tx.user.findUnique({ where: { id: userId }, select: { systemRole: true } });
        if (!user) return { outcome: "not_found" as const };
        if (expected) {
          const role = key !== null ? await tx.systemRole.findUnique({ where: { key } }) : null;
          if (user.systemRole !== expected.current || (key !== null && (!role || !sameGrants(role.permissions, expected.grants ?? []))))
            return { outcome: "changed" as const };
        }
        if (
          user.systemRole === keep &&
          key !== keep &&
          !(await tx.user.count({ where: { systemRole: keep, disabled: false, id: { not: userId } } }))
        ) {
          return { outcome: "last" as const };
        }
        await tx.user.update({ where: { id: userId }, data: { systemRole: key } });
        return { outcome: "updated" as const, previous: user.systemRole };
      }),
  };
}

export type PermissionQueries = ReturnType<typeof createPermissionQueries>;

const sameGrants = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().every((g, i) => g === [...b].sort()[i]);
