// The provider admin API for system roles (the provider-level roles of users, not teams' roles): list, read,
// create and edit them (gatehouse.admin.roles.manage). A system role holds core gatehouse.admin.* codes or
// wildcards inside gatehouse.admin. only; Super Admin ("*") is built in and not editable. The rules are
// services.systemRoles' (its refusals are 400 request.invalid naming the field), which audits system_role.created
// and system_role.updated with the admin behind the token as actor. Who holds a role: PUT
// /api/v1/users/{userId}/system-role (users.ts).
import { z } from "zod";
import type { AppContext } from "../../../web-context.ts";
import { SYSTEM_ROLE_KEY } from "../../../../services/system-roles.ts";
import { catalogueError, refusalError } from "../../../errors.ts";
import { documented } from "../declared-errors.ts";
import { defineRoute, type ApiRoute } from "../openapi.ts";
import { nextCursor, pageOf, pageQuery } from "../pagination.ts";
import { actorOf, roleView, systemRoleView } from "./users-views.ts";
import { fieldInvalid } from "../request-invalid.ts";

const MANAGE = { token: "user", permission: "gatehouse.admin.roles.manage" } as const;
const TAGS = ["Admin: system roles"];

const roleKey = z
  .string()
  .regex(SYSTEM_ROLE_KEY, "is 2 to 40 lower-case letters, digits or underscores, starting with a letter")
  .meta({ example: "support" });
const roleParams = z.strictObject({ key: roleKey.meta({ description: "the system role's key" }) });
const name = z.string().max(200).meta({ description: "1 to 64 characters once trimmed", example: "Support" });
const grants = z
  .array(z.string().max(200))
  .max(100)
  .meta({
    description: "core gatehouse.admin.* codes, or wildcards inside gatehouse.admin. (like gatehouse.admin.users.*); at least one",
    example: ["gatehouse.admin.users.read"],
  });

const createBody = z.strictObject({ key: roleKey, name, permissions: grants });
const updateBody = z
  .strictObject({ name: name.optional(), permissions: grants.optional() })
  .refine((b) => b.name !== undefined || b.permissions !== undefined, "change the name, the permissions or both");

const notFound = () => catalogueError("system_role.not_found");

export function systemRoleRoutes(app: AppContext): ApiRoute[] {
  const roles = app.services.systemRoles;
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/system-roles",
      tags: TAGS,
      access: MANAGE,
      query: pageQuery,
      summary: "Every system role, newest first",
      response: {
        status: 200,
        description: "a page of system roles",
        schema: z.object({ roles: z.array(systemRoleView), nextCursor }).meta({ id: "SystemRolePage" }),
      },
      handle: async (_ctx, { query }) => {
        const page = pageOf(await roles.list(), (r) => [r.createdAt.toISOString(), r.key], query);
        return { roles: page.items.map(roleView), nextCursor: page.nextCursor };
      },
    }),

    defineRoute({
      method: "get",
      path: "/api/v1/system-roles/:key",
      tags: TAGS,
      access: MANAGE,
      params: roleParams,
      query: z.strictObject({}),
      summary: "One system role",
      response: { status: 200, description: "the system role", schema: systemRoleView },
      errors: [documented("system_role.not_found")],
      handle: async (_ctx, { params }) => {
        const role = await roles.get(params.key);
        if (!role) throw notFound();
        return roleView(role);
      },
    }),

    defineRoute({
      method: "post",
      path: "/api/v1/system-roles",
      tags: TAGS,
      access: MANAGE,
      body: createBody,
      summary: "Create a system role",
      description: "Audited as system_role.created.",
      response: { status: 201, description: "the new system role", schema: systemRoleView },
      errors: [
        documented("permission.denied#refused", "the new role would hold permissions the caller's own system role does not"),
        documented("system_role.exists", "a system role has that key"),
      ],
      handle: async (ctx, { body }) => {
        if (await roles.get(body.key)) throw catalogueError("system_role.exists", { key: body.key });
        const result = await roles.create(body, actorOf(ctx));
        if (result.outcome === "invalid") throw fieldInvalid("body", result.field, result.message);
        if (result.outcome === "forbidden") throw refusalError("permission.denied#refused", result);
        return roleView(result.role);
      },
    }),

    defineRoute({
      method: "patch",
      path: "/api/v1/system-roles/:key",
      tags: TAGS,
      access: MANAGE,
      params: roleParams,
      body: updateBody,
      summary: "Rename a system role or change its permissions",
      description:
        "The new permissions apply to its holders' next API call or admin page. Audited as system_role.updated (before and after).",
      response: { status: 200, description: "the system role as it is now", schema: systemRoleView },
      errors: [
        documented(
          "permission.denied#refused",
          "the caller's own role, a role holding more than the caller's, or permissions the caller's role does not hold",
        ),
        documented("system_role.not_found"),
        documented("system_role.built_in", "Super Admin is built in and not editable"),
      ],
      handle: async (ctx, { params, body }) => {
        const result = await roles.update(params.key, body, actorOf(ctx));
        if (result.outcome === "not_found") throw notFound();
        if (result.outcome === "forbidden") throw refusalError("permission.denied#refused", result);
        if (result.outcome === "built_in") throw catalogueError("system_role.built_in");
        if (result.outcome === "invalid") throw fieldInvalid("body", result.field, result.message);
        return roleView(result.role);
      },
    }),
  ];
}
