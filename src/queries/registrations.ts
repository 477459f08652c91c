// A registration as one transaction: the account (with its first password in the history), Door A's team with its
// built-in roles and the new user as Owner (with the Virtuozzo plugin, its platform link), the verification link's hash, and the registration's audit events.
// All or nothing: a failure anywhere (a taken address, Postgres going away) leaves no account, no team and no
// events; the verification email is an outbox row of the same transaction (queries/outbox.ts), so it is exactly as
// durable as the account and is sent once the transaction commits (services/outbox/). `rehearse` runs the
// same statements for a registration that must not happen (the address has an account) and rolls them back, so
// both answers cost the database the same work and take as long.
import type { Prisma, PrismaClient } from "../generated/prisma/client.ts";
import { trimmedAudit, type NewAuditEvent } from "./audit-events.ts";
import { insertTeamWithOwner } from "./teams.ts";
import { insertUser } from "./users.ts";
import { insertOutbox, type NewOutboxMessage } from "./outbox.ts";
import type { NewVirtuozzoLink } from "./virtuozzo-links.ts";

export type NewRegistration = {
  user: {
    email: string;
    emailNormalized: string;
    username: string;
    usernameNormalized: string;
    passwordHash: string;
    locale?: string | null;
  };
  /** the first-run administrator: created only while no account has a system role (one wins a race) */
  systemRole?: string;
  team?: { name: string; slug: string; roles: { key: string; name: string; permissions: string[] }[] };
  verification: { tokenHash: string; expiresAt: Date };
  /** Door A with the Virtuozzo plugin: the new team's platform link (services/virtuozzo/), given the ids made */
  teamLink?: (ids: { teamId: string; userId: string }) => NewVirtuozzoLink;
  /** the registration's audit events, given the ids the transaction made */
  events: (ids: { userId: string; teamId: string | null }) => NewAuditEvent[];
  /** the emails it sends (the verification link), written with it */
  outbox?: NewOutboxMessage[];
};

export type CreatedRegistration = { userId: string; team: { id: string; slug: string } | null } | null;

/** thrown to roll a rehearsal back */
class Rehearsal extends Error {}

/** the registration's statements, in a transaction */
async function write(tx: Prisma.TransactionClient, r: NewRegistration): Promise<CreatedRegistration> {
  if (r.systemRole) {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(4711002)`;
    if (await tx.user.count({ where: { systemRole: { not: null } } })) return null;
  }
  const user = await insertUser(tx, { ...r.user, emailVerified: false, systemRole: r.systemRole ?? null });
  let team: { id: string; slug: string } | null = null;
  if (r.team) {
    const made = (await insertTeamWithOwner(tx, { ...r.team, ownerId: user.id })).team;
    team = { id: made.id, slug: made.slug };
    if (r.teamLink) await tx.virtuozzoLink.create({ data: r.teamLink({ teamId: made.id, userId: user.id }) });
  }
  await tx.emailVerificationToken.create({ data: { userId: user.id, email: user.email, ...r.verification } });
  const events = r.events({ userId: user.id, teamId: team?.id ?? null });
  if (events.length) {
    await tx.auditEvent.createMany({ data: events.map(trimmedAudit) });
  }
  await insertOutbox(tx, r.outbox ?? []);
  return { userId: user.id, team };
}

export function createRegistrationQueries(db: PrismaClient) {
  return {
    /** null when a first-run administrator already exists; throws P2002 when the address, username or team slug is taken */
    create: (r: NewRegistration): Promise<CreatedRegistration> => db.$transaction((tx) => write(tx, r)),
    /** the same statements as `create`, rolled back (give it an address, username and team slug no one has) */
    async rehearse(r: NewRegistration): Promise<void> {
      await db
        .$transaction(async (tx) => {
          await write(tx, r);
          throw new Rehearsal();
        })
        .catch((err: unknown) => {
          if (!(err instanceof Rehearsal)) throw err;
        });
    },
  };
}

export type RegistrationQueries = ReturnType<typeof createRegistrationQueries>;
