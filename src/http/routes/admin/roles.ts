// PLACEHOLDER (being built): the admin Roles screens.
import type Router from "@koa/router";
import type { AppContext } from "../../../context.ts";
import type { AdminRouteHelpers } from "./shared.ts";

export function registerAdminRoleRoutes(_router: Router, _app: AppContext, _h: AdminRouteHelpers): void {}
