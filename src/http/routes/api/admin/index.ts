// PLACEHOLDER (being built): the provider admin API routes.
import type { AppContext } from "../../../../context.ts";
import type { ApiRoute } from "../openapi.ts";

export function adminApiRoutes(_app: AppContext): ApiRoute[] { return []; }
