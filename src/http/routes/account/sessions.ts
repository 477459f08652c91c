// PLACEHOLDER (to be replaced in this change): the account page /account/sessions.
import type Router from "@koa/router";
import type { AppContext } from "../../../context.ts";
import type { AccountRouteHelpers } from "./index.ts";

export function registerSessionsRoutes(_router: Router, _app: AppContext, _h: AccountRouteHelpers): void {}
