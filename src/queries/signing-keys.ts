// Signing key rows: the only Prisma access for keys. State changes of a rotation happen in one transaction. Each
// algorithm (SIGNING_ALG, and RS256 for the relying parties that need it) has its own current, next and previous.
import type { PrismaClient, SigningKey, SigningKeyState } from "../generated/prisma/client.ts";

export type { SigningKey, SigningKeyState };

export type NewSigningKey = { id: string; alg: string; publicJwk: object; privateJwkEncrypted: string };

export function createSigningKeyQueries(db: PrismaClient) {
  return {
    /** keys that belong in the JWKS (every state but retired), newest first */
    listPublished: () => db.signingKey.findMany({ where: { state: { not: "retired" } }, orderBy: { createdAt: "desc" } }),
    listAll: () => db.signingKey.findMany({ orderBy: { createdAt: "desc" } }),
    /** first start (of this key's algorithm): one current and one next key, unless another process got there first */
    createInitial: (current: NewSigningKey, next: NewSigningKey, at: Date) =>
      db.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(4711001)`;
        if (await tx.signingKey.count({ where: { state: { not: "retired" }, alg: current.alg } })) return false;
        await tx.signingKey.create({ data: { ...current, state: "current", activatedAt: at } });
        await tx.signingKey.create({ data: { ...next, state: "next" } });
        return true;
      }),
    /**
     * for the fresh key's algorithm: next -> current, current -> previous (kept until retireAfter), a fresh next;
     * expired previous keys (of any algorithm) -> retired
     */
    rotate: (fresh: NewSigningKey, at: Date, retireAfter: Date) =>
      db.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(4711001)`;
        const { alg } = fresh;
        const next = await tx.signingKey.findFirst({ where: { state: "next", alg }, orderBy: { createdAt: "asc" } });
        await tx.signingKey.updateMany({ where: { state: "previous", retireAfter: { lte: at } }, data: { state: "retired" } });
        await tx.signingKey.updateMany({ where: { state: "current", alg }, data: { state: "previous", deactivatedAt: at, retireAfter } });
        if (next) await tx.signingKey.update({ where: { id: next.id }, data: { state: "current", activatedAt: at } });
        await tx.signingKey.create({ data: { ...fresh, state: next ? "next" : "current", activatedAt: next ? null : at } });
        return next?.id ?? fresh.id;
      }),
    retireExpired: (at: Date) =>
      db.signingKey.updateMany({ where: { state: "previous", retireAfter: { lte: at } }, data: { state: "retired" } }),
  };
}

export type SigningKeyQueries = ReturnType<typeof createSigningKeyQueries>;
