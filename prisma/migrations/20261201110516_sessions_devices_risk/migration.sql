-- CreateTable
CREATE TABLE "user_sessions" (
    "id" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "ip" TEXT,
    "user_agent" TEXT,
    "browser" TEXT,
    "os" TEXT,
    "device_type" TEXT,
    "country_code" TEXT,
    "city" TEXT,
    "remember" BOOLEAN NOT NULL DEFAULT false,
    "clients" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "started_at" TIMESTAMP(3) NOT NULL,
    "last_active_at" TIMESTAMP(3) NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "ended_at" TIMESTAMP(3),
    "end_reason" TEXT,

    CONSTRAINT "user_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trusted_devices" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "ip" TEXT,
    "country_code" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMP(3) NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "revoked_at" TIMESTAMP(3),

    CONSTRAINT "trusted_devices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "login_locations" (
    "id" BIGSERIAL NOT NULL,
    "user_id" UUID NOT NULL,
    "ip" TEXT NOT NULL,
    "network" TEXT NOT NULL,
    "country_code" TEXT,
    "latitude" DOUBLE PRECISION,
    "longitude" DOUBLE PRECISION,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "login_locations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "user_sessions_user_id_ended_at_idx" ON "user_sessions"("user_id", "ended_at");

-- CreateIndex
CREATE INDEX "user_sessions_started_at_idx" ON "user_sessions"("started_at");

-- CreateIndex
CREATE INDEX "trusted_devices_token_hash_idx" ON "trusted_devices"("token_hash");

-- CreateIndex
CREATE UNIQUE INDEX "trusted_devices_user_id_token_hash_key" ON "trusted_devices"("user_id", "token_hash");

-- CreateIndex
CREATE INDEX "login_locations_user_id_created_at_idx" ON "login_locations"("user_id", "created_at");

-- CreateIndex
CREATE INDEX "login_locations_user_id_network_idx" ON "login_locations"("user_id", "network");

-- CreateIndex
CREATE INDEX "login_locations_user_id_country_code_idx" ON "login_locations"("user_id", "country_code");

-- AddForeignKey
ALTER TABLE "user_sessions" ADD CONSTRAINT "user_sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trusted_devices" ADD CONSTRAINT "trusted_devices_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "login_locations" ADD CONSTRAINT "login_locations_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
