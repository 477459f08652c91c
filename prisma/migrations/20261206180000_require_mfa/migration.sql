-- AlterTable: an administrator may require a second factor of every holder of a system role, or every member of
-- a team; a member without one is made to set it up at the next sign-in (flows/login/enrol.ts)
ALTER TABLE "system_roles" ADD COLUMN "require_mfa" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "teams" ADD COLUMN "require_mfa" BOOLEAN NOT NULL DEFAULT false;
