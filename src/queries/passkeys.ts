// passkeys rows: the WebAuthn credentials (passkeys and security keys) of each user. The public key is not a
// secret; the credential id is unique across every user. The sign counter only moves forward, in one statement.
// The "last way in" changes (removing the password, removing a passkey) first lock the user's row, as account
// deletion does (queries/account-deletion.ts): two of them at the same moment run one after the other, so the
// second sees what the first left and an account without a password always keeps a passkey.
import type { Prisma, PrismaClient } from "../generated/prisma/client.ts";
import { trimmedAudit, type NewAuditEvent } from "./audit-events.ts";

export type PasskeyRow = {
  id: string;
  userId: string;
  credentialId: string;
  publicKey: Uint8Array;
  counter: bigint;
  transports: string[];
  deviceType: string;
  backedUp: boolean;
  attachment: string | null;
  aaguid: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
};

export type NewPasskey = Omit<PasskeyRow, "id" | "createdAt" | "lastUsedAt">;

/** the user's row lock (`SELECT … FOR UPDATE`) for the rest of the transaction */
const lockUser = (tx: Prisma.TransactionClient, userId: string) => tx.$queryRaw`SELECT id FROM users WHERE id = ${userId}::uuid FOR UPDATE`;

export function createPasskeyQueries(db: PrismaClient) {
  return {
    /** stores a new passkey and its audit event, in one transaction */
    create: (data: NewPasskey, at: Date, event: (row: PasskeyRow) => NewAuditEvent): Promise<PasskeyRow> =>
      db.$transaction(async (tx) => {
        const row = await tx.passkey.create({ data: { ...data, publicKey: Buffer.from(data.publicKey), createdAt: at } });
        await tx.auditEvent.create({ data: trimmedAudit(event(row)) });
        return row;
      }),

    /** the user's passkeys, oldest first */
    listFor: (userId: string): Promise<PasskeyRow[]> =>
      db.passkey.findMany({ where: { userId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),

    countFor: (userId: string): Promise<number> => db.passkey.count({ where: { userId } }),

    findByCredentialId: (credentialId: string): Promise<PasskeyRow | null> => db.passkey.findUnique({ where: { credentialId } }),

    /** one passkey of this user (null: unknown or another user's) */
    findOwned: (userId: string, id: string): Promise<PasskeyRow | null> => db.passkey.findFirst({ where: { id, userId } }),

    rename: async (userId: string, id: string, name: string): Promise<PasskeyRow | null> =>
      (await db.passkey.updateManyAndReturn({ where: { id, userId }, data: { name } }))[0] ?? null,

    /**
     * deletes one passkey of this user with its audit event, in one transaction; the row, "last_factor" when
     * `keepAFactor` and it is the last way in of an account without a password, or null when there was none
     */
    remove: async (
      userId: string,
      id: string,
      event: (row: PasskeyRow) => NewAuditEvent,
      keepAFactor = false,
    ): Promise<PasskeyRow | "last_factor" | null> =>
      db.$transaction(async (tx) => {
        await lockUser(tx, userId);
        const row = await tx.passkey.findFirst({ where: { id, userId } });
        if (!row) return null;
        if (keepAFactor) {
          const user = await tx.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
          if (!user?.passwordHash && (await tx.passkey.count({ where: { userId } })) <= 1) return "last_factor";
        }
        if ((await tx.passkey.deleteMany({ where: { id, userId } })).count !== 1) return null;
        await tx.auditEvent.create({ data: trimmedAudit(event(row)) });
        return row;
      }),

    /**
     * takes the user's password away (the account then signs in with its passkeys), with its audit event, under
     * the user's row lock: only while the account has a password and at least one passkey. false: it had none of
     * one or the other
     */
    removePassword: async (userId: string, at: Date, event: NewAuditEvent): Promise<boolean> =>
      db.$transaction(async (tx) => {
        await lockUser(tx, userId);
        const changed = await tx.user.updateMany({
          where: { id: userId, passwordHash: { not: null }, passkeys: { some: {} } },
          data: { passwordHash: null, passwordChangedAt: at },
        });
        if (changed.count !== 1) return false;
        await tx.auditEvent.create({ data: trimmedAudit(event) });
        return true;
      }),

    /**
     * a sign-in used the passkey: the new counter and the time, only if the counter moved forward (or the
     * authenticator keeps none: both 0). false: a parallel use or a regression got there first
     */
    use: async (id: string, counter: number, at: Date): Promise<boolean> => {
      const next = BigInt(counter);
      const moved = next === 0n ? { counter: 0n } : { counter: { lt: next } };
      return (await db.passkey.updateMany({ where: { id, ...moved }, data: { counter: next, lastUsedAt: at } })).count === 1;
    },
  };
}

export type PasskeyQueries = ReturnType<typeof createPasskeyQueries>;
