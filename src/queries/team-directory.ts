// Every team, for provider admins: search by name or slug, newest first in cursor pages, each with its member
// count and its Owner. (A team's own members and roles are read through teams.ts.)
import type { PrismaClient, Prisma } from "../generated/prisma/client.ts";

export type TeamSearch = { query?: string; after?: { createdAt: Date; id: string }; take: number };
export type TeamListing = {
  id: string;
  name: string;
  slug: string;
  createdAt: Date;
  memberCount: number;
  owner: { id: string; username: string; email: string; name: string | null } | null;
};

export function createTeamDirectoryQueries(db: PrismaClient) {
  return {
    /** `query` (already lower-cased) is contained in the name (any case) or the slug; newest first */
    async search(s: TeamSearch): Promise<TeamListing[]> {
      const where: Prisma.TeamWhereInput[] = [];
      // Prisma hands `contains` to LIKE as is: the wildcards and the escape character are plain characters here
      const text = s.query?.replace(/[\\%_]/g, "\\$&");
      if (text) where.push({ OR: [{ name: { contains: text, mode: "insensitive" } }, { slug: { contains: text } }] });
      if (s.after) where.push({ OR: [{ createdAt: { lt: s.after.createdAt } }, { createdAt: s.after.createdAt, id: { lt: s.after.id } }] });
      const rows = await db.team.findMany({
        where: { AND: where },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take: s.take,
        include: {
          _count: { select: { memberships: true } },
          memberships: {
            where: { role: { key: "owner" } },
            take: 1,
            include: { user: { select: { id: true, username: true, email: true, name: true } } },
          },
        },
      });
      return rows.map((t) => ({
        id: t.id,
        name: t.name,
        slug: t.slug,
        createdAt: t.createdAt,
        memberCount: t._count.memberships,
        owner: t.memberships[0]?.user ?? null,
      }));
    },
    count: () => db.team.count(),
  };
}

export type TeamDirectoryQueries = ReturnType<typeof createTeamDirectoryQueries>;
