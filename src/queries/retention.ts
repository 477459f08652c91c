// The retention job's deletes (services/retention/): each removes at most `limit` rows that were over before
// `before` and says how many it removed, so a large backlog goes in many short statements (each its own
// transaction) instead of one long one holding locks. Each statement picks its batch through an index where the
// table is large: user_sessions by started_at (a session cannot have ended or expired before it started),
// login_locations and audit_events in id / (created_at, id) order, oldest first. The small link tables are
// read without an index (their rows live days, and a batch stops at `limit`).
import type { PrismaClient } from "../generated/prisma/client.ts";

/** deletes at most `limit` rows over before `before`; how many it deleted */
export type BatchDelete = (before: Date, limit: number) => Promise<number>;

export function createRetentionQueries(db: PrismaClient) {
  return {
    /** sign-in session records that ended, or passed their absolute expiry, before `before` */
    user_sessions: ((before, limit) => db.$executeRaw`
      DELETE FROM user_sessions WHERE id IN (
        SELECT id FROM user_sessions
        WHERE started_at < ${before}::timestamp AND (ended_at < ${before}::timestamp OR expires_at < ${before}::timestamp)
        LIMIT ${limit})`) satisfies BatchDelete,

    /** the places of successful sign-ins (the suspicious-login rules' history) */
    login_locations: ((before, limit) => db.$executeRaw`
      DELETE FROM login_locations WHERE id IN (
        SELECT id FROM login_locations WHERE created_at < ${before}::timestamp ORDER BY id LIMIT ${limit})`) satisfies BatchDelete,

    /** email verification links used or expired before `before` */
    email_verification_tokens: ((before, limit) => db.$executeRaw`
      DELETE FROM email_verification_tokens WHERE id IN (
        SELECT id FROM email_verification_tokens WHERE used_at < ${before}::timestamp OR expires_at < ${before}::timestamp LIMIT ${limit})`) satisfies BatchDelete,

    password_reset_tokens: ((before, limit) => db.$executeRaw`
      DELETE FROM password_reset_tokens WHERE id IN (
        SELECT id FROM password_reset_tokens WHERE used_at < ${before}::timestamp OR expires_at < ${before}::timestamp LIMIT ${limit})`) satisfies BatchDelete,

    email_change_tokens: ((before, limit) => db.$executeRaw`
      DELETE FROM email_change_tokens WHERE id IN (
        SELECT id FROM email_change_tokens WHERE used_at < ${before}::timestamp OR expires_at < ${before}::timestamp LIMIT ${limit})`) satisfies BatchDelete,

    /** links that restore an account during its deletion grace period, used or expired before `before` */
    account_restore_tokens: ((before, limit) => db.$executeRaw`
      DELETE FROM account_restore_tokens WHERE id IN (
        SELECT id FROM account_restore_tokens WHERE used_at < ${before}::timestamp OR expires_at < ${before}::timestamp LIMIT ${limit})`) satisfies BatchDelete,

    /** team and administrator invitations accepted, revoked or expired before `before` */
    invitations: ((before, limit) => db.$executeRaw`
      DELETE FROM invitations WHERE id IN (
        SELECT id FROM invitations
        WHERE accepted_at < ${before}::timestamp OR revoked_at < ${before}::timestamp OR expires_at < ${before}::timestamp
        LIMIT ${limit})`) satisfies BatchDelete,

    ownership_transfers: ((before, limit) => db.$executeRaw`
      DELETE FROM ownership_transfers WHERE id IN (
        SELECT id FROM ownership_transfers
        WHERE accepted_at < ${before}::timestamp OR cancelled_at < ${before}::timestamp OR expires_at < ${before}::timestamp
        LIMIT ${limit})`) satisfies BatchDelete,

    /** browsers a user stopped trusting (revoked) or whose trust ran out before `before` */
    trusted_devices: ((before, limit) => db.$executeRaw`
      DELETE FROM trusted_devices WHERE id IN (
        SELECT id FROM trusted_devices WHERE revoked_at < ${before}::timestamp OR expires_at < ${before}::timestamp LIMIT ${limit})`) satisfies BatchDelete,

    /** dead letters given up on before `before` (delivered rows are deleted as they are sent) */
    outbox: ((before, limit) => db.$executeRaw`
      DELETE FROM outbox WHERE id IN (
        SELECT id FROM outbox WHERE status = 'dead' AND dead_at < ${before}::timestamp LIMIT ${limit})`) satisfies BatchDelete,

    audit_events: ((before, limit) => db.$executeRaw`
      DELETE FROM audit_events WHERE id IN (
        SELECT id FROM audit_events WHERE created_at < ${before}::timestamp ORDER BY created_at, id LIMIT ${limit})`) satisfies BatchDelete,
  };
}

export type RetentionQueries = ReturnType<typeof createRetentionQueries>;
