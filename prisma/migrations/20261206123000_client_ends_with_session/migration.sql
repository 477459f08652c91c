-- AlterTable: a client whose tokens, refresh tokens with offline_access too, end with the sign-in session
ALTER TABLE "oidc_clients" ADD COLUMN "ends_with_session" BOOLEAN NOT NULL DEFAULT false;
