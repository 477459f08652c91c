// User rows: the only Prisma access for users.
import type { PrismaClient, User } from "../generated/prisma/client.ts";

export type { User };

export function createUserQueries(db: PrismaClient) {
  return {
    findById: (id: string) => db.user.findUnique({ where: { id } }),
    findByEmailNormalized: (emailNormalized: string) => db.user.findUnique({ where: { emailNormalized } }),
    findByUsernameNormalized: (usernameNormalized: string) => db.user.findUnique({ where: { usernameNormalized } }),
    create: (data: { email: string; emailNormalized: string; username: string; usernameNormalized: string; passwordHash: string; emailVerified: boolean; systemRole?: string | null; name?: string | null }) =>
      // the first password starts the history (a later change may not repeat it)
      db.user.create({ data: { ...data, emailVerifiedAt: data.emailVerified ? new Date() : null, passwordHistory: { create: { passwordHash: data.passwordHash } } } }),
    /** first-run setup: creates the account with a system role only while no account has one (one wins a race) */
    createFirstAdmin: (data: { email: string; emailNormalized: string; username: string; usernameNormalized: string; passwordHash: string; systemRole: string }) =>
      db.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(4711002)`;
        if (await tx.user.count({ where: { systemRole: { not: null } } })) return null;
        return tx.user.create({ data: { ...data, emailVerified: false, passwordHistory: { create: { passwordHash: data.passwordHash } } } });
      }),
    /** bulk insert (imports, benchmark seeding); existing emails or usernames are skipped */
    createMany: (rows: { email: string; emailNormalized: string; username: string; usernameNormalized: string; passwordHash: string; emailVerified: boolean }[]) =>
      db.user.createMany({ data: rows.map((r) => ({ ...r, emailVerifiedAt: r.emailVerified ? new Date() : null })), skipDuplicates: true }),
    updatePasswordHash: (id: string, passwordHash: string) => db.user.update({ where: { id }, data: { passwordHash } }),
    recordLogin: (id: string, at: Date) => db.user.update({ where: { id }, data: { lastLoginAt: at } }),
    updateProfile: (id: string, data: { name: string | null }) => db.user.update({ where: { id }, data }),
    countWithSystemRole: () => db.user.count({ where: { systemRole: { not: null } } }),
    /** undoes a registration that could not finish (its team address was taken a moment ago): never a verified account */
    deleteUnverified: (id: string) => db.user.deleteMany({ where: { id, emailVerified: false } }),
  };
}

export type UserQueries = ReturnType<typeof createUserQueries>;
