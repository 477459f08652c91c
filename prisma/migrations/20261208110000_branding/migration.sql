-- Branding set by administrators (#18): the instance's settings (one row), uploaded logos (by content hash) and
-- each client's own name, logo and colour on its sign-in and consent pages. Unset columns fall back to BRAND_*.
CREATE TABLE "brand_logos" (
    "hash" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "bytes" BYTEA NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "brand_logos_pkey" PRIMARY KEY ("hash")
);

CREATE TABLE "brand_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "product_name" TEXT,
    "logo_hash" TEXT,
    "primary_color" TEXT,
    "support_url" TEXT,
    "terms_url" TEXT,
    "privacy_url" TEXT,
    "updated_by_id" TEXT,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "brand_settings_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "brand_settings_single_row" CHECK ("id" = 1)
);

CREATE TABLE "client_brands" (
    "client_id" TEXT NOT NULL,
    "display_name" TEXT,
    "logo_hash" TEXT,
    "primary_color" TEXT,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "client_brands_pkey" PRIMARY KEY ("client_id")
);

ALTER TABLE "brand_settings" ADD CONSTRAINT "brand_settings_logo_hash_fkey" FOREIGN KEY ("logo_hash") REFERENCES "brand_logos"("hash") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "client_brands" ADD CONSTRAINT "client_brands_logo_hash_fkey" FOREIGN KEY ("logo_hash") REFERENCES "brand_logos"("hash") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "client_brands" ADD CONSTRAINT "client_brands_client_id_fkey" FOREIGN KEY ("client_id") REFERENCES "oidc_clients"("id") ON DELETE CASCADE ON UPDATE CASCADE;
