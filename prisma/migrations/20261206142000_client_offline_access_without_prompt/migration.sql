-- AlterTable: a third-party client whose request for offline_access counts as asking consent (no prompt=consent needed)
ALTER TABLE "oidc_clients" ADD COLUMN "offline_access_without_prompt" BOOLEAN NOT NULL DEFAULT false;
