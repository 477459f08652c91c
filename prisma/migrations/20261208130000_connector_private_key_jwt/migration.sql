-- #17 private_key_jwt for OpenID Connect connectors: how Gatehouse authenticates at the upstream's token endpoint,
-- and its signing keys for private_key_jwt (the newest first: it signs; older ones stay published until removed).
-- Each key: { kid, alg, publicJwk, privateEncrypted (AES-256-GCM with the master key, bound to the connector and kid), createdAt }
ALTER TABLE "upstream_connectors" ADD COLUMN "token_auth_method" TEXT NOT NULL DEFAULT 'client_secret_post';
ALTER TABLE "upstream_connectors" ADD COLUMN "client_keys" JSONB NOT NULL DEFAULT '[]';
