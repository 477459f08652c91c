import { defineConfig } from "vitest/config";

// Integration and e2e tests use the real Postgres and Redis (see test/helpers/context.ts): each file gets its
// own database and Redis key prefix, so files run in parallel.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/helpers/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
