// Email verification tokens (hashes only). Redemption marks the token used and the user verified in one
// transaction, and only if the token is unused and unexpired: of two parallel redemptions one wins.
import type { PrismaClient } from "../generated/prisma/client.ts";
import { insertOutbox, type NewOutboxMessage } from "./outbox.ts";

export function createEmailVerificationQueries(db: PrismaClient) {
  return {
    /** a new token for the user; any older unused ones stop working; `outbox`: its email, written with it */
    replace: (data: { userId: string; tokenHash: string; email: string; expiresAt: Date }, at: Date, outbox: NewOutboxMessage[] = []) =>
      db.$transaction(async (tx) => {
        await tx.emailVerificationToken.updateMany({ where: { userId: data.userId, usedAt: null }, data: { usedAt: at } });
        await tx.emailVerificationToken.create({ data });
        await insertOutbox(tx, outbox);
      }),
    /** the verified user's id, or null when the token is unknown, used or expired */
    redeem: (tokenHash: string, at: Date) =>
      db.$transaction(async (tx) => {
        const used = await tx.emailVerificationToken.updateManyAndReturn({
          where: { tokenHash, usedAt: null, expiresAt: { gt: at } },
          data: { usedAt: at },
          select: { userId: true, email: true },
        });
        const token = used[0];
        if (!token) return null;
        const user = await tx.user.findUnique({ where: { id: token.userId } });
        // the link proves the address it was sent to, and only while that is still the account's address
        if (!user || user.email !== token.email) return null;
        await tx.user.update({ where: { id: user.id }, data: { emailVerified: true, emailVerifiedAt: at } });
        return user.id;
      }),
  };
}

export type EmailVerificationQueries = ReturnType<typeof createEmailVerificationQueries>;
