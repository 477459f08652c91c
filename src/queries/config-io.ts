// Configuration as code (services/config-io): reading what a configuration file covers, and writing an import's
// changes and their audit events in ONE transaction (all or nothing), under the system-role lock that role edits
// and admin setup take (queries/permissions.ts).
import type { PrismaClient, Prisma } from "../generated/prisma/client.ts";
import { trimmedAudit, type NewAuditEvent } from "./audit-events.ts";
import type { ClientChanges, NewClient } from "./clients.ts";
import { insertTeamWithOwner, type NewTeam } from "./teams.ts";

type Grants = { name?: string; permissions?: string[] };
export type PermissionRow = { code: string; label: string; tab: string; owner: string; defaultRoles: string[] };

/** everything an import writes; each list may be empty */
export type ConfigWrites = {
  clientsCreated: NewClient[];
  clientsChanged: { id: string; data: Partial<ClientChanges> & { secretHash?: string; secretRotatedAt?: Date } }[];
  permissions: PermissionRow[];
  /** codes new to the table: every team's built-in role of this key gets them (as a registration does) */
  newDefaults: { role: string; code: string }[];
  systemRolesCreated: { key: string; name: string; permissions: string[] }[];
  systemRolesChanged: { key: string; data: Grants }[];
  teamsCreated: NewTeam[];
  teamsRenamed: { slug: string; name: string }[];
  teamRolesCreated: { slug: string; key: string; name: string; permissions: string[] }[];
  teamRolesChanged: { slug: string; key: string; data: Grants }[];
};

async function teamId(tx: Prisma.TransactionClient, slug: string): Promise<string> {
  return (await tx.team.findUniqueOrThrow({ where: { slug }, select: { id: true } })).id;
}

/** the audit events of the writes, given each team's id by slug (a new team has one only once written) */
export type ConfigEvents = (teamIds: ReadonlyMap<string, string>) => NewAuditEvent[];

async function writeAll(tx: Prisma.TransactionClient, w: ConfigWrites, eventsFor: ConfigEvents): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(4711002)`;
  for (const c of w.clientsCreated) await tx.oidcClient.create({ data: c });
  for (const c of w.clientsChanged) await tx.oidcClient.update({ where: { id: c.id }, data: c.data });
  for (const p of w.permissions)
    await tx.permission.upsert({
      where: { code: p.code },
      create: p,
      update: { label: p.label, tab: p.tab, owner: p.owner, defaultRoles: p.defaultRoles },
    });
  for (const d of w.newDefaults) {
    await tx.teamRole.updateMany({
      where: { key: d.role, builtIn: true, NOT: { permissions: { has: d.code } } },
      data: { permissions: { push: d.code } },
    });
  }
  for (const r of w.systemRolesCreated) await tx.systemRole.create({ data: r });
  for (const r of w.systemRolesChanged) await tx.systemRole.update({ where: { key: r.key }, data: r.data });
  for (const t of w.teamsCreated) await insertTeamWithOwner(tx, t);
  for (const t of w.teamsRenamed) await tx.team.update({ where: { slug: t.slug }, data: { name: t.name } });
  for (const r of w.teamRolesCreated)
    await tx.teamRole.create({ data: { teamId: await teamId(tx, r.slug), key: r.key, name: r.name, permissions: r.permissions } });
  for (const r of w.teamRolesChanged) {
    await tx.teamRole.update({ where: { teamId_key: { teamId: await teamId(tx, r.slug), key: r.key } }, data: r.data });
  }
  const slugs = [...w.teamsCreated, ...w.teamsRenamed, ...w.teamRolesCreated, ...w.teamRolesChanged].map((t) => t.slug);
  const teamIds = new Map(
    (await tx.team.findMany({ where: { slug: { in: [...new Set(slugs)] } }, select: { id: true, slug: true } })).map((t) => [t.slug, t.id]),
  );
  const events = eventsFor(teamIds);
  if (events.length) await tx.auditEvent.createMany({ data: events.map(trimmedAudit) });
}

export function createConfigIoQueries(db: PrismaClient) {
  return {
    /** what a configuration file covers, as the database has it now */
    snapshot: async () => {
      const [clients, systemRoles, teams, permissions] = await Promise.all([
        db.oidcClient.findMany({ orderBy: { id: "asc" } }),
        db.systemRole.findMany({ orderBy: { key: "asc" } }),
        db.team.findMany({ include: { roles: true }, orderBy: { slug: "asc" } }),
        db.permission.findMany({ orderBy: { code: "asc" } }),
      ]);
      return { clients, systemRoles, teams, permissions };
    },
    /** writes every change and the audit events together; nothing is written when any write fails */
    apply: (writes: ConfigWrites, events: ConfigEvents) => db.$transaction((tx) => writeAll(tx, writes, events), { timeout: 60_000 }),
  };
}

export type ConfigIoQueries = ReturnType<typeof createConfigIoQueries>;
export type ConfigSnapshot = Awaited<ReturnType<ConfigIoQueries["snapshot"]>>;
