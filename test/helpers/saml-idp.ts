// A real SAML 2.0 IdP on loopback (port 0) for the SAML connector tests (#17): it takes the AuthnRequest by the
// HTTP-Redirect binding (inflated, its ID and ACS URL read), and answers with the HTTP-POST binding's auto-post
// form holding a Response whose Assertion it signs with xml-crypto (RSA-SHA256, exclusive c14n, enveloped) with
// a throwaway key (test/fixtures/saml). `idp.next` bends the next answer for the bad-input tests.
import http from "node:http";
import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { inflateRawSync } from "node:zlib";
import type { AddressInfo } from "node:net";
import { SignedXml } from "xml-crypto";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/saml/${name}`, import.meta.url), "utf8");
export const IDP_KEY = { key: fixture("idp-key.pem"), cert: fixture("idp-cert.pem") };
export const OTHER_KEY = { key: fixture("other-key.pem"), cert: fixture("other-cert.pem") };
const certBody = (pem: string) => pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, "");
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");

export type SamlUser = { nameId: string; email?: string; displayName?: string };
/** what the next answer does differently (each used once) */
export type Tweaks = {
  audience?: string;
  recipient?: string;
  inResponseTo?: string;
  notBefore?: Date;
  notOnOrAfter?: Date;
  key?: { key: string; cert: string };
  unsigned?: boolean;
  assertionId?: string;
  /** the SubjectConfirmationData names no InResponseTo (some IdPs leave it out) */
  unbound?: boolean;
  /** the assertion's Issuer (default: the IdP's entity id) */
  issuer?: string;
  /** the whole Response XML from the signed assertion and the request's facts */
  response?: (signedAssertion: string, facts: { requestId: string; acs: string }) => string;
};
export type SamlIdp = {
  url: string;
  entityId: string;
  metadata: string;
  user: SamlUser;
  next: Tweaks;
  lastAssertion: string;
  assertion(facts: { requestId: string; acs: string; audience: string }, tweaks?: Tweaks): string;
  response(signedAssertion: string, facts: { requestId: string; acs: string }): string;
  close(): Promise<void>;
};

function signAssertion(xml: string, key: { key: string; cert: string }): string {
  const sig = new SignedXml({
    privateKey: key.key,
    publicCert: key.cert,
    signatureAlgorithm: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    canonicalizationAlgorithm: "http://www.w3.org/2001/10/xml-exc-c14n#",
  });
  sig.addReference({
    xpath: "//*[local-name(.)='Assertion']",
    digestAlgorithm: "http://www.w3.org/2001/04/xmlenc#sha256",
    transforms: ["http://www.w3.org/2000/09/xmldsig#enveloped-signature", "http://www.w3.org/2001/10/xml-exc-c14n#"],
  });
  sig.computeSignature(xml, { location: { reference: "//*[local-name(.)='Assertion']/*[local-name(.)='Issuer']", action: "after" } });
  return sig.getSignedXml();
}

export async function startSamlIdp(user: SamlUser): Promise<SamlIdp> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const entityId = `${url}/metadata`;
  const metadata = `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${entityId}">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certBody(IDP_KEY.cert)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${url}/sso-post"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${url}/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;

  const idp: SamlIdp = {
    url,
    entityId,
    metadata,
    user,
    next: {},
    lastAssertion: "",
    assertion({ requestId, acs, audience }, t = {}) {
      const now = new Date();
      const notBefore = t.notBefore ?? new Date(now.getTime() - 30_000);
      const notOnOrAfter = t.notOnOrAfter ?? new Date(now.getTime() + 5 * 60_000);
      const attrs = Object.entries({ email: idp.user.email, displayName: idp.user.displayName })
        .filter(([, v]) => v)
        .map(([k, v]) => `<saml:Attribute Name="${k}"><saml:AttributeValue>${esc(v!)}</saml:AttributeValue></saml:Attribute>`)
        .join("");
      const xml =
        `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${t.assertionId ?? `_a${randomUUID()}`}" Version="2.0" IssueInstant="${now.toISOString()}">` +
        `<saml:Issuer>${esc(t.issuer ?? entityId)}</saml:Issuer>` +
        `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">${esc(idp.user.nameId)}</saml:NameID>` +
        `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData${t.unbound ? "" : ` InResponseTo="${t.inResponseTo ?? requestId}"`} NotOnOrAfter="${notOnOrAfter.toISOString()}" Recipient="${t.recipient ?? acs}"/></saml:SubjectConfirmation></saml:Subject>` +
        `<saml:Conditions NotBefore="${notBefore.toISOString()}" NotOnOrAfter="${notOnOrAfter.toISOString()}"><saml:AudienceRestriction><saml:Audience>${esc(t.audience ?? audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
        `<saml:AuthnStatement AuthnInstant="${now.toISOString()}" SessionIndex="_s${randomUUID()}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
        `<saml:AttributeStatement>${attrs}</saml:AttributeStatement></saml:Assertion>`;
      return t.unsigned ? xml : signAssertion(xml, t.key ?? IDP_KEY);
    },
    response(signedAssertion, { requestId, acs }) {
      return (
        `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r${randomUUID()}" Version="2.0" IssueInstant="${new Date().toISOString()}" Destination="${acs}" InResponseTo="${requestId}">` +
        `<saml:Issuer>${entityId}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>${signedAssertion}</samlp:Response>`
      );
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };

  server.on("request", (req, res) => {
    const u = new URL(req.url ?? "/", url);
    if (u.pathname !== "/sso") {
      res.statusCode = 404;
      return res.end();
    }
    const request = inflateRawSync(Buffer.from(u.searchParams.get("SAMLRequest") ?? "", "base64")).toString("utf8");
    const requestId = /\bID="([^"]+)"/.exec(request)?.[1] ?? "";
    const acs = /AssertionConsumerServiceURL="([^"]+)"/.exec(request)?.[1] ?? "";
    const audience = /<saml:Issuer[^>]*>([^<]+)<\/saml:Issuer>/.exec(request)?.[1] ?? "";
    const t = idp.next;
    idp.next = {};
    const assertion = idp.assertion({ requestId, acs, audience }, t);
    idp.lastAssertion = assertion;
    const xml = t.response
      ? t.response(assertion, { requestId, acs })
      : idp.response(assertion, { requestId: t.inResponseTo ?? requestId, acs });
    res.setHeader("content-type", "text/html");
    res.end(
      `<!doctype html><form method="post" action="${esc(acs)}"><input type="hidden" name="SAMLResponse" value="${Buffer.from(xml).toString("base64")}">` +
        `<input type="hidden" name="RelayState" value="${esc(u.searchParams.get("RelayState") ?? "")}"><button>Continue</button></form>`,
    );
  });
  return idp;
}
