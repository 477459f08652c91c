// PLACEHOLDER (to be replaced in this change): the emailed approve / deny links of a held sign-in.
import type Router from "@koa/router";
import type { AppContext } from "../../context.ts";

export function registerLoginHoldRoutes(_router: Router, _app: AppContext): void {}
