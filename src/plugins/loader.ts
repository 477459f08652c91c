// Loads the plugins listed in PLUGINS at start: imports each module, checks its default export against the
// plugin schema, and registers its permissions with the plugin's id as owner and namespace. Any problem stops
// the start with a StartupError that names the module.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { PermissionError, type PermissionRegistry } from "../authz/registry.ts";
import { StartupError } from "../lib/startup-error.ts";
import { pluginSchema, type Plugin } from "./define-plugin.ts";

export type LoadedPlugin = { module: string; plugin: Plugin };

const INDEX_FILES = ["index.js", "index.mjs", "index.ts"];

/** a file, or a folder with an index file */
function resolveModule(file: string): string {
  if (!existsSync(file)) throw new StartupError(`PLUGINS: ${file} does not exist`);
  if (!statSync(file).isDirectory()) return file;
  const index = INDEX_FILES.map((name) => path.join(file, name)).find((f) => existsSync(f));
  if (!index) throw new StartupError(`PLUGINS: ${file} is a folder without ${INDEX_FILES.join(", ")}`);
  return index;
}

async function importPlugin(file: string): Promise<LoadedPlugin> {
  const module = resolveModule(file);
  let exported: unknown;
  try {
    exported = ((await import(pathToFileURL(module).href)) as { default?: unknown }).default;
  } catch (err) {
    throw new StartupError(`PLUGINS: ${module} failed to load: ${(err as Error).message ?? String(err)}`);
  }
  if (exported === undefined) throw new StartupError(`PLUGINS: ${module} has no default export (export default definePlugin({...}))`);
  const parsed = pluginSchema.safeParse(exported);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.length ? `${i.path.join(".")}: ` : ""}${i.message}`);
    throw new StartupError(`PLUGINS: ${module} is not a valid plugin: ${problems.join("; ")}`);
  }
  return { module, plugin: parsed.data as Plugin };
}

/** imports and checks every listed module (absolute paths); nothing is registered yet */
export async function importPlugins(files: readonly string[]): Promise<LoadedPlugin[]> {
  const loaded: LoadedPlugin[] = [];
  for (const file of [...new Set(files.map((f) => path.resolve(f)))]) {
    const next = await importPlugin(file);
    const clash = loaded.find((l) => (l.module === next.module ? false : l.plugin.id === next.plugin.id));
    if (clash) throw new StartupError(`PLUGINS: ${next.module} and ${clash.module} both declare the plugin id "${next.plugin.id}"`);
    if (!loaded.some((l) => l.module === next.module)) loaded.push(next);
  }
  return loaded;
}

/** registers each plugin's permissions, owner and namespace = its id (idempotent) */
export function registerPlugins(registry: PermissionRegistry, plugins: readonly LoadedPlugin[]): void {
  for (const { module, plugin } of plugins) {
    try {
      registry.register(plugin.id, plugin.id, plugin.permissions);
    } catch (err) {
      if (err instanceof PermissionError) throw new StartupError(`PLUGINS: ${module} (plugin "${plugin.id}"): ${err.message}`);
      throw err;
    }
  }
}
