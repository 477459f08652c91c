// The admin lists in an order an administrator chose (#18 item 1: sortable tables). The column comes from a
// whitelist (the keys of USER_SORT): it picks a Prisma orderBy from this map, so nothing from the URL reaches SQL.
// Pages are Prisma cursor pages after a row's id, with the id as the tie-break, so the order is total.
import type { Prisma, PrismaClient } from "../generated/prisma/client.ts";
import { SAFE_USER_FIELDS, type SafeUser } from "./users.ts";
import type { TeamListing } from "./team-directory.ts";

export type SortDir = "asc" | "desc";
/** the users table's sortable columns and the row field each sorts by */
export const USER_SORT = {
  username: (dir: SortDir): Prisma.UserOrderByWithRelationInput => ({ usernameNormalized: dir }),
  email: (dir: SortDir): Prisma.UserOrderByWithRelationInput => ({ emailNormalized: dir }),
  verified: (dir: SortDir): Prisma.UserOrderByWithRelationInput => ({ emailVerified: dir }),
  twoFactor: (dir: SortDir): Prisma.UserOrderByWithRelationInput => ({
    totpEnabledAt: { sort: dir, nulls: dir === "asc" ? "first" : "last" },
  }),
  disabled: (dir: SortDir): Prisma.UserOrderByWithRelationInput => ({ disabled: dir }),
  systemRole: (dir: SortDir): Prisma.UserOrderByWithRelationInput => ({ systemRole: { sort: dir, nulls: "last" } }),
  created: (dir: SortDir): Prisma.UserOrderByWithRelationInput => ({ createdAt: dir }),
} as const;
export type UserSortColumn = keyof typeof USER_SORT;

/** the teams table's sortable columns */
export const TEAM_SORT = {
  name: (dir: SortDir): Prisma.TeamOrderByWithRelationInput => ({ name: dir }),
  slug: (dir: SortDir): Prisma.TeamOrderByWithRelationInput => ({ slug: dir }),
  members: (dir: SortDir): Prisma.TeamOrderByWithRelationInput => ({ memberships: { _count: dir } }),
  created: (dir: SortDir): Prisma.TeamOrderByWithRelationInput => ({ createdAt: dir }),
} as const;
export type TeamSortColumn = keyof typeof TEAM_SORT;
export type SortedTeamSearch = { query?: string; sort: { col: TeamSortColumn; dir: SortDir }; afterId?: string; take: number };

export type SortedUserSearch = {
  query?: string;
  teamId?: string;
  sort: { col: UserSortColumn; dir: SortDir };
  afterId?: string;
  take: number;
};

export function createAdminListQueries(db: PrismaClient) {
  return {
    /** users whose normalized email or username contains `query`, in a team, in the chosen order */
    users(s: SortedUserSearch): Promise<SafeUser[]> {
      const where: Prisma.UserWhereInput[] = [];
      const text = s.query?.replace(/[\\%_]/g, "\\$&"); // LIKE's wildcards as plain characters
      if (text) where.push({ OR: [{ emailNormalized: { contains: text } }, { usernameNormalized: { contains: text } }] });
      if (s.teamId) where.push({ memberships: { some: { teamId: s.teamId } } });
      const order = USER_SORT[s.sort.col](s.sort.dir);
      return db.user.findMany({
        where: { AND: where },
        orderBy: [order, { id: s.sort.dir }],
        take: s.take,
        select: SAFE_USER_FIELDS,
        ...(s.afterId ? { cursor: { id: s.afterId }, skip: 1 } : {}),
      });
    },
    /** teams whose name (any case) or slug contains `query`, in the chosen order, with member count and Owner */
    async teams(s: SortedTeamSearch): Promise<TeamListing[]> {
      const text = s.query?.replace(/[\\%_]/g, "\\$&");
      const rows = await db.team.findMany({
        where: text ? { OR: [{ name: { contains: text, mode: "insensitive" } }, { slug: { contains: text } }] } : {},
        orderBy: [TEAM_SORT[s.sort.col](s.sort.dir), { id: s.sort.dir }],
        take: s.take,
        ...(s.afterId ? { cursor: { id: s.afterId }, skip: 1 } : {}),
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
  };
}

export type AdminListQueries = ReturnType<typeof createAdminListQueries>;
