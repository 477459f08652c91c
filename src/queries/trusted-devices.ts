// trusted_devices rows: the browsers a user approved (only the sha256 of the browser's device cookie is kept).
// One browser cookie may be trusted by several users: a row per user and cookie hash.
import type { PrismaClient } from "../generated/prisma/client.ts";

export type TrustedDeviceRow = {
  id: string;
  userId: string;
  tokenHash: string;
  label: string;
  ip: string | null;
  countryCode: string | null;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
};

export type NewTrustedDevice = {
  userId: string;
  tokenHash: string;
  label: string;
  ip: string | null;
  countryCode: string | null;
  expiresAt: Date;
};

export function createTrustedDeviceQueries(db: PrismaClient) {
  const live = (at: Date) => ({ revokedAt: null, expiresAt: { gt: at } });
  return {
    /** the user's live (not revoked, not expired) device for this cookie hash, or null */
    findLive: (userId: string, tokenHash: string, at: Date): Promise<TrustedDeviceRow | null> =>
      db.trustedDevice.findFirst({ where: { userId, tokenHash, ...live(at) } }),

    /**
     * trusts the browser for the user under a new cookie hash, in one transaction: every row of the browser's
     * previous cookie hash (any user's) moves to the new hash first, so a row left from this user's earlier
     * (revoked or expired) trust starts over, and other users' trusts of this browser carry on
     */
    trust: (data: NewTrustedDevice, previousHash: string | null, at: Date): Promise<TrustedDeviceRow> =>
      db.$transaction(async (tx) => {
        if (previousHash) await tx.trustedDevice.updateMany({ where: { tokenHash: previousHash }, data: { tokenHash: data.tokenHash } });
        return tx.trustedDevice.upsert({
          where: { userId_tokenHash: { userId: data.userId, tokenHash: data.tokenHash } },
          create: { ...data, createdAt: at, lastUsedAt: at },
          update: {
            label: data.label,
            ip: data.ip,
            countryCode: data.countryCode,
            expiresAt: data.expiresAt,
            createdAt: at,
            lastUsedAt: at,
            revokedAt: null,
          },
        });
      }),

    /** a sign-in used the device: when, and from where (the address and its country go together) */
    touch: async (id: string, at: Date, ip: string | null, countryCode: string | null): Promise<void> => {
      await db.trustedDevice.update({ where: { id }, data: { lastUsedAt: at, ...(ip ? { ip, countryCode } : {}) } });
    },

    /** the user's live devices, most recently used first */
    listLive: (userId: string, at: Date): Promise<TrustedDeviceRow[]> =>
      db.trustedDevice.findMany({ where: { userId, ...live(at) }, orderBy: [{ lastUsedAt: "desc" }, { createdAt: "desc" }] }),

    /** revokes one live device of the user; the row, or null when there is none (unknown, another user's, already revoked) */
    revoke: async (userId: string, id: string, at: Date): Promise<TrustedDeviceRow | null> => {
      const rows = await db.trustedDevice.updateManyAndReturn({ where: { id, userId, ...live(at) }, data: { revokedAt: at } });
      return rows[0] ?? null;
    },

    /** revokes every live device of the user; how many */
    revokeAll: async (userId: string, at: Date): Promise<number> =>
      (await db.trustedDevice.updateMany({ where: { userId, ...live(at) }, data: { revokedAt: at } })).count,
  };
}

export type TrustedDeviceQueries = ReturnType<typeof createTrustedDeviceQueries>;
