// Presets for well-known upstream identity providers: everything but the client id and secret (#17). Microsoft
// Entra ID needs the tenant's issuer (its multi-tenant "common" discovery names a templated issuer that no
// strict `iss` check accepts), so its preset leaves the issuer to the admin.
import type { ClaimsMapping } from "../../queries/upstream-connectors.ts";

export type PresetName = "google" | "microsoft" | "gitlab" | "github";
export const PRESETS: readonly PresetName[] = ["google", "microsoft", "gitlab", "github"];

export type ConnectorSettings = {
  kind: "oidc" | "oauth2" | "saml";
  /** saml: the IdP's entity id */
  issuer: string | null;
  authorizationEndpoint: string | null;
  tokenEndpoint: string | null;
  userinfoEndpoint: string | null;
  emailsEndpoint: string | null;
  scopes: string[];
  claimsMapping: ClaimsMapping;
  trustEmailVerified: boolean;
  /** saml: the IdP's signing certificates (base64 DER) */
  samlCertificates: string[];
};

const OIDC_SCOPES = ["openid", "email", "profile"];
const oidc = (issuer: string | null, trust: boolean): ConnectorSettings => ({
  kind: "oidc",
  issuer,
  authorizationEndpoint: null,
  tokenEndpoint: null,
  userinfoEndpoint: null,
  emailsEndpoint: null,
  scopes: OIDC_SCOPES,
  claimsMapping: {},
  trustEmailVerified: trust,
  samlCertificates: [],
});

export const PRESET_SETTINGS: Record<PresetName, { name: string; settings: ConnectorSettings }> = {
  google: { name: "Google", settings: oidc("https://accounts.google.com", true) },
  // Entra's `email` claim is not verified by Microsoft: not trusted unless the admin says so
  microsoft: { name: "Microsoft", settings: oidc(null, false) },
  gitlab: { name: "GitLab", settings: oidc("https://gitlab.com", true) },
  github: {
    name: "GitHub",
    settings: {
      kind: "oauth2",
      issuer: "https://github.com",
      authorizationEndpoint: "https://github.com/login/oauth/authorize",
      tokenEndpoint: "https://github.com/login/oauth/access_token",
      userinfoEndpoint: "https://api.github.com/user",
      emailsEndpoint: "https://api.github.com/user/emails",
      scopes: ["read:user", "user:email"],
      claimsMapping: { subject: "id", email: "email", name: "name", username: "login" },
      // the /user/emails list says which addresses GitHub verified
      trustEmailVerified: true,
      samlCertificates: [],
    },
  },
};
