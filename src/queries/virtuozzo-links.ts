// A team's Virtuozzo platform link (plugins/virtuozzo): one row per team, the credential already sealed by the
// service. Rules (who may link, suspension after an ownership transfer) live in services/virtuozzo/.
import type { PrismaClient } from "../generated/prisma/client.ts";

export type VirtuozzoLinkRow = {
  teamId: string;
  platformUrl: string;
  login: string;
  credential: string;
  groupType: string;
  linkedById: string;
  clientIds: string[];
  createdAt: Date;
  updatedAt: Date;
};
export type NewVirtuozzoLink = Pick<VirtuozzoLinkRow, "teamId" | "platformUrl" | "login" | "credential" | "groupType" | "linkedById">;

export function createVirtuozzoLinkQueries(db: PrismaClient) {
  return {
    find: (teamId: string): Promise<VirtuozzoLinkRow | null> => db.virtuozzoLink.findUnique({ where: { teamId } }),
    /** links or re-links the team (a re-link keeps the authorized clients) */
    save: (link: NewVirtuozzoLink): Promise<VirtuozzoLinkRow> =>
      db.virtuozzoLink.upsert({ where: { teamId: link.teamId }, create: link, update: { ...link } }),
    /** the new Owner confirmed the link: it is theirs from now on (with the group type checked again) */
    confirm: async (teamId: string, linkedById: string, groupType: string): Promise<boolean> =>
      (await db.virtuozzoLink.updateMany({ where: { teamId }, data: { linkedById, groupType } })).count === 1,
    setClients: async (teamId: string, clientIds: string[]): Promise<boolean> =>
      (await db.virtuozzoLink.updateMany({ where: { teamId }, data: { clientIds } })).count === 1,
    remove: async (teamId: string): Promise<boolean> => (await db.virtuozzoLink.deleteMany({ where: { teamId } })).count === 1,
  };
}

export type VirtuozzoLinkQueries = ReturnType<typeof createVirtuozzoLinkQueries>;
