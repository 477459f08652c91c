-- Enterprise SSO per team (#17 item 3): a team's email domains, proved by a DNS TXT record, routed to an
-- upstream connector (home-realm discovery), optionally requiring SSO, with upstream groups mapped to team roles.
CREATE TABLE "team_domains" (
    "id" UUID NOT NULL,
    "team_id" UUID NOT NULL,
    "domain" TEXT NOT NULL,
    "verification_token" TEXT NOT NULL,
    "verified_at" TIMESTAMP(3),
    "connector_id" UUID,
    "sso_required" BOOLEAN NOT NULL DEFAULT false,
    "default_role_key" TEXT,
    "group_roles" JSONB NOT NULL DEFAULT '[]',
    "created_by_id" UUID,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "team_domains_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "team_domains_team_id_domain_key" ON "team_domains"("team_id", "domain");
CREATE INDEX "team_domains_domain_idx" ON "team_domains"("domain");
-- a domain is verified by one team at most (pending claims by several teams may coexist)
CREATE UNIQUE INDEX "team_domains_verified_domain_key" ON "team_domains"("domain") WHERE "verified_at" IS NOT NULL;

ALTER TABLE "team_domains" ADD CONSTRAINT "team_domains_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "team_domains" ADD CONSTRAINT "team_domains_connector_id_fkey" FOREIGN KEY ("connector_id") REFERENCES "upstream_connectors"("id") ON DELETE SET NULL ON UPDATE CASCADE;
