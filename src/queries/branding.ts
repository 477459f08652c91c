// Branding rows (#18): the instance's one settings row, uploaded logos by content hash, clients' own branding.
import type { PrismaClient, BrandSettings, ClientBrand } from "../generated/prisma/client.ts";

export type { BrandSettings, ClientBrand };
export type BrandSettingsChanges = Pick<
  BrandSettings,
  "productName" | "logoHash" | "primaryColor" | "supportUrl" | "termsUrl" | "privacyUrl"
>;
export type ClientBrandChanges = Pick<ClientBrand, "displayName" | "logoHash" | "primaryColor">;
export type StoredLogo = { hash: string; contentType: string; bytes: Uint8Array };

export function createBrandingQueries(db: PrismaClient) {
  return {
    settings: () => db.brandSettings.findUnique({ where: { id: 1 } }),
    saveSettings: (changes: BrandSettingsChanges, updatedById: string | null, at: Date) =>
      db.brandSettings.upsert({
        where: { id: 1 },
        create: { id: 1, ...changes, updatedById, updatedAt: at },
        update: { ...changes, updatedById, updatedAt: at },
      }),
    clientBrand: (clientId: string) => db.clientBrand.findUnique({ where: { clientId } }),
    saveClientBrand: (clientId: string, changes: ClientBrandChanges, at: Date) =>
      db.clientBrand.upsert({
        where: { clientId },
        create: { clientId, ...changes, updatedAt: at },
        update: { ...changes, updatedAt: at },
      }),
    /** a logo is stored once per content (same bytes, same hash) */
    saveLogo: async (logo: StoredLogo) => {
      await db.brandLogo.upsert({
        where: { hash: logo.hash },
        create: { hash: logo.hash, contentType: logo.contentType, bytes: Uint8Array.from(logo.bytes) },
        update: {},
      });
    },
    logo: (hash: string): Promise<StoredLogo | null> => db.brandLogo.findUnique({ where: { hash } }),
  };
}

export type BrandingQueries = ReturnType<typeof createBrandingQueries>;
