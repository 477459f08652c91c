// Whether an upstream connector's settings can be used (connectors.ts): complete for its kind, no upstream URL
// on a private host in production (SSRF, outbound.ts), a token endpoint authentication that fits; and the
// settings a stored connector has. A refusal names the field and says why, worded for every surface alike.
import type { ConnectorRow } from "../../queries/upstream-connectors.ts";
import type { ConnectorSettings } from "./presets.ts";
import { upstreamAddressProblem } from "./outbound.ts";
import { completeSaml } from "./saml-settings.ts";
import type { TokenAuthMethod } from "./connector-schemas.ts";

export type Invalid = { outcome: "invalid"; field: string; message: string };
export const invalid = (field: string, message: string): Invalid => ({ outcome: "invalid", field, message });

const URL_FIELDS = ["issuer", "authorizationEndpoint", "tokenEndpoint", "userinfoEndpoint", "emailsEndpoint"] as const;

/** what a connector must have to be used: an issuer (oidc) or its endpoints (oauth2); oidc always asks for openid */
export function complete(s: ConnectorSettings, allowPrivate: boolean): ConnectorSettings | Invalid {
  // SSRF (outbound.ts): in production no upstream URL may name a loopback, private or special-use host
  for (const f of allowPrivate ? [] : URL_FIELDS.filter((f) => s.kind !== "saml" || f === "authorizationEndpoint")) {
    const problem = s[f] ? upstreamAddressProblem(s[f]) : null;
    if (problem) return invalid(f, `${f} ${problem}`);
  }
  if (s.kind === "saml") return completeSaml(s);
  if (s.kind === "oidc" && !s.issuer)
    return invalid("issuer", "an OpenID Connect connector needs its issuer (discovery at issuer/.well-known/openid-configuration)");
  if (s.kind === "oauth2") {
    for (const f of ["authorizationEndpoint", "tokenEndpoint", "userinfoEndpoint"] as const)
      if (!s[f]) return invalid(f, "an OAuth 2.0 connector needs its authorization, token and user-info endpoints");
    if (!s.claimsMapping.subject)
      return invalid(
        "claimsMapping",
        "an OAuth 2.0 connector needs claimsMapping.subject (the user-info field that identifies the user, e.g. id)",
      );
  }
  const scopes = s.kind === "oidc" && !s.scopes.includes("openid") ? ["openid", ...s.scopes] : s.scopes;
  return { ...s, issuer: s.issuer ?? (s.authorizationEndpoint ? new URL(s.authorizationEndpoint).origin : null), scopes };
}

/** the token endpoint's authentication as asked, checked against the kind and what the connector already has */
export function tokenAuthProblem(kind: string, method: TokenAuthMethod, hasSecret: boolean): Invalid | null {
  if (method === "private_key_jwt" && kind !== "oidc")
    return invalid("tokenAuthMethod", "private_key_jwt is for OpenID Connect connectors only");
  if (kind !== "saml" && method !== "private_key_jwt" && !hasSecret)
    return invalid("clientSecret", "a client secret is required (or choose private_key_jwt)");
  return null;
}

/** the settings a stored connector has (what a change is merged into) */
export const settingsOf = (c: ConnectorRow): ConnectorSettings => ({
  kind: c.kind as ConnectorSettings["kind"],
  issuer: c.issuer,
  authorizationEndpoint: c.authorizationEndpoint,
  tokenEndpoint: c.tokenEndpoint,
  userinfoEndpoint: c.userinfoEndpoint,
  emailsEndpoint: c.emailsEndpoint,
  scopes: c.scopes,
  claimsMapping: c.claimsMapping,
  trustEmailVerified: c.trustEmailVerified,
  samlCertificates: c.samlCertificates,
});
