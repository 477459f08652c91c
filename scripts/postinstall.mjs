// npm's postinstall: `prisma generate` where the Prisma CLI is installed (a development install). A production
// install (`npm ci --omit=dev`) has no Prisma CLI and needs none: it runs the compiled dist/, which carries the
// generated client (`npm run build` made it), and `gatehouse migrate` applies migrations with pg alone.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
let cli;
try {
  cli = require.resolve("prisma/build/index.js");
} catch {
  console.log("gatehouse postinstall: no Prisma CLI (a production install), so no `prisma generate`: run the compiled dist/");
  process.exit(0);
}
const run = spawnSync(process.execPath, [cli, "generate"], { stdio: "inherit" });
process.exit(run.status ?? 1);
