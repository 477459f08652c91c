// SAML XML read safely (#17): an IdP's metadata (its entity id, HTTP-Redirect single sign-on URL and signing
// certificates) and, after node-saml has checked the signature, facts of the verified assertion node-saml leaves to
// us (its ID and expiry for the replay cache, the SubjectConfirmationData Recipient). No DTD is ever accepted (XXE,
// entity expansion): a document with a DOCTYPE is refused before it is parsed; xmldom resolves no external entity.
import { DOMParser, type Element } from "@xmldom/xmldom";

export const MAX_METADATA_CHARS = 512 * 1024;
const MD = "urn:oasis:names:tc:SAML:2.0:metadata";
const DS = "http://www.w3.org/2000/09/xmldsig#";
const ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion";
const REDIRECT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";

/** a DOCTYPE or entity declaration anywhere: refused (XXE, billion laughs) */
export const hasDtd = (xml: string) => /<!DOCTYPE|<!ENTITY/i.test(xml);

/** parses XML, throwing on any error or warning (malformed documents are refused, not repaired) */
export function parseStrict(xml: string): Element {
  if (hasDtd(xml)) throw new Error("XML with a DOCTYPE is refused");
  const fail = (msg: string) => {
    throw new Error(`malformed XML: ${String(msg).slice(0, 200)}`);
  };
  const doc = new DOMParser({ onError: (_level, msg) => fail(msg) }).parseFromString(xml, "text/xml");
  if (!doc.documentElement) throw new Error("malformed XML: no root element");
  return doc.documentElement;
}

const byName = (root: Element, ns: string, name: string) => Array.from(root.getElementsByTagNameNS(ns, name));

/** a certificate as the base64 body of its PEM, whitespace removed */
export function certificateBody(text: string): string {
  return text.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
}

export type IdpMetadata = { entityId: string; ssoUrl: string; certificates: string[] };

/** an IdP's metadata: EntityDescriptor > IDPSSODescriptor (HTTP-Redirect SSO, signing keys) */
export function parseIdpMetadata(xml: string): IdpMetadata | { problem: string } {
  if (xml.length > MAX_METADATA_CHARS) return { problem: "the metadata is too large" };
  let root: Element;
  try {
    root = parseStrict(xml.trim());
  } catch (err) {
    return { problem: `the metadata is not usable XML (${(err as Error).message})` };
  }
  const entity = root.localName === "EntityDescriptor" ? root : byName(root, MD, "EntityDescriptor")[0];
  const idp = entity ? byName(entity, MD, "IDPSSODescriptor")[0] : undefined;
  if (!entity || !idp) return { problem: "the metadata has no EntityDescriptor with an IDPSSODescriptor" };
  const entityId = entity.getAttribute("entityID") ?? "";
  if (!entityId) return { problem: "the metadata names no entityID" };
  const sso = byName(idp, MD, "SingleSignOnService").find((e) => e.getAttribute("Binding") === REDIRECT_BINDING);
  if (!sso?.getAttribute("Location")) return { problem: "the IdP offers no SingleSignOnService with the HTTP-Redirect binding" };
  const certificates = byName(idp, MD, "KeyDescriptor")
    .filter((k) => !k.getAttribute("use") || k.getAttribute("use") === "signing")
    .flatMap((k) => byName(k, DS, "X509Certificate").map((c) => certificateBody(c.textContent ?? "")))
    .filter((c, i, all) => c && all.indexOf(c) === i);
  if (certificates.length === 0) return { problem: "the metadata has no signing certificate" };
  return { entityId, ssoUrl: sso.getAttribute("Location")!, certificates };
}

export type AssertionFacts = { id: string; notOnOrAfter: Date | null; recipients: string[] };

/** the verified assertion's ID, its latest NotOnOrAfter (conditions, subject confirmation) and Recipients */
export function assertionFacts(assertionXml: string): AssertionFacts {
  const root = parseStrict(assertionXml);
  const data = byName(root, ASSERTION, "SubjectConfirmationData");
  const times = [...byName(root, ASSERTION, "Conditions"), ...data]
    .map((e) => e.getAttribute("NotOnOrAfter"))
    .filter((v): v is string => Boolean(v))
    .map((v) => new Date(v))
    .filter((d) => !Number.isNaN(d.getTime()));
  const latest = times.length ? new Date(Math.max(...times.map((d) => d.getTime()))) : null;
  return { id: root.getAttribute("ID") ?? "", notOnOrAfter: latest, recipients: data.map((e) => e.getAttribute("Recipient") ?? "") };
}
