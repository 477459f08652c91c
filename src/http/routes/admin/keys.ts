// PLACEHOLDER (to be replaced in this change): the admin keys screen(s).
import type Router from "@koa/router";
import type { AppContext } from "../../../context.ts";
import type { AdminRouteHelpers } from "./shared.ts";

export function registerAdminKeyRoutes(_router: Router, _app: AppContext, _h: AdminRouteHelpers): void {}
