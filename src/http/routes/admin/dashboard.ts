// PLACEHOLDER (to be replaced in this change): the admin dashboard screen(s).
import type Router from "@koa/router";
import type { AppContext } from "../../../context.ts";
import type { AdminRouteHelpers } from "./shared.ts";

export function registerAdminDashboardRoutes(_router: Router, _app: AppContext, _h: AdminRouteHelpers): void {}
