// What a SAML connector (#17) is made of, for connectors.ts: the IdP's entity id (kept as `issuer`), its
// HTTP-Redirect single sign-on URL (kept as `authorizationEndpoint`) and its signing certificates, taken from
// its metadata XML (`idpMetadata`) or entered by hand (`idpEntityId`, `authorizationEndpoint`, `samlCertificates`).
// A SAML connector has no client id or secret.
import { X509Certificate } from "node:crypto";
import { z } from "zod";
import type { ConnectorSettings } from "./presets.ts";
import { certificateBody, parseIdpMetadata } from "./saml-xml.ts";

const isCertificate = (body: string) => {
  try {
    new X509Certificate(Buffer.from(body, "base64"));
    return /^[A-Za-z0-9+/=]+$/.test(body);
  } catch {
    return false;
  }
};
/** a signing certificate as PEM or its base64 body */
export const samlCertificate = z
  .string()
  .max(20_000)
  .transform(certificateBody)
  .refine(isCertificate, "a certificate must be an X.509 certificate in PEM or base64");
export const samlFields = {
  /** the IdP's metadata XML: fills the entity id, SSO URL and certificates */
  idpMetadata: z
    .string()
    .max(512 * 1024)
    .optional(),
  idpEntityId: z.string().trim().min(1).max(1000).optional(),
  samlCertificates: z.array(samlCertificate).min(1).max(5).optional(),
};

type Invalid = { outcome: "invalid"; field: string; message: string };
type SamlInput = {
  idpMetadata?: string | undefined;
  idpEntityId?: string | undefined;
  authorizationEndpoint?: string | null | undefined;
  samlCertificates?: string[] | undefined;
};

/** the settings a SAML input names (metadata first, then what is given by hand), or why the metadata is unusable */
export function samlSettingsOf(input: SamlInput, httpsUrl: z.ZodType<string>): Partial<ConnectorSettings> | Invalid {
  const out: Partial<ConnectorSettings> = {};
  if (input.idpMetadata?.trim()) {
    const meta = parseIdpMetadata(input.idpMetadata);
    if ("problem" in meta) return { outcome: "invalid", field: "idpMetadata", message: meta.problem };
    if (!httpsUrl.safeParse(meta.ssoUrl).success)
      return { outcome: "invalid", field: "idpMetadata", message: "the IdP's SSO URL must be https (http only on a loopback host)" };
    const bad = meta.certificates.find((c) => !isCertificate(c));
    if (bad !== undefined)
      return { outcome: "invalid", field: "idpMetadata", message: "a signing certificate in the metadata is not an X.509 certificate" };
    Object.assign(out, { issuer: meta.entityId, authorizationEndpoint: meta.ssoUrl, samlCertificates: meta.certificates });
  }
  if (input.idpEntityId) out.issuer = input.idpEntityId;
  if (input.authorizationEndpoint) out.authorizationEndpoint = input.authorizationEndpoint;
  if (input.samlCertificates) out.samlCertificates = input.samlCertificates;
  return out;
}

/** what a SAML connector must have: entity id, SSO URL, at least one certificate */
export function completeSaml(s: ConnectorSettings): ConnectorSettings | Invalid {
  if (!s.issuer)
    return {
      outcome: "invalid",
      field: "idpEntityId",
      message: "a SAML connector needs the IdP's entity id (import its metadata, or give idpEntityId)",
    };
  if (!s.authorizationEndpoint)
    return {
      outcome: "invalid",
      field: "authorizationEndpoint",
      message: "a SAML connector needs the IdP's single sign-on URL (HTTP-Redirect binding)",
    };
  if (s.samlCertificates.length === 0)
    return {
      outcome: "invalid",
      field: "samlCertificates",
      message: "a SAML connector needs the IdP's signing certificate: assertions must be signed",
    };
  return { ...s, tokenEndpoint: null, userinfoEndpoint: null, emailsEndpoint: null, scopes: [] };
}
