-- The account's language for pages and emails (en, de, fr; null: the request's language, then DEFAULT_LOCALE),
-- and its IANA time zone for dates on pages and in emails (null: UTC).
ALTER TABLE "users" ADD COLUMN "locale" TEXT;
ALTER TABLE "users" ADD COLUMN "time_zone" TEXT;
