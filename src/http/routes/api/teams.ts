// PLACEHOLDER (being built): the team admin API routes.
import type { AppContext } from "../../../context.ts";
import type { ApiRoute } from "./openapi.ts";

export function teamRoutes(_app: AppContext): ApiRoute[] { return []; }
