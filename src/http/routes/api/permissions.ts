// PUT /api/v1/permissions: a relying party registers the permissions of its own namespace (client_credentials
// token; idempotent; audited). GET /api/v1/permissions: every registered permission, grouped by tab. Declared
// in the API registry (openapi.ts): the router and the OpenAPI document come from these declarations.
import { z } from "zod";
import type { AppContext } from "../../web-context.ts";
import type { RegisteredPermission } from "../../../authz/registry.ts";
import { PERMISSION_CODE } from "../../../authz/wildcards.ts";
import type { ClientRegistration } from "../../../services/permission-sync.ts";
import { catalogueError, refusalError } from "../../errors.ts";
import { documented } from "./declared-errors.ts";
import { InvalidTokenError } from "../../../resource-server/index.ts";
import { tokenOf } from "./auth.ts";
import { defineRoute, type ApiRoute } from "./openapi.ts";

/** codes in one request; the namespace's total is bounded by the sync service */
const MAX_PER_REQUEST = 200;

export const registerPermissionsBody = z.strictObject({
  permissions: z
    .record(
      z.string().max(200).regex(PERMISSION_CODE, "is not a permission code (lower-case dotted words, like acme.blog.post.update)"),
      z.strictObject({
        label: z.string().trim().min(1, "needs a label").max(200),
        tab: z.string().trim().min(1, "needs a tab").max(64),
        roles: z
          .array(z.enum(["manager", "developer"]))
          .max(2)
          .optional(),
      }),
    )
    .refine((p) => Object.keys(p).length <= MAX_PER_REQUEST, `at most ${MAX_PER_REQUEST} permissions per request`),
});

const view = (p: RegisteredPermission) => ({ code: p.code, label: p.label, tab: p.tab, roles: p.roles });

type Refused = Exclude<ClientRegistration, { outcome: "registered" }>;

function refusal(r: Refused): Error {
  switch (r.outcome) {
    case "unknown_client":
      return new InvalidTokenError("The token's client no longer exists or is disabled.");
    case "no_namespace":
      return catalogueError("permissions.no_namespace");
    case "outside_namespace":
      return catalogueError("permissions.outside_namespace", { namespace: r.namespace, codes: r.codes });
    case "taken":
      return catalogueError("permissions.taken", { codes: r.codes });
    case "too_many":
      return catalogueError("permissions.too_many", { limit: r.limit });
    case "invalid":
      return refusalError("request.invalid#refused", r);
  }
}

export const permissionView = z
  .object({
    code: z.string().meta({ example: "acme.crm.lead.read" }),
    label: z.string(),
    tab: z.string().meta({ description: "the tab of the role editor's permission matrix" }),
    roles: z.array(z.string()).meta({ description: "built-in team roles that get it by default (manager, developer)" }),
  })
  .meta({ id: "Permission" });

const registered = z
  .object({
    namespace: z.string(),
    added: z.array(z.string()).meta({ description: "codes that were not registered before" }),
    permissions: z.array(permissionView),
  })
  .meta({ id: "PermissionRegistration" });
const byTab = z
  .object({ tabs: z.array(z.object({ tab: z.string(), permissions: z.array(permissionView) })) })
  .meta({ id: "PermissionsByTab" });

export function permissionRoutes(app: AppContext): ApiRoute[] {
  return [
    defineRoute({
      method: "put",
      path: "/api/v1/permissions",
      tags: ["Permissions"],
      access: { token: "client" },
      body: registerPermissionsBody,
      summary: "Register the permissions of the client's namespace",
      description: `Idempotent: codes already registered by this client are updated, new ones added. At most ${MAX_PER_REQUEST} codes per request. Audited (permission.registered).`,
      response: { status: 200, description: "the namespace, the codes added, and every permission the client now has", schema: registered },
      errors: [
        documented("permissions.no_namespace", "the client has none"),
        documented("permissions.outside_namespace", "codes outside the client's namespace (data.codes)"),
        documented("permissions.taken", "codes registered by someone else"),
        documented("permissions.too_many", "the client would hold more permissions than it may register"),
      ],
      handle: async (ctx, { body }) => {
        const clientId = tokenOf(ctx).client_id;
        const result = await app.services.permissionSync.registerForClient(clientId, body.permissions, {
          ip: ctx.ip,
          userAgent: ctx.get("user-agent") || null,
        });
        if (result.outcome !== "registered") throw refusal(result);
        return { namespace: result.namespace, added: result.added, permissions: result.permissions.map(view) };
      },
    }),

    defineRoute({
      method: "get",
      path: "/api/v1/permissions",
      tags: ["Permissions"],
      access: { token: "any" },
      query: z.strictObject({}),
      summary: "Every registered permission, grouped by tab",
      response: { status: 200, description: "the tabs and their permissions", schema: byTab },
      handle: () => ({
        tabs: app.services.permissions.listByTab().map(({ tab, permissions }) => ({ tab, permissions: permissions.map(view) })),
      }),
    }),
  ];
}
