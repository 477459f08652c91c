-- #17 SAML 2.0 connectors: the IdP's signing certificates (issuer holds its entity id, authorization_endpoint its SSO URL)
ALTER TABLE "upstream_connectors" ADD COLUMN "saml_certificates" TEXT[] DEFAULT ARRAY[]::TEXT[];
