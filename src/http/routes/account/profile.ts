// placeholder: filled in by the account pages work
import type Router from "@koa/router";
import type { AppContext } from "../../../context.ts";
import type { AccountRouteHelpers } from "./index.ts";

export function registerProfileRoutes(_router: Router, _app: AppContext, _h: AccountRouteHelpers): void {}
