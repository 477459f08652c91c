// PLACEHOLDER (being built): provider admin API routes (audit).
import type { AppContext } from "../../../../context.ts";
import type { ApiRoute } from "../openapi.ts";

export function adminAuditRoutes(_app: AppContext): ApiRoute[] { return []; }
