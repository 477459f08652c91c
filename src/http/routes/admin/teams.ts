// PLACEHOLDER (being built): the admin Teams screens.
import type Router from "@koa/router";
import type { AppContext } from "../../../context.ts";
import type { AdminRouteHelpers } from "./shared.ts";

export function registerAdminTeamRoutes(_router: Router, _app: AppContext, _h: AdminRouteHelpers): void {}
