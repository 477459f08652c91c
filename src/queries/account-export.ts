// "Export my data" (services/account-export.ts): every row Gatehouse keeps about one user, read by that user's id
// only (each statement filters on it), without secrets: no password or history hashes, no TOTP secret, no backup
// code or device token hashes, no passkey credential, no emailed link tokens.
import type { PrismaClient } from "../generated/prisma/client.ts";

/** at most this many audit events in one export (newest first) */
export const EXPORT_AUDIT_LIMIT = 10_000;

export function createAccountExportQueries(db: PrismaClient) {
  return {
    profile: (userId: string) =>
      db.user.findUnique({
        where: { id: userId },
        select: {
          id: true,
          email: true,
          username: true,
          name: true,
          emailVerified: true,
          emailVerifiedAt: true,
          systemRole: true,
          disabled: true,
          lastLoginAt: true,
          createdAt: true,
          updatedAt: true,
          passwordChangedAt: true,
          totpEnabledAt: true,
          deletionDueAt: true,
        },
      }),
    hasPassword: async (userId: string) =>
      Boolean((await db.user.findUnique({ where: { id: userId }, select: { passwordHash: true } }))?.passwordHash),
    memberships: (userId: string) =>
      db.membership.findMany({
        where: { userId },
        orderBy: { createdAt: "asc" },
        select: {
          createdAt: true,
          team: { select: { id: true, slug: true, name: true } },
          role: { select: { key: true, name: true, permissions: true } },
        },
      }),
    sessions: (userId: string) =>
      db.userSession.findMany({
        where: { userId },
        orderBy: { startedAt: "desc" },
        select: {
          id: true,
          ip: true,
          userAgent: true,
          browser: true,
          os: true,
          deviceType: true,
          countryCode: true,
          city: true,
          remember: true,
          clients: true,
          startedAt: true,
          lastActiveAt: true,
          expiresAt: true,
          endedAt: true,
          endReason: true,
        },
      }),
    trustedDevices: (userId: string) =>
      db.trustedDevice.findMany({
        where: { userId },
        orderBy: { createdAt: "desc" },
        select: { id: true, label: true, ip: true, countryCode: true, createdAt: true, lastUsedAt: true, expiresAt: true, revokedAt: true },
      }),
    backupCodes: async (userId: string) => {
      const rows = await db.backupCode.findMany({ where: { userId }, select: { usedAt: true } });
      return { total: rows.length, unused: rows.filter((r) => !r.usedAt).length };
    },
    /** passkeys and security keys: what they are and when used (not the credential id or public key) */
    passkeys: (userId: string) =>
      db.passkey.findMany({
        where: { userId },
        orderBy: { createdAt: "asc" },
        select: {
          id: true,
          name: true,
          deviceType: true,
          backedUp: true,
          attachment: true,
          transports: true,
          aaguid: true,
          createdAt: true,
          lastUsedAt: true,
        },
      }),
    /** identities at upstream identity providers (#17): the provider, the upstream subject, the address at link time */
    linkedIdentities: (userId: string) =>
      db.linkedIdentity.findMany({
        where: { userId },
        orderBy: { createdAt: "asc" },
        select: { subject: true, email: true, createdAt: true, lastUsedAt: true, connector: { select: { slug: true, name: true } } },
      }),
    loginLocations: (userId: string) =>
      db.loginLocation.findMany({
        where: { userId },
        orderBy: { createdAt: "desc" },
        select: { ip: true, network: true, countryCode: true, latitude: true, longitude: true, createdAt: true },
      }),
    /** events about the user (the subject) or by them (the actor), newest first */
    auditEvents: (userId: string) =>
      db.auditEvent.findMany({
        where: { OR: [{ userId }, { actorId: userId }] },
        orderBy: { id: "desc" },
        take: EXPORT_AUDIT_LIMIT,
        select: {
          id: true,
          type: true,
          outcome: true,
          userId: true,
          actorId: true,
          clientId: true,
          ip: true,
          userAgent: true,
          data: true,
          createdAt: true,
        },
      }),
  };
}

export type AccountExportQueries = ReturnType<typeof createAccountExportQueries>;
