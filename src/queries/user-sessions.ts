// PLACEHOLDER (to be replaced in this change): user_sessions rows.
import type { PrismaClient } from "../generated/prisma/client.ts";

export function createUserSessionQueries(_db: PrismaClient) {
  return {};
}

export type UserSessionQueries = ReturnType<typeof createUserSessionQueries>;
