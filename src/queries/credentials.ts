// Password, TOTP and backup-code columns and tables: the only Prisma access for credentials. A password change
// writes the hash, the history and the change time in one transaction; a reset also consumes its token in that
// same transaction, so a crash leaves either the old password and a live token or the new password and a used
// token, never half of each.
import type { PrismaClient, Prisma } from "../generated/prisma/client.ts";
import { insertOutbox, type NewOutboxMessage } from "./outbox.ts";

/** writes a new password hash and keeps the newest `historySize` hashes in the history */
async function writePassword(
  tx: Prisma.TransactionClient,
  userId: string,
  passwordHash: string,
  at: Date,
  historySize: number,
): Promise<void> {
  await tx.user.update({ where: { id: userId }, data: { passwordHash, passwordChangedAt: at } });
  // links sent before the change were sent on the old password's watch: none of them works afterwards
  await tx.passwordResetToken.updateMany({ where: { userId, usedAt: null }, data: { usedAt: at } });
  await tx.emailChangeToken.updateMany({ where: { userId, usedAt: null }, data: { usedAt: at } });
  if (historySize <= 0) return;
  await tx.passwordHistory.create({ data: { userId, passwordHash, createdAt: at } });
  const keep = await tx.passwordHistory.findMany({
    where: { userId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: historySize,
    select: { id: true },
  });
  await tx.passwordHistory.deleteMany({ where: { userId, id: { notIn: keep.map((k) => k.id) } } });
}

export function createCredentialQueries(db: PrismaClient) {
  return {
    /** the newest password hashes of a user (the history; the current hash is part of it once set through here) */
    recentPasswordHashes: async (userId: string, take: number) =>
      (
        await db.passwordHistory.findMany({
          where: { userId },
          orderBy: [{ createdAt: "desc" }, { id: "desc" }],
          take,
          select: { passwordHash: true },
        })
      ).map((r) => r.passwordHash),

    setPassword: (userId: string, passwordHash: string, at: Date, historySize: number) =>
      db.$transaction((tx) => writePassword(tx, userId, passwordHash, at, historySize)),

    /** a new reset token for the user; older unused ones stop working; `outbox`: its email, written with it */
    replaceResetToken: (
      data: { userId: string; tokenHash: string; expiresAt: Date; requestedIp: string | null },
      at: Date,
      outbox: NewOutboxMessage[] = [],
    ) =>
      db.$transaction(async (tx) => {
        // the user's row lock orders concurrent requests, so exactly one link (the last one) stays live
        await tx.$executeRaw`SELECT 1 FROM users WHERE id = ${data.userId}::uuid FOR UPDATE`;
        await tx.passwordResetToken.updateMany({ where: { userId: data.userId, usedAt: null }, data: { usedAt: at } });
        await tx.passwordResetToken.create({ data });
        await insertOutbox(tx, outbox); // the link's email: committed with the link, or neither
      }),

    /** the live (unused, unexpired) reset token with this hash, or null; changes nothing */
    findLiveResetToken: (tokenHash: string, at: Date) =>
      db.passwordResetToken.findFirst({ where: { tokenHash, usedAt: null, expiresAt: { gt: at } }, include: { user: true } }),

    /** consumes the token and sets the password in one transaction; false when the token was not live (used by a parallel request, superseded, expired) */
    redeemResetToken: (tokenHash: string, passwordHash: string, at: Date, historySize: number) =>
      db.$transaction(async (tx) => {
        const used = await tx.passwordResetToken.updateManyAndReturn({
          where: { tokenHash, usedAt: null, expiresAt: { gt: at } },
          data: { usedAt: at },
          select: { userId: true },
        });
        const token = used[0];
        if (!token) return null;
        await writePassword(tx, token.userId, passwordHash, at, historySize); // every other link dies with it
        return token.userId;
      }),

    /** turns TOTP on with its (encrypted) secret and a fresh set of backup code hashes */
    enableTotp: (userId: string, secretEncrypted: string, codeHashes: string[], at: Date) =>
      db.$transaction([
        db.user.update({ where: { id: userId }, data: { totpSecretEncrypted: secretEncrypted, totpEnabledAt: at } }),
        db.backupCode.deleteMany({ where: { userId } }),
        db.backupCode.createMany({ data: codeHashes.map((codeHash) => ({ userId, codeHash, createdAt: at })) }),
      ]),

    disableTotp: (userId: string) =>
      db.$transaction([
        db.user.update({ where: { id: userId }, data: { totpSecretEncrypted: null, totpEnabledAt: null } }),
        db.backupCode.deleteMany({ where: { userId } }),
      ]),

    replaceBackupCodes: (userId: string, codeHashes: string[], at: Date) =>
      db.$transaction([
        db.backupCode.deleteMany({ where: { userId } }),
        db.backupCode.createMany({ data: codeHashes.map((codeHash) => ({ userId, codeHash, createdAt: at })) }),
      ]),

    /** marks the code used; true for exactly one of several parallel uses */
    useBackupCode: async (userId: string, codeHash: string, at: Date) =>
      (await db.backupCode.updateMany({ where: { userId, codeHash, usedAt: null }, data: { usedAt: at } })).count === 1,

    unusedBackupCodes: (userId: string) => db.backupCode.count({ where: { userId, usedAt: null } }),
  };
}

export type CredentialQueries = ReturnType<typeof createCredentialQueries>;
