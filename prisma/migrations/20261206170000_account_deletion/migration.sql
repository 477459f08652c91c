-- Account deletion (#21): a deletion waiting out ACCOUNT_DELETION_GRACE_DAYS, the emailed single-use links that
-- restore such an account (only the SHA-256 of the token kept), and the stable pseudonym that replaces a deleted
-- user's id in the audit events about them (src/services/account-deletion.ts, docs/architecture.md).

-- AlterTable: when a disabled account pending deletion is erased (null: not pending)
ALTER TABLE "users" ADD COLUMN "deletion_due_at" TIMESTAMP(3);

-- CreateIndex: the erasure of due accounts finds them by it
CREATE INDEX "users_deletion_due_at_idx" ON "users"("deletion_due_at");

-- AlterTable: "deleted:<HMAC of the id>" on the events of a user who was erased (user_id is then null)
ALTER TABLE "audit_events" ADD COLUMN "user_pseudonym" TEXT;

-- CreateIndex
CREATE INDEX "audit_events_user_pseudonym_created_at_idx" ON "audit_events"("user_pseudonym", "created_at");

-- CreateTable
CREATE TABLE "account_restore_tokens" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "used_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "account_restore_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "account_restore_tokens_token_hash_key" ON "account_restore_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "account_restore_tokens_user_id_idx" ON "account_restore_tokens"("user_id");

-- AddForeignKey
ALTER TABLE "account_restore_tokens" ADD CONSTRAINT "account_restore_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
