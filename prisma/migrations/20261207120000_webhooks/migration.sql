-- Webhooks (src/services/webhooks/): administrators' endpoints, and the audit events waiting to be dispatched.
CREATE TABLE "webhook_endpoints" (
    "id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "event_types" TEXT[],
    "secret" TEXT NOT NULL,
    "previous_secret" TEXT,
    "previous_secret_until" TIMESTAMP(3),
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "disabled_reason" TEXT,
    "failure_count" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "webhook_endpoints_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "webhook_events" (
    "id" BIGSERIAL NOT NULL,
    "audit_id" BIGINT NOT NULL,

    CONSTRAINT "webhook_events_pkey" PRIMARY KEY ("id")
);

-- Every writer of audit events (the audit service, the sign-in's single statement, the use cases' own
-- transactions) gets its webhook event in the same transaction, as durable as the audit row. With no enabled
-- endpoint nothing is written (one look at a tiny table).
CREATE FUNCTION "webhook_events_from_audit"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM "webhook_endpoints" WHERE "enabled") THEN
    INSERT INTO "webhook_events" ("audit_id") VALUES (NEW."id");
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "audit_events_webhooks" AFTER INSERT ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION "webhook_events_from_audit"();
