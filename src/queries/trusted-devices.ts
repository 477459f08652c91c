// PLACEHOLDER (to be replaced in this change): trusted_devices rows.
import type { PrismaClient } from "../generated/prisma/client.ts";

export function createTrustedDeviceQueries(_db: PrismaClient) {
  return {};
}

export type TrustedDeviceQueries = ReturnType<typeof createTrustedDeviceQueries>;
