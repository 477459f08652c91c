// Email change links (hashes only), sent to the new address. Redemption marks the link used and moves the
// account to the new, verified address in one transaction; of two parallel redemptions one wins.
import type { PrismaClient } from "../generated/prisma/client.ts";

export type EmailChangeResult =
  { outcome: "changed"; userId: string; oldEmail: string; newEmail: string } | { outcome: "invalid" } | { outcome: "taken" };

export function createEmailChangeQueries(db: PrismaClient) {
  return {
    /** a new pending change; older unused links of the user stop working */
    replace: (data: { userId: string; tokenHash: string; newEmail: string; expiresAt: Date }, at: Date) =>
      db.$transaction([
        db.emailChangeToken.updateMany({ where: { userId: data.userId, usedAt: null }, data: { usedAt: at } }),
        db.emailChangeToken.create({ data }),
      ]),

    redeem: (tokenHash: string, newEmailNormalized: (email: string) => string, at: Date): Promise<EmailChangeResult> =>
      db.$transaction(async (tx) => {
        const used = await tx.emailChangeToken.updateManyAndReturn({
          where: { tokenHash, usedAt: null, expiresAt: { gt: at } },
          data: { usedAt: at },
          select: { userId: true, newEmail: true },
        });
        const token = used[0];
        if (!token) return { outcome: "invalid" } as const;
        const user = await tx.user.findUnique({ where: { id: token.userId } });
        if (!user || user.disabled) return { outcome: "invalid" } as const;
        const emailNormalized = newEmailNormalized(token.newEmail);
        if (await tx.user.findUnique({ where: { emailNormalized } })) return { outcome: "taken" } as const;
        try {
          await tx.user.update({
            where: { id: user.id },
            data: { email: token.newEmail, emailNormalized, emailVerified: true, emailVerifiedAt: at },
          });
        } catch (err) {
          // someone registered the address between the check and the update
          if ((err as { code?: string }).code === "P2002") return { outcome: "taken" } as const;
          throw err;
        }
        // reset links went to the old address: they stop working with it
        await tx.passwordResetToken.updateMany({ where: { userId: user.id, usedAt: null }, data: { usedAt: at } });
        return { outcome: "changed", userId: user.id, oldEmail: user.email, newEmail: token.newEmail } as const;
      }),
  };
}

export type EmailChangeQueries = ReturnType<typeof createEmailChangeQueries>;
