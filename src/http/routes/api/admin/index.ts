// The provider admin API (/api/v1/users, /clients, /keys, /audit-events, /analytics, /outbox ...): routes for the users
// behind access tokens whose system role has the route's core gatehouse.admin.* permission.
import type { AppContext } from "../../../web-context.ts";
import type { ApiRoute } from "../openapi.ts";
import { adminUserRoutes } from "./users.ts";
import { adminClientRoutes } from "./clients.ts";
import { adminKeyRoutes } from "./keys.ts";
import { adminAuditRoutes } from "./audit.ts";
import { adminOutboxRoutes } from "./outbox.ts";

export function adminApiRoutes(app: AppContext): ApiRoute[] {
  return [...adminUserRoutes(app), ...adminClientRoutes(app), ...adminKeyRoutes(app), ...adminAuditRoutes(app), ...adminOutboxRoutes(app)];
}
