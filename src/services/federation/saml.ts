// SAML 2.0 service provider for upstream connectors of kind `saml` (#17), through @node-saml/node-saml: the
// AuthnRequest (HTTP-Redirect binding), the response (HTTP-POST binding to the ACS URL) with signed assertions
// REQUIRED (node-saml's XML signature checks; one assertion only, so a signed assertion beside an unsigned one is
// refused), audience = our SP entity id, NotBefore/NotOnOrAfter with CLOCK_SKEW_MS, InResponseTo = the request id
// kept in Redis for this interaction (taken once, with the RelayState that names it). Ours on top: the size limit,
// no DTD (XXE), every SubjectConfirmationData Recipient = our ACS URL, and a replay cache of assertion ids kept in
// Redis until the assertion expires. The identity (subject, email, name, verified) goes to the same account
// machinery as OpenID Connect (identities.ts, linking.ts).
import type { CacheProvider, Profile } from "@node-saml/node-saml";
import { lazyModule } from "../../lib/lazy-module.ts";
import type { RedisClient } from "../../db/redis.ts";
import { randomToken, sha256 } from "../../lib/crypto.ts";
import type { ConnectorRow } from "../../queries/upstream-connectors.ts";
import { groupNames, upstreamEmail, type UpstreamProfile } from "./claims.ts";
import { UPSTREAM_STATE_TTL, type Finished, type FinishFailure, type Started, type Upstream } from "./upstream.ts";
import { assertionFacts, hasDtd } from "./saml-xml.ts";

/** node-saml (with its XML signature stack), loaded at the first SAML request */
const nodeSaml = lazyModule(() => import("@node-saml/node-saml"));

/** the largest SAMLResponse taken (base64 characters) */
export const MAX_SAML_RESPONSE = 256 * 1024;
export const CLOCK_SKEW_MS = 60_000;
/** an assertion without an expiry is remembered this long (seconds) */
const REPLAY_DEFAULT_TTL = 3600;

type RelayRecord = { uid: string; connectorId: string; requestId: string; requestedAt: string };
const pem = (body: string) => `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)!.join("\n")}\n-----END CERTIFICATE-----`;
const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);
const describe = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 300);

/** every value of the groups attribute (its mapping, or the common names); none: no `groups` at all */
function groupsOf(attrs: Record<string, unknown>, mapped: string | undefined): { groups?: string[] } {
  const names = mapped ? [mapped] : ["groups", "memberOf", "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"];
  const groups = groupNames(names.map((n) => attrs[n]).find((v) => v !== undefined));
  return groups.length ? { groups } : {};
}

