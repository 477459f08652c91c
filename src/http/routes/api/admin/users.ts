// PLACEHOLDER (being built): provider admin API routes (users).
import type { AppContext } from "../../../../context.ts";
import type { ApiRoute } from "../openapi.ts";

export function adminUserRoutes(_app: AppContext): ApiRoute[] { return []; }
