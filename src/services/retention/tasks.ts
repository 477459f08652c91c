// What the retention job removes, and after how long (the RETENTION_* settings and AUDIT_RETENTION_DAYS; a period
// of 0 keeps those rows forever). Each task deletes in batches: one call removes at most `limit` rows due at `now`.
import type { RetentionQueries, BatchDelete } from "../../queries/retention.ts";

export type RetentionSettings = {
  intervalMinutes: number;
  sessionsDays: number;
  loginLocationsDays: number;
  expiredTokensDays: number;
  outboxDeadDays: number;
  auditDays: number;
  batchSize: number;
};

/**
 * One kind of rows the job removes. `name` labels the counts in the log and in
 * gatehouse_retention_removed_total{table}; `removeBatch` removes at most `limit` rows due at `now` and says how
 * many (fewer than `limit`: nothing more is due in this pass).
 */
export type RetentionTask = { name: string; removeBatch(now: Date, limit: number): Promise<number> };

const DAY_MS = 86_400_000;

/** a table's rows that are over more than `days` days before now (none when days is 0: kept forever) */
function olderThan(name: string, days: number, remove: BatchDelete): RetentionTask[] {
  if (days <= 0) return [];
  return [{ name, removeBatch: (now, limit) => remove(new Date(now.getTime() - days * DAY_MS), limit) }];
}

/** the built-in tasks for these settings, in the order a pass runs them */
export function retentionTasks(queries: RetentionQueries, s: RetentionSettings): RetentionTask[] {
  return [
    ...olderThan("user_sessions", s.sessionsDays, queries.user_sessions),
    ...olderThan("login_locations", s.loginLocationsDays, queries.login_locations),
    ...olderThan("email_verification_tokens", s.expiredTokensDays, queries.email_verification_tokens),
    ...olderThan("password_reset_tokens", s.expiredTokensDays, queries.password_reset_tokens),
    ...olderThan("email_change_tokens", s.expiredTokensDays, queries.email_change_tokens),
    ...olderThan("account_restore_tokens", s.expiredTokensDays, queries.account_restore_tokens),
    ...olderThan("invitations", s.expiredTokensDays, queries.invitations),
    ...olderThan("ownership_transfers", s.expiredTokensDays, queries.ownership_transfers),
    ...olderThan("trusted_devices", s.expiredTokensDays, queries.trusted_devices),
    ...olderThan("outbox", s.outboxDeadDays, queries.outbox),
    ...olderThan("audit_events", s.auditDays, queries.audit_events),
  ];
}

/** every label the built-in tasks may report (so the metric has a series per table from the start) */
export const RETENTION_TABLES = [
  "user_sessions",
  "login_locations",
  "email_verification_tokens",
  "password_reset_tokens",
  "email_change_tokens",
  "account_restore_tokens",
  "invitations",
  "ownership_transfers",
  "trusted_devices",
  "outbox",
  "audit_events",
] as const;
