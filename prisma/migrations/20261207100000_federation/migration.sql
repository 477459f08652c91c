-- CreateTable: upstream identity providers (#17): OpenID Connect or OAuth 2.0; the client secret is encrypted
-- with the master key
CREATE TABLE "upstream_connectors" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "preset" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "issuer" TEXT,
    "authorization_endpoint" TEXT,
    "token_endpoint" TEXT,
    "userinfo_endpoint" TEXT,
    "emails_endpoint" TEXT,
    "client_id" TEXT NOT NULL,
    "client_secret_encrypted" TEXT NOT NULL,
    "scopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "claims_mapping" JSONB NOT NULL DEFAULT '{}',
    "trust_email_verified" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "upstream_connectors_pkey" PRIMARY KEY ("id")
);

-- CreateTable: an account's identity at a connector (upstream subject unique per connector)
CREATE TABLE "linked_identities" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "connector_id" UUID NOT NULL,
    "subject" TEXT NOT NULL,
    "email" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMP(3),

    CONSTRAINT "linked_identities_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "upstream_connectors_slug_key" ON "upstream_connectors"("slug");

-- CreateIndex
CREATE INDEX "linked_identities_user_id_idx" ON "linked_identities"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "linked_identities_connector_id_subject_key" ON "linked_identities"("connector_id", "subject");

-- AddForeignKey
ALTER TABLE "linked_identities" ADD CONSTRAINT "linked_identities_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "linked_identities" ADD CONSTRAINT "linked_identities_connector_id_fkey" FOREIGN KEY ("connector_id") REFERENCES "upstream_connectors"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
