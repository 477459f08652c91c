// definePlugin(): how a plugin declares itself, WinterCMS-style. A plugin is a module listed in PLUGINS whose
// default export is definePlugin({...}); its id is its namespace: every permission code starts with "<id>.".
import { z } from "zod";
import { PERMISSION_CODE } from "../authz/wildcards.ts";
import type { DefaultRole } from "../authz/registry.ts";
import { PERMISSION_NAMESPACE, inNamespace, isReservedNamespace } from "../authz/namespaces.ts";

const definition = z.strictObject({
  label: z.string().trim().min(1, "needs a label").max(200),
  tab: z.string().trim().min(1, "needs a tab").max(64),
  roles: z
    .array(z.enum(["manager", "developer"]))
    .max(2)
    .optional(),
});

/** the shape a plugin module's default export must have (checked by the loader at start) */
export const pluginSchema = z
  .strictObject({
    id: z
      .string()
      .regex(PERMISSION_NAMESPACE, "must be lower-case dotted words, like acme.notes")
      .max(100)
      .refine((id) => !isReservedNamespace(id), "the gatehouse namespace is reserved for Gatehouse itself"),
    name: z.string().trim().min(1).max(100).optional(),
    permissions: z.record(
      z.string().regex(PERMISSION_CODE, "is not a permission code (lower-case dotted words, like acme.notes.note.update)"),
      definition,
    ),
  })
  .superRefine((plugin, ctx) => {
    for (const code of Object.keys(plugin.permissions)) {
      if (!inNamespace(code, plugin.id))
        ctx.addIssue({ code: "custom", path: ["permissions", code], message: `is outside the plugin's namespace "${plugin.id}."` });
    }
  });

export type PluginPermission = { label: string; tab: string; roles?: DefaultRole[] };

export type Plugin<Id extends string = string, Code extends string = string> = {
  id: Id;
  name?: string;
  permissions: { [C in Code]: PluginPermission };
};

/**
 * Declares a plugin; the codes must start with the id, which TypeScript checks too:
 *   export default definePlugin({ id: "acme.notes", permissions: { "acme.notes.note.update": { label, tab, roles } } })
 */
export function definePlugin<const Id extends string, const Code extends `${Id}.${string}`>(plugin: Plugin<Id, Code>): Plugin<Id, Code> {
  return plugin;
}
