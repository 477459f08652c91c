// PLACEHOLDER (to be replaced in this change): login_locations rows.
import type { PrismaClient } from "../generated/prisma/client.ts";

export function createLoginLocationQueries(_db: PrismaClient) {
  return {};
}

export type LoginLocationQueries = ReturnType<typeof createLoginLocationQueries>;