/** who the assertion says the user is, through the connector's attribute mapping (defaults: common attribute names) */
export function samlProfile(c: Pick<ConnectorRow, "claimsMapping" | "trustEmailVerified">, p: Profile): UpstreamProfile | null {
  const attrs = { ...(p as Record<string, unknown>), ...((p.attributes as Record<string, unknown> | undefined) ?? {}) };
  const pick = (names: (string | undefined)[]) => {
    for (const n of names) {
      const v = n ? first(attrs[n]) : undefined;
      if (typeof v === "string" && v.trim()) return v.trim().slice(0, 320);
    }
    return null;
  };
  const m = c.claimsMapping;
  const subject = m.subject ? pick([m.subject]) : p.nameID?.trim() || null;
  if (!subject) return null;
  const email = upstreamEmail(
    pick([
      m.email,
      "email",
      "mail",
      "urn:oid:0.9.2342.19200300.100.1.3",
      "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    ]),
  );
  // SAML has no standard "verified" flag: the connector says whether the IdP's addresses are verified, and may
  // name an attribute that must say "true"
  const verifiedAttr = m.emailVerified ? pick([m.emailVerified]) : "true";
  return {
    subject,
    email,
    emailVerified: Boolean(email) && c.trustEmailVerified && verifiedAttr === "true",
    name: pick([
      m.name,
      "displayName",
      "name",
      "urn:oid:2.16.840.1.113730.3.1.241",
      "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
    ]),
    username: m.username ? pick([m.username]) : null,
    ...groupsOf(attrs, m.groups),
  };
}

export function createSamlUpstream(deps: {
  redis: RedisClient;
  connectors: { find(id: string): Promise<ConnectorRow | null> };
  issuer: string;
}) {
  const { redis } = deps;
  const relayKey = (relay: string) => `federation:saml:relay:{${relay}}`;
  const replayKey = (connectorId: string, id: string) => `federation:saml:assertion:{${connectorId}}:${sha256(id)}`;
  /** our SP entity id (the audience the IdP must name) and where its SP metadata is published */
  const entityId = (slug: string) => `${deps.issuer}/federation/saml/${slug}/metadata`;
  /** the Assertion Consumer Service URL (HTTP-POST binding): the Recipient the IdP must name */
  const acsUrl = (slug: string) => `${deps.issuer}/federation/saml/${slug}/acs`;

  async function samlFor(c: ConnectorRow, cacheProvider: CacheProvider) {
    const { SAML, ValidateInResponseTo } = await nodeSaml();
    return new SAML({
      callbackUrl: acsUrl(c.slug),
      entryPoint: c.authorizationEndpoint ?? undefined,
      issuer: entityId(c.slug),
      audience: entityId(c.slug),
      idpCert: c.samlCertificates.map(pem),
      idpIssuer: c.issuer ?? undefined,
      wantAssertionsSigned: true,
      wantAuthnResponseSigned: false,
      acceptedClockSkewMs: CLOCK_SKEW_MS,
      validateInResponseTo: ValidateInResponseTo.always,
      requestIdExpirationPeriodMs: UPSTREAM_STATE_TTL * 1000,
      cacheProvider,
      disableRequestedAuthnContext: true,
      identifierFormat: null,
    });
  }
  const noCache: CacheProvider = { saveAsync: async () => null, getAsync: async () => null, removeAsync: async () => null };

  return {
    entityId,
    acsUrl,

    /** the SP metadata to give the IdP (entity id, ACS URL, WantAssertionsSigned) */
    metadata: async (c: ConnectorRow) => (await samlFor(c, noCache)).generateServiceProviderMetadata(null, null),

    /** the IdP's SSO URL with an AuthnRequest; its id and this interaction are kept under the RelayState */
    async start(c: ConnectorRow, uid: string): Promise<Started> {
      let requestId = "";
      let requestedAt = "";
      const capture: CacheProvider = {
        ...noCache,
        saveAsync: async (key, value) => {
          requestId = key;
          requestedAt = value;
          return { value, createdAt: Date.now() };
        },
      };
      const relay = randomToken(32);
      try {
        const url = await (await samlFor(c, capture)).getAuthorizeUrlAsync(relay, undefined, {});
        const record: RelayRecord = { uid, connectorId: c.id, requestId, requestedAt };
        await redis.set(relayKey(relay), JSON.stringify(record), "EX", UPSTREAM_STATE_TTL);
        return { outcome: "redirect", url };
      } catch (err) {
        return { outcome: "unavailable", detail: describe(err) };
      }
    },

    /** the interaction a RelayState belongs to (the ACS page sends the browser there; nothing is taken) */
    async interactionOf(relay: string): Promise<string | null> {
      const raw = await redis.get(relayKey(relay));
      return raw ? (JSON.parse(raw) as RelayRecord).uid : null;
    },

    /** the IdP's response for interaction `uid` (`fields`: SAMLResponse and RelayState as posted); taken once */
    async finish(slug: string, fields: URLSearchParams, uid: string): Promise<Finished | FinishFailure> {
      const relay = fields.get("RelayState") ?? "";
      const raw = relay ? await redis.getdel(relayKey(relay)) : null;
      const record = raw ? (JSON.parse(raw) as RelayRecord) : null;
      if (!record || record.uid !== uid)
        return { outcome: "failed", reason: "state", detail: record ? "RelayState of another sign-in" : "unknown or used RelayState" };
      const c = await deps.connectors.find(record.connectorId);
      if (!c || c.slug !== slug || c.kind !== "saml")
        return { outcome: "failed", reason: "state", detail: "RelayState of another connector" };
      if (!c.enabled) return { outcome: "failed", reason: "disabled", detail: "connector disabled", connector: c };
      const fail = (reason: FinishFailure["reason"], detail: string): FinishFailure => ({
        outcome: "failed",
        reason,
        detail: detail.slice(0, 300),
        connector: c,
      });
      const response = fields.get("SAMLResponse") ?? "";
      if (!response || response.length > MAX_SAML_RESPONSE)
        return fail("malformed", response ? "SAMLResponse too large" : "no SAMLResponse");
      if (!/^[A-Za-z0-9+/=\s]+$/.test(response)) return fail("malformed", "SAMLResponse is not base64");
      const xml = Buffer.from(response, "base64").toString("utf8");
      if (hasDtd(xml)) return fail("malformed", "XML with a DOCTYPE is refused (XXE)");
      if (!xml.trimStart().startsWith("<")) return fail("malformed", "SAMLResponse is not XML");
      // InResponseTo must be this sign-in's request id (node-saml asks the cache; only that id is known to it, with its time)
      const expected: CacheProvider = { ...noCache, getAsync: async (key) => (key === record.requestId ? record.requestedAt : null) };
      let profile: Profile | null;
      try {
        profile = (await (await samlFor(c, expected)).validatePostResponseAsync({ SAMLResponse: response, RelayState: relay })).profile;
      } catch (err) {
        return fail(/not valid XML|malformed|unclosed|parse/i.test(describe(err)) ? "malformed" : "assertion_invalid", describe(err));
      }
      if (!profile?.getAssertionXml) return fail("assertion_invalid", "no assertion");
      // node-saml does not compare the (signed) assertion's Issuer with the IdP's entity id: we do
      if (profile.issuer !== c.issuer)
        return fail("assertion_invalid", `assertion Issuer ${String(profile.issuer ?? "none").slice(0, 100)} is not the IdP's entity id`);
      const facts = assertionFacts(profile.getAssertionXml());
      if (facts.recipients.length === 0 || facts.recipients.some((r) => r !== acsUrl(c.slug)))
        return fail("assertion_invalid", `wrong Recipient: ${facts.recipients.join(", ") || "none"}`);
      if (!facts.id) return fail("assertion_invalid", "assertion without ID");
      // each assertion once, remembered until it expires
      const ttl = facts.notOnOrAfter
        ? Math.max(60, Math.ceil((facts.notOnOrAfter.getTime() - Date.now() + CLOCK_SKEW_MS) / 1000))
        : REPLAY_DEFAULT_TTL;
      const fresh = await redis.set(replayKey(c.id, facts.id), "1", "EX", ttl, "NX");
      if (fresh !== "OK") return fail("replayed", `assertion ${facts.id.slice(0, 80)} was already used`);
      const identity = samlProfile(c, profile);
      if (!identity) return fail("profile", "the assertion names no subject");
      return { outcome: "ok", connector: c, profile: identity };
    },
  };
}

export type SamlUpstream = ReturnType<typeof createSamlUpstream>;

/** one upstream port for the sign-in: SAML connectors start and finish here, the others in upstream.ts */
export function withSaml(oidc: Upstream, saml: SamlUpstream): Upstream {
  return {
    ...oidc,
    start: (c, uid) => (c.kind === "saml" ? saml.start(c, uid) : oidc.start(c, uid)),
    finish: (slug, query, uid) => (query.has("SAMLResponse") ? saml.finish(slug, query, uid) : oidc.finish(slug, query, uid)),
  };
}
