// The provider admin API for the audit log and login analytics (gatehouse.admin.audit.read):
// - GET /api/v1/audit-events: services.auditLog's pages, newest first: filters userId, teamId, type (exact, or a
//   prefix ending in "." or ".*"), outcome, from/to (ISO 8601 date-times, [from, to)); limit 1-100 (default 50);
//   cursor = the previous page's nextCursor, sent with the same filters. The service validates the filters and
//   the cursor: what it refuses is a 400 request.invalid naming the field, as the route's own schema does.
// - GET /api/v1/analytics: services.analytics.logins for [from, to) (both, or neither for the last 7 days, as the
//   dashboard's default) and the dashboard's headline counts; bad ranges are 400 request.invalid.
// The CSV export stays on the admin page (/admin/audit/export.csv): the registry answers JSON only.
import { z } from "zod";
import type { AppContext } from "../../../web-context.ts";
import { ADMIN_PERMISSIONS } from "../../../../authz/core-permissions.ts";
import { AuditQueryError } from "../../../../services/audit-log.ts";
import { AnalyticsQueryError } from "../../../../services/analytics.ts";
import { defineRoute, type ApiRoute } from "../openapi.ts";
import { nextCursor, pageQuery } from "../pagination.ts";
import { auditEvent, loginAnalytics } from "./audit-schema.ts";
import { fieldInvalid, requestInvalid } from "../request-invalid.ts";

const ACCESS = { token: "user", permission: ADMIN_PERMISSIONS.auditRead } as const;
const DEFAULT_RANGE_MS = 7 * 86_400_000;
const instant = (what: string) =>
  z
    .string()
    .max(40)
    .optional()
    .meta({ description: `${what} (ISO 8601 date-time with an offset, e.g. 2026-12-01T00:00:00Z)` });

const auditQuery = z.strictObject({
  userId: z.string().max(64).optional().meta({ description: "events about this user (UUID)" }),
  teamId: z.string().max(64).optional().meta({ description: "events about this team (UUID)" }),
  type: z
    .string()
    .max(100)
    .optional()
    .meta({ description: 'an event type ("login.failed"), or a prefix ending in "." or ".*" ("login." or "login.*")' }),
  outcome: z.enum(["success", "failure"]).optional(),
  from: instant("events at or after this instant"),
  to: instant("events before this instant"),
  limit: pageQuery.shape.limit,
  cursor: z
    .string()
    .max(200)
    .optional()
    .meta({ description: "the previous page's nextCursor (send the same filters with it); leave out for the first page" }),
});

const rangeEnd = (what: string) =>
  z.iso
    .datetime({ offset: true, message: "must be an ISO 8601 date-time with an offset, e.g. 2026-12-01T00:00:00Z" })
    .optional()
    .meta({ description: `${what} (ISO 8601 date-time with an offset, e.g. 2026-12-01T00:00:00Z)` });
const rangeQuery = z.strictObject({
  from: rangeEnd("the range's start; give both from and to, or neither for the last 7 days"),
  to: rangeEnd("the range's end (exclusive)"),
});

export function adminAuditRoutes(app: AppContext): ApiRoute[] {
  const { auditLog, analytics } = app.services;

  return [
    defineRoute({
      method: "get",
      path: "/api/v1/audit-events",
      tags: ["Admin: audit"],
      access: ACCESS,
      query: auditQuery,
      summary: "Audit events, newest first, filtered",
      response: {
        status: 200,
        description: "a page of events",
        schema: z.object({ events: z.array(auditEvent), nextCursor }).meta({ id: "AuditEventPage" }),
      },
      handle: async (_ctx, { query }) => {
        try {
          return await auditLog.list(query);
        } catch (err) {
          if (!(err instanceof AuditQueryError)) throw err;
          const issues = err.issues.length ? err.issues : [{ path: "", message: err.message }];
          throw requestInvalid(
            "query",
            issues.map((i) => ({
              code: "custom",
              path: ["query", ...(i.path && i.path !== "(query)" ? [i.path] : [])],
              message: i.message,
            })),
          );
        }
      },
    }),

    defineRoute({
      method: "get",
      path: "/api/v1/analytics",
      tags: ["Admin: analytics"],
      access: ACCESS,
      query: rangeQuery,
      summary: "Login analytics for a time range, and the headline counts",
      description:
        "The admin dashboard's figures: rates (null when there was nothing to divide by), the average session, and sign-ins per hour (ranges up to 48 hours) or per day, every bucket present. Ranges up to 400 days.",
      response: { status: 200, description: "the figures", schema: loginAnalytics },
      handle: async (_ctx, { query }) => {
        if ((query.from === undefined) !== (query.to === undefined)) {
          const missing = query.from === undefined ? "from" : "to";
          throw fieldInvalid("query", missing, "give both from and to, or neither (the last 7 days)");
        }
        const now = app.clock.now();
        const range =
          query.from !== undefined && query.to !== undefined
            ? { from: query.from, to: query.to }
            : { from: new Date(now.getTime() - DEFAULT_RANGE_MS).toISOString(), to: now.toISOString() };
        try {
          const [figures, counts] = await Promise.all([analytics.logins(range), analytics.counts(now)]);
          return { ...figures, counts };
        } catch (err) {
          if (!(err instanceof AnalyticsQueryError)) throw err;
          throw fieldInvalid("query", err.field, err.message);
        }
      },
    }),
  ];
}
