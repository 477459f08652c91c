// The version in Gatehouse's package.json, found from this file in the source tree (src/cli) or the build (dist/src/cli).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

export function packageVersion(): string {
  for (const up of ["../..", "../../.."]) {
    const file = path.resolve(import.meta.dirname, up, "package.json");
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
    if (pkg.name === "gatehouse" && pkg.version) return pkg.version;
  }
  return "unknown";
}
