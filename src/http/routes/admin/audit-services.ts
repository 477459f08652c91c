// The audit log and analytics services the dashboard and audit screens use. src/context.ts imports
// createAuditLog/createAnalytics but does not (yet) put them in app.services: until it does, these screens build
// them here from the same queries and clock (both are stateless, so an instance per app is equivalent).
import type { AppContext } from "../../../context.ts";
import { createAuditLog, type AuditLog } from "../../../services/audit-log.ts";
import { createAnalytics, type Analytics } from "../../../services/analytics.ts";

export type AdminAuditServices = { auditLog: AuditLog; analytics: Analytics };

export function adminAuditServices(app: AppContext): AdminAuditServices {
  const wired = app.services as Partial<AdminAuditServices>;
  return {
    auditLog: wired.auditLog ?? createAuditLog(app.queries.auditEvents),
    analytics: wired.analytics ?? createAnalytics({ queries: app.queries.loginAnalytics, clock: app.clock }),
  };
}
