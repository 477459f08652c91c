// The admin Roles screens: system roles (roles-system.ts, gatehouse.admin.roles.manage) and any team's roles
// (roles-team.ts, gatehouse.admin.teams.manage), each edited in a permission matrix grouped by the registry's
// tabs (views/pages/admin/roles-matrix.eta).
import type Router from "@koa/router";
import type { AppContext } from "../../web-context.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { registerSystemRoleRoutes } from "./roles-system.ts";
import { registerTeamRoleRoutes } from "./roles-team.ts";

export function registerAdminRoleRoutes(router: Router, app: AppContext, h: AdminRouteHelpers): void {
  registerSystemRoleRoutes(router, app, h);
  registerTeamRoleRoutes(router, app, h);
}
