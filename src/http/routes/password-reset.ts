// placeholder: filled in by the password reset work
import type Router from "@koa/router";
import type { AppContext } from "../../context.ts";

export function registerPasswordResetRoutes(_router: Router, _app: AppContext): void {}
