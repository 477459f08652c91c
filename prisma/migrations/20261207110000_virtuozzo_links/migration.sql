-- Virtuozzo plugin (#19): a team's link to its platform account
CREATE TABLE "virtuozzo_links" (
    "team_id" UUID NOT NULL,
    "platform_url" TEXT NOT NULL,
    "login" TEXT NOT NULL,
    "credential" TEXT NOT NULL,
    "group_type" TEXT NOT NULL,
    "linked_by_id" UUID NOT NULL,
    "client_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "virtuozzo_links_pkey" PRIMARY KEY ("team_id")
);

ALTER TABLE "virtuozzo_links" ADD CONSTRAINT "virtuozzo_links_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE CASCADE ON UPDATE CASCADE;
