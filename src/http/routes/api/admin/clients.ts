// PLACEHOLDER (being built): provider admin API routes (clients).
import type { AppContext } from "../../../../context.ts";
import type { ApiRoute } from "../openapi.ts";

export function adminClientRoutes(_app: AppContext): ApiRoute[] { return []; }
