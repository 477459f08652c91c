// The admin area (/admin): server-rendered screens for administrators, each guarded by a core permission of the
// signed-in user's system role (shared.ts). Signing in is the account pages' own (/login); a signed-in user
// without the permission gets a 403 page. Every POST checks CSRF; destructive actions ask for a confirmation
// first; every action is audited with the acting admin.
import type Router from "@koa/router";
import type { AppContext } from "../../web-context.ts";
import { createAccountSessions, requireAccountMiddleware } from "../../account-session.ts";
import { catalogueError } from "../../errors.ts";
import { ADMIN_SECTIONS, createAdminHelpers } from "./shared.ts";
import { registerAdminUserRoutes } from "./users.ts";
import { registerAdminDashboardRoutes } from "./dashboard.ts";
import { registerAdminAuditRoutes } from "./audit.ts";
import { registerAdminClientRoutes } from "./clients.ts";
import { registerAdminKeyRoutes } from "./keys.ts";
import { registerAdminTeamRoutes } from "./teams.ts";
import { registerAdminRoleRoutes } from "./roles.ts";
import { registerAdminOutboxRoutes } from "./outbox.ts";
import { registerAdminWebhookRoutes } from "./webhooks.ts";
import { registerAdminConnectorRoutes } from "./connectors.ts";
import { registerAdminBrandingRoutes } from "./branding.ts";

export function registerAdminRoutes(router: Router, app: AppContext): void {
  const requireAccount = requireAccountMiddleware(createAccountSessions(app));
  const h = createAdminHelpers(app, requireAccount);

  // /admin: the first section this admin may open
  router.get("/admin", requireAccount, async (ctx) => {
    for (const section of ADMIN_SECTIONS) {
      if (await h.can(ctx, section.permission)) return ctx.redirect(section.path);
    }
    throw catalogueError("admin.forbidden#area", { startOverUrl: "/account" });
  });

  registerAdminDashboardRoutes(router, app, h);
  registerAdminUserRoutes(router, app, h);
  registerAdminTeamRoutes(router, app, h);
  registerAdminRoleRoutes(router, app, h);
  registerAdminAuditRoutes(router, app, h);
  registerAdminClientRoutes(router, app, h);
  registerAdminKeyRoutes(router, app, h);
  registerAdminOutboxRoutes(router, app, h);
  registerAdminWebhookRoutes(router, app, h);
  registerAdminConnectorRoutes(router, app, h);
  registerAdminBrandingRoutes(router, app, h);
}
