-- DropIndex
DROP INDEX "audit_events_created_at_idx";

-- CreateIndex
CREATE INDEX "audit_events_created_at_id_idx" ON "audit_events"("created_at", "id");

-- Not expressible in schema.prisma (Prisma 7.10's `migrate diff` leaves them alone; should a later `migrate dev`
-- propose dropping them, remove those lines).
-- The audit log's team filter: events whose data names a team (team.*, membership changes, login.succeeded with
-- a team), newest first, keyset by (created_at, id).
CREATE INDEX "audit_events_team_id_created_at_idx" ON "audit_events"((data->>'teamId'), "created_at", "id") WHERE (data->>'teamId') IS NOT NULL;

-- Analytics' device-approval rate: the successful sign-ins that needed an emailed device code, counted from
-- this small partial index alone (the predicate must match src/services/analytics/aggregates.ts exactly).
CREATE INDEX "audit_events_login_device_code_idx" ON "audit_events"("created_at") WHERE "type" = 'login.succeeded' AND (data->>'device') = 'code';
