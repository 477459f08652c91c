// Prisma CLI configuration. The CLI's native schema engine is downloaded from a host these machines cannot
// reach, so unless the caller chose an engine binary we point it at scripts/schema-engine-shim.mjs, which runs
// @prisma/schema-engine-wasm from npm. PRISMA_NATIVE_SCHEMA_ENGINE=1 restores Prisma's own download.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "prisma/config";

const here = path.dirname(fileURLToPath(import.meta.url));
if (!process.env.PRISMA_SCHEMA_ENGINE_BINARY && process.env.PRISMA_NATIVE_SCHEMA_ENGINE !== "1") {
  process.env.PRISMA_SCHEMA_ENGINE_BINARY = path.join(here, "scripts", "schema-engine-shim.mjs");
}

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: {
    // migrate/db commands need a real server: DATABASE_URL, else a local development database
    url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/gatehouse_dev",
    ...(process.env.SHADOW_DATABASE_URL ? { shadowDatabaseUrl: process.env.SHADOW_DATABASE_URL } : {}),
  },
});
