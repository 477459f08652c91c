// PUT /api/v1/permissions: a relying party registers the permissions of its own namespace (client_credentials
// token; idempotent; audited). GET /api/v1/permissions: every registered permission, grouped by tab.
import type Router from "@koa/router";
import type { Context, Middleware } from "koa";
import { z } from "zod";
import type { AppContext } from "../../../context.ts";
import type { RegisteredPermission } from "../../../authz/registry.ts";
import { PERMISSION_CODE } from "../../../authz/wildcards.ts";
import type { ClientRegistration } from "../../../services/permission-sync.ts";
import { AppError } from "../../errors.ts";
import { InvalidTokenError } from "../../../resource-server/index.ts";
import { tokenOf, type ApiAuth } from "./auth.ts";

/** codes in one request; the namespace's total is bounded by the sync service */
const MAX_PER_REQUEST = 200;

export const registerPermissionsBody = z.strictObject({
  permissions: z.record(
    z.string().max(200).regex(PERMISSION_CODE, "is not a permission code (lower-case dotted words, like acme.blog.post.update)"),
    z.strictObject({
      label: z.string().trim().min(1, "needs a label").max(200),
      tab: z.string().trim().min(1, "needs a tab").max(64),
      roles: z.array(z.enum(["manager", "developer"])).max(2).optional(),
    }),
  ).refine((p) => Object.keys(p).length <= MAX_PER_REQUEST, `at most ${MAX_PER_REQUEST} permissions per request`),
});

const view = (p: RegisteredPermission) => ({ code: p.code, label: p.label, tab: p.tab, roles: p.roles });

type Refused = Exclude<ClientRegistration, { outcome: "registered" }>;

function refusal(r: Refused): Error {
  switch (r.outcome) {
    case "unknown_client": return new InvalidTokenError("The token's client no longer exists or is disabled.");
    case "no_namespace": return new AppError("permissions.no_namespace", 403, "This client has no permission namespace: an administrator must give it one.");
    case "outside_namespace": return new AppError("permissions.outside_namespace", 403, `These codes are outside the client's namespace "${r.namespace}.".`, { namespace: r.namespace, codes: r.codes });
    case "taken": return new AppError("permissions.taken", 409, "These codes are registered by someone else.", { codes: r.codes });
    case "too_many": return new AppError("permissions.too_many", 400, `A client may register at most ${r.limit} permissions.`, { limit: r.limit });
    case "invalid": return new AppError("request.invalid", 400, r.message);
  }
}

export function registerPermissionRoutes(router: Router, app: AppContext, deps: { errors: Middleware; auth: ApiAuth; json: Middleware }) {
  const { errors, auth, json } = deps;
  const audit = (ctx: Context, outcome: "success" | "failure", clientId: string, data: Record<string, unknown>) =>
    app.services.audit.record({ type: "permission.registered", outcome, clientId, ip: ctx.ip, userAgent: ctx.get("user-agent") || null, data: data as never });

  router.put("/api/v1/permissions", errors, auth.clientToken, json, async (ctx) => {
    const clientId = tokenOf(ctx).client_id;
    const parsed = registerPermissionsBody.safeParse(ctx.request.body);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`);
      throw new AppError("request.invalid", 400, "Send {\"permissions\": {\"<code>\": {\"label\", \"tab\", \"roles\"?}}}.", { problems });
    }
    const result = await app.services.permissionSync.registerForClient(clientId, parsed.data.permissions);
    const codes = Object.keys(parsed.data.permissions).sort();
    if (result.outcome !== "registered") {
      await audit(ctx, "failure", clientId, { reason: result.outcome, codes });
      throw refusal(result);
    }
    await audit(ctx, "success", clientId, { namespace: result.namespace, codes, added: result.added });
    ctx.body = { namespace: result.namespace, added: result.added, permissions: result.permissions.map(view) };
  });

  router.get("/api/v1/permissions", errors, auth.token, (ctx) => {
    ctx.body = { tabs: app.services.permissions.listByTab().map(({ tab, permissions }) => ({ tab, permissions: permissions.map(view) })) };
  });
}
