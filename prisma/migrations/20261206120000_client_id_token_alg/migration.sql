-- AlterTable: the ID token algorithm a client asks (null: SIGNING_ALG)
ALTER TABLE "oidc_clients" ADD COLUMN "id_token_signing_alg" TEXT;
