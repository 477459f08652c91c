// Account deletion (services/account-deletion.ts): the statements of an erasure, a scheduled deletion and a
// restore, each one transaction that first takes the system-role lock (as setDisabled and setUserSystemRole do,
// so the last active Super Admin cannot be deleted by two racing requests) and then the user's row lock, so of
// parallel deletions of one account exactly one goes through and the other finds it gone or already pending.
// Nothing here decides a rule the service has not checked already; it checks again under the locks.
import type { Prisma, PrismaClient } from "../generated/prisma/client.ts";
import { insertOutbox, type NewOutboxMessage } from "./outbox.ts";
import { trimmedAudit, type NewAuditEvent } from "./audit-events.ts";

/** a team the user owns that has other members: the deletion waits for an ownership transfer */
export type OwnedTeam = { id: string; slug: string; name: string };

export type DeletionRefusal =
  | { outcome: "not_found" }
  | { outcome: "owns_teams"; teams: OwnedTeam[] }
  | { outcome: "last_super_admin" }
  | { outcome: "already_pending" }
  | { outcome: "not_due" };

/** top-level keys of an event's data that may hold personal data of the user it is about */
const PERSONAL_KEYS = ["email", "newEmail", "oldEmail", "username", "name", "identifier", "ip", "userAgent"];
/** the email change's event keeps the two addresses in from / to */
const EMAIL_CHANGE_KEYS = ["from", "to"];

const SYSTEM_ROLE_LOCK = 4711002; // the same lock as queries/users.ts setDisabled and system role changes

async function lockUser(tx: Prisma.TransactionClient, userId: string) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SYSTEM_ROLE_LOCK})`;
  const rows = await tx.$queryRaw<
    { id: string; email: string; systemRole: string | null; disabled: boolean; deletionDueAt: Date | null }[]
  >`
    SELECT id, email, system_role AS "systemRole", disabled, deletion_due_at AS "deletionDueAt" FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
  return rows[0] ?? null;
}

/** the user's teams: those they own with other members, and those where they are alone */
async function teamsOf(db: Prisma.TransactionClient | PrismaClient, userId: string): Promise<{ owned: OwnedTeam[]; alone: string[] }> {
  const rows = await db.$queryRaw<{ id: string; slug: string; name: string; isOwner: boolean; others: number }[]>`
    SELECT t.id, t.slug, t.name, (r.key = 'owner') AS "isOwner",
      (SELECT count(*) FROM memberships o WHERE o.team_id = t.id AND o.user_id <> ${userId}::uuid)::int AS others
    FROM memberships m JOIN team_roles r ON r.id = m.role_id JOIN teams t ON t.id = m.team_id
    WHERE m.user_id = ${userId}::uuid ORDER BY t.slug`;
  return {
    owned: rows.filter((r) => r.isOwner && r.others > 0).map(({ id, slug, name }) => ({ id, slug, name })),
    alone: rows.filter((r) => r.others === 0).map((r) => r.id),
  };
}

/** the refusal that keeps this (locked) account, or null */
async function refusalOf(
  tx: Prisma.TransactionClient,
  user: { id: string; systemRole: string | null; disabled: boolean },
  keepRole: string,
): Promise<DeletionRefusal | null> {
  // a disabled account (pending deletion, or disabled by an admin) is not one of the active Super Admins kept
  if (!user.disabled && user.systemRole === keepRole) {
    const others = await tx.user.count({ where: { systemRole: keepRole, disabled: false, id: { not: user.id } } });
    if (!others) return { outcome: "last_super_admin" };
  }
  const { owned } = await teamsOf(tx, user.id);
  return owned.length ? { outcome: "owns_teams", teams: owned } : null;
}

/** the audit events about the user (subject or actor) keep their meaning under `pseudonym`, without personal data */
async function pseudonymise(tx: Prisma.TransactionClient, userId: string, email: string, pseudonym: string): Promise<number> {
  const keys = PERSONAL_KEYS;
  const changeKeys = [...PERSONAL_KEYS, ...EMAIL_CHANGE_KEYS];
  // data: personal keys dropped, then the id wherever it still appears in a value (a member id, a transfer's "to") replaced
  const subject = await tx.$executeRaw`
    UPDATE audit_events SET user_pseudonym = ${pseudonym}, user_id = NULL, ip = NULL, user_agent = NULL,
      data = replace((data - (CASE WHEN type = 'email.changed' THEN ${changeKeys}::text[] ELSE ${keys}::text[] END))::text, ${userId}, ${pseudonym})::jsonb
    WHERE user_id = ${userId}::uuid`;
  const actor = await tx.$executeRaw`
    UPDATE audit_events SET actor_id = ${pseudonym}, ip = NULL, user_agent = NULL,
      data = replace((data - ${keys}::text[])::text, ${userId}, ${pseudonym})::jsonb
    WHERE actor_id = ${userId}`;
  // others' events naming the address (an invitation sent to it) lose it
  await tx.$executeRaw`UPDATE audit_events SET data = data - 'email' WHERE data->>'email' = ${email}`;
  return subject + actor;
}

