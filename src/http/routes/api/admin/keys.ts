// PLACEHOLDER (being built): provider admin API routes (keys).
import type { AppContext } from "../../../../context.ts";
import type { ApiRoute } from "../openapi.ts";

export function adminKeyRoutes(_app: AppContext): ApiRoute[] { return []; }
