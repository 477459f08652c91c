// Pure parts of the SAML connectors (#17): the attribute mapping of an assertion's profile (verified only when the
// connector trusts the IdP, and its named attribute says true; a non-address is no address), the facts read from
// a verified assertion (ID, latest NotOnOrAfter, Recipients), and DTDs refused before parsing.
import { describe, it, expect } from "vitest";
import type { Profile } from "@node-saml/node-saml";
import { samlProfile } from "../../src/services/federation/saml.ts";
import { assertionFacts, hasDtd, parseStrict } from "../../src/services/federation/saml-xml.ts";

const profile = (extra: Record<string, unknown>) => ({ issuer: "idp", nameID: "emp-1", nameIDFormat: "x", ...extra }) as unknown as Profile;

describe("samlProfile", () => {
  it("reads the NameID, common attribute names, and believes the address only when the connector trusts the IdP", () => {
    const p = profile({ mail: "ada@example.test", displayName: "Ada" });
    expect(samlProfile({ claimsMapping: {}, trustEmailVerified: true }, p)).toEqual({
      subject: "emp-1",
      email: "ada@example.test",
      emailVerified: true,
      name: "Ada",
      username: null,
    });
    expect(samlProfile({ claimsMapping: {}, trustEmailVerified: false }, p)?.emailVerified).toBe(false);
  });
  it("a mapped emailVerified attribute must say true; a mapped subject attribute replaces the NameID", () => {
    const p = profile({ email: "ada@example.test", verified: "false", employeeId: ["E42"] });
    expect(samlProfile({ claimsMapping: { emailVerified: "verified" }, trustEmailVerified: true }, p)?.emailVerified).toBe(false);
    expect(samlProfile({ claimsMapping: { subject: "employeeId" }, trustEmailVerified: true }, p)?.subject).toBe("E42");
    expect(samlProfile({ claimsMapping: { subject: "missing" }, trustEmailVerified: true }, p)).toBeNull();
  });
  it("an attribute that is not an email address is no address", () => {
    expect(samlProfile({ claimsMapping: {}, trustEmailVerified: true }, profile({ email: "not an address\r\nBcc: x@y" }))).toMatchObject({
      email: null,
      emailVerified: false,
    });
  });
});

describe("SAML XML", () => {
  it("assertionFacts: the ID, the latest NotOnOrAfter and every Recipient", () => {
    const xml = `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a1"><saml:Subject><saml:SubjectConfirmation><saml:SubjectConfirmationData NotOnOrAfter="2030-01-01T00:05:00Z" Recipient="https://sp/acs"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotOnOrAfter="2030-01-01T00:10:00Z"/></saml:Assertion>`;
    expect(assertionFacts(xml)).toEqual({ id: "_a1", notOnOrAfter: new Date("2030-01-01T00:10:00Z"), recipients: ["https://sp/acs"] });
  });
  it("a DOCTYPE or ENTITY is refused before parsing; malformed XML throws", () => {
    expect(hasDtd(`<!doctype x><x/>`)).toBe(true);
    expect(() => parseStrict(`<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>`)).toThrow(/DOCTYPE/);
    expect(() => parseStrict(`<x><y></x>`)).toThrow(/malformed/);
  });
});
