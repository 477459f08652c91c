// Ownership transfers: at most one pending per team (starting one cancels the others), only the SHA-256 of the
// link kept. Accepting consumes the link and swaps the roles in one transaction.
import type { PrismaClient, OwnershipTransfer } from "../generated/prisma/client.ts";
import { OwnerSwapAborted, swapOwnerIn } from "./teams.ts";

export type { OwnershipTransfer };

export type AcceptTransferResult = { outcome: "accepted"; transfer: OwnershipTransfer } | { outcome: "invalid" };

class Refused extends Error {}

export function createOwnershipTransferQueries(db: PrismaClient) {
  const live = (at: Date) => ({ acceptedAt: null, cancelledAt: null, expiresAt: { gt: at } });

  return {
    /** a new pending transfer; the team's other unfinished ones are cancelled in the same transaction */
    start: (data: { teamId: string; fromUserId: string; toUserId: string; tokenHash: string; expiresAt: Date }, at: Date) =>
      db.$transaction(async (tx) => {
        const cancelled = await tx.ownershipTransfer.updateMany({ where: { teamId: data.teamId, ...live(at) }, data: { cancelledAt: at } });
        const transfer = await tx.ownershipTransfer.create({ data });
        return { transfer, cancelled: cancelled.count };
      }),

    pendingForTeam: (teamId: string, at: Date) =>
      db.ownershipTransfer.findFirst({ where: { teamId, ...live(at) }, orderBy: { createdAt: "desc" } }),

    findByTokenHash: (tokenHash: string) => db.ownershipTransfer.findUnique({ where: { tokenHash } }),

    /** cancels the team's pending transfers (all of them, or only those to `toUserId`); how many */
    cancel: async (teamId: string, at: Date, toUserId?: string): Promise<number> => {
      const { count } = await db.ownershipTransfer.updateMany({
        where: { teamId, ...(toUserId ? { toUserId } : {}), ...live(at) },
        data: { cancelledAt: at },
      });
      return count;
    },

    /** `userId` accepts: the link is used and the roles swap together, or nothing happens */
    accept: (tokenHash: string, userId: string, at: Date): Promise<AcceptTransferResult> =>
      db
        .$transaction(async (tx) => {
          const used = await tx.ownershipTransfer.updateManyAndReturn({
            where: { tokenHash, toUserId: userId, ...live(at) },
            data: { acceptedAt: at },
          });
          const transfer = used[0];
          if (!transfer) return { outcome: "invalid" } as const;
          // the Owner changed, or the new Owner left, since the transfer started: roll back, the link stays unused
          if (!(await swapOwnerIn(tx, transfer.teamId, transfer.fromUserId, transfer.toUserId))) throw new Refused();
          return { outcome: "accepted", transfer } as const;
        })
        .catch((err: unknown) => {
          if (err instanceof Refused || err instanceof OwnerSwapAborted) return { outcome: "invalid" } as const;
          throw err;
        }),
  };
}

export type OwnershipTransferQueries = ReturnType<typeof createOwnershipTransferQueries>;
