// The provider admin API (/api/v1/users, /clients, /keys, /audit-events, /analytics, /outbox ...): routes for the users
// behind access tokens whose system role has the route's core gatehouse.admin.* permission.
import type { AppContext } from "../../../web-context.ts";
import type { ApiRoute } from "../openapi.ts";
import { adminUserRoutes } from "./users.ts";
import { adminClientRoutes } from "./clients.ts";
import { adminKeyRoutes } from "./keys.ts";
import { adminAuditRoutes } from "./audit.ts";
import { adminOutboxRoutes } from "./outbox.ts";
import { adminWebhookRoutes } from "./webhooks.ts";
import { adminUserDeleteRoutes } from "./users-delete.ts";
import { mfaRequiredRoutes } from "./mfa-required.ts";
import { adminConnectorRoutes } from "./connectors.ts";
import { adminBrandingRoutes } from "./branding.ts";

export function adminApiRoutes(app: AppContext): ApiRoute[] {
  return [
    ...adminUserRoutes(app),
    ...adminUserDeleteRoutes(app),
    ...adminClientRoutes(app),
    ...adminKeyRoutes(app),
    ...adminAuditRoutes(app),
    ...adminOutboxRoutes(app),
    ...adminWebhookRoutes(app),
    ...mfaRequiredRoutes(app),
    ...adminConnectorRoutes(app),
    ...adminBrandingRoutes(app),
  ];
}