export function createAccountDeletionQueries(db: PrismaClient) {
  return {
    teamsOf: (userId: string) => teamsOf(db, userId),
    /** whether the user is the only active holder of `role` (checked again under the lock when it matters) */
    lastActiveOf: async (userId: string, role: string) => {
      const user = await db.user.findUnique({ where: { id: userId }, select: { systemRole: true, disabled: true } });
      if (!user || user.disabled || user.systemRole !== role) return false;
      return (await db.user.count({ where: { systemRole: role, disabled: false, id: { not: userId } } })) === 0;
    },

    /**
     * erases the account in one transaction: the teams where they are alone, ownership transfers from or to them,
     * their audit events pseudonymised, the user row (memberships, sessions, devices, locations, second factors,
     * links and history go with it by cascade), then its confirmation email and `events` (with their pseudonym).
     * `due`: only an account pending deletion whose time has come (the erasure of due accounts)
     */
    erase: (
      userId: string,
      opts: { pseudonym: string; keepRole: string; due?: Date; outbox: NewOutboxMessage[]; events: NewAuditEvent[] },
    ) =>
      db.$transaction(
        async (tx): Promise<DeletionRefusal | { outcome: "erased"; teamsDeleted: string[]; eventsPseudonymised: number }> => {
          const user = await lockUser(tx, userId);
          if (!user) return { outcome: "not_found" };
          if (opts.due && (!user.deletionDueAt || user.deletionDueAt > opts.due)) return { outcome: "not_due" };
          const refusal = await refusalOf(tx, user, opts.keepRole);
          if (refusal) return refusal;
          const { alone } = await teamsOf(tx, userId);
          if (alone.length) await tx.team.deleteMany({ where: { id: { in: alone } } });
          await tx.ownershipTransfer.deleteMany({ where: { OR: [{ fromUserId: userId }, { toUserId: userId }] } });
          await tx.invitation.updateMany({ where: { invitedById: userId }, data: { invitedById: null } });
          const eventsPseudonymised = await pseudonymise(tx, userId, user.email, opts.pseudonym);
          await tx.user.delete({ where: { id: userId } });
          await insertOutbox(tx, opts.outbox);
          for (const e of opts.events.map(trimmedAudit)) {
            await tx.auditEvent.create({
              data: {
                type: e.type,
                outcome: e.outcome,
                userId: null,
                userPseudonym: opts.pseudonym,
                actorId: e.actorId ?? null,
                clientId: e.clientId ?? null,
                ip: null,
                userAgent: null,
                data: e.data ?? {},
              },
            });
          }
          return { outcome: "erased", teamsDeleted: alone, eventsPseudonymised };
        },
        { timeout: 60_000 },
      ),

    /** disables the account until `dueAt` with a restore link (its hash), its email and audit events, in one transaction */
    schedule: (
      userId: string,
      opts: { dueAt: Date; at: Date; keepRole: string; tokenHash: string; outbox: NewOutboxMessage[]; events: NewAuditEvent[] },
    ) =>
      db.$transaction(async (tx): Promise<DeletionRefusal | { outcome: "scheduled" }> => {
        const user = await lockUser(tx, userId);
        if (!user) return { outcome: "not_found" };
        if (user.deletionDueAt) return { outcome: "already_pending" };
        const refusal = await refusalOf(tx, user, opts.keepRole);
        if (refusal) return refusal;
        await tx.user.update({ where: { id: userId }, data: { disabled: true, disabledAt: opts.at, deletionDueAt: opts.dueAt } });
        await tx.accountRestoreToken.updateMany({ where: { userId, usedAt: null }, data: { usedAt: opts.at } });
        await tx.accountRestoreToken.create({ data: { userId, tokenHash: opts.tokenHash, expiresAt: opts.dueAt, createdAt: opts.at } });
        await tx.trustedDevice.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: opts.at } });
        await insertOutbox(tx, opts.outbox);
        if (opts.events.length)
          await tx.auditEvent.createMany({ data: opts.events.map(trimmedAudit).map((e) => ({ ...e, data: e.data ?? {} })) });
        return { outcome: "scheduled" };
      }),

    /** the live restore link with this hash and its user, or null; changes nothing */
    findLiveRestore: (tokenHash: string, at: Date) =>
      db.accountRestoreToken.findFirst({
        where: { tokenHash, usedAt: null, expiresAt: { gt: at } },
        select: { expiresAt: true, user: { select: { id: true, username: true, email: true, deletionDueAt: true } } },
      }),

    /** whether a link with this hash exists but is spent or expired (for the page's words) */
    restoreExpired: async (tokenHash: string, at: Date) =>
      Boolean(await db.accountRestoreToken.findFirst({ where: { tokenHash, usedAt: null, expiresAt: { lte: at } }, select: { id: true } })),

    /** uses the link and enables the account, once: null when the link was not live or the account not pending */
    restore: (tokenHash: string, at: Date, events: (userId: string) => NewAuditEvent[]) =>
      db.$transaction(async (tx) => {
        const used = await tx.accountRestoreToken.updateManyAndReturn({
          where: { tokenHash, usedAt: null, expiresAt: { gt: at } },
          data: { usedAt: at },
          select: { userId: true },
        });
        const userId = used[0]?.userId;
        if (!userId) return null;
        const restored = await tx.user.updateManyAndReturn({
          where: { id: userId, deletionDueAt: { not: null } },
          data: { disabled: false, disabledAt: null, deletionDueAt: null },
          select: { id: true, username: true, email: true },
        });
        if (!restored[0]) return null;
        await tx.auditEvent.createMany({
          data: events(userId)
            .map(trimmedAudit)
            .map((e) => ({ ...e, data: e.data ?? {} })),
        });
        return restored[0];
      }),

    /** ids of accounts whose deletion is due at `now`, oldest first */
    dueIds: async (now: Date, take: number) =>
      (
        await db.user.findMany({ where: { deletionDueAt: { lte: now } }, orderBy: { deletionDueAt: "asc" }, take, select: { id: true } })
      ).map((u) => u.id),
  };
}

export type AccountDeletionQueries = ReturnType<typeof createAccountDeletionQueries>;
