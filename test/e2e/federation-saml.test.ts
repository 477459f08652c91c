// SAML 2.0 connectors (#17) end to end: openid-client as the relying party, Gatehouse's login page button, a real
// SAML IdP on loopback (test/helpers/saml-idp.ts: AuthnRequest by HTTP-Redirect, a Response with an assertion
// signed by xml-crypto, HTTP-POST back) imported from its metadata. The IdP's post to the ACS carries no cookie
// (cross-site; sent here without the jar), the same-site continue form does. Each bad answer (unsigned, another
// key, signature wrapping, audience, recipient, expired, not yet valid, replayed, another request, oversized,
// malformed, XXE) is refused with a clear page, creates and links nothing, and is audited.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { startTestApp, uniqueEmail, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, parseForms, type Page } from "../helpers/browser.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { startSamlIdp, OTHER_KEY, type SamlIdp, type Tweaks } from "../helpers/saml-idp.ts";

const REDIRECT = "https://rp.example.test/cb";
const CLI = { actorId: "cli", via: "cli" as const };

describe("sign-in through a SAML 2.0 IdP", () => {
  let t: TestApp;
  let idp: SamlIdp;
  let rp: client.Configuration;

  beforeAll(async () => {
    t = await startTestApp();
    idp = await startSamlIdp({ nameId: "emp-saml-1", email: uniqueEmail("grace"), displayName: "Grace Hopper" });
    const made = await t.app.services.connectors.create(
      { slug: "corp", name: "Corp SAML", kind: "saml", idpMetadata: idp.metadata, trustEmailVerified: true },
      CLI,
    );
    if (made.outcome !== "created") throw new Error(JSON.stringify(made));
    const { clientId, clientSecret } = await t.createClient({
      name: "SAML RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty: true,
    });
    rp = await discover(t.url, clientId, clientSecret);
  }, 60_000);
  afterAll(async () => {
    await idp?.close();
    await t?.close();
  });

  /** the IdP's auto-post form, posted cross-site to the ACS without cookies (as SameSite=Lax browsers do) */
  async function postToAcs(idpPage: Page, fields: Record<string, string> = {}) {
    const form = parseForms(idpPage.html, idpPage.url)[0]!;
    const res = await fetch(form.action, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: idp.url },
      body: new URLSearchParams({ ...form.fields, ...fields }),
    });
    return { url: form.action, status: res.status, html: await res.text(), headers: res.headers } satisfies Page;
  }

  /** the RP's request, the "Sign in with Corp SAML" button, the IdP, the ACS, the continue form; stops at the RP or a page */
  async function signIn(tweaks: Tweaks = {}, acsFields: Record<string, string> = {}) {
    const browser = new TestBrowser(t.url);
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: "openid email profile",
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
    });
    const login = await browser.go(url.href);
    expect(login.html).toContain('data-upstream="corp"');
    idp.next = tweaks;
    const idpPage = await browser.submit(login, "/federation/corp", {});
    expect(idpPage.url.startsWith(`${idp.url}/sso?SAMLRequest=`)).toBe(true);
    const acs = await postToAcs(idpPage, acsFields);
    const page = acs.status === 200 ? await browser.submit(acs, "/saml", {}, { stopAt: REDIRECT }) : acs;
    const tokens = () =>
      client.authorizationCodeGrant(rp, new URL(page.url), {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
    return { browser, idpPage, acs, page, tokens };
  }
  const reasons = async () =>
    (
      await t.app.db.prisma.auditEvent.findMany({
        where: { type: "login.failed", data: { path: ["connector"], equals: "corp" } },
        orderBy: { id: "asc" },
      })
    ).map((e) => e.data as { reason: string; detail?: string });
  const counts = async () => ({ users: await t.app.db.prisma.user.count(), links: await t.app.db.prisma.linkedIdentity.count() });

  it("the connector is imported from the IdP's metadata; the SP metadata names our entity id, ACS and signed assertions", async () => {
    const c = (await t.app.services.connectors.findBySlug("corp"))!;
    expect(c).toMatchObject({ kind: "saml", issuer: idp.entityId, authorizationEndpoint: `${idp.url}/sso` });
    expect(c.samlCertificates).toHaveLength(1);
    const res = await fetch(`${t.url}/federation/saml/corp/metadata`);
    expect(res.headers.get("content-type")).toContain("application/samlmetadata+xml");
    const xml = await res.text();
    expect(xml).toContain(`entityID="${t.url}/federation/saml/corp/metadata"`);
    expect(xml).toContain(`Location="${t.url}/federation/saml/corp/acs"`);
    expect(xml).toContain('WantAssertionsSigned="true"');
    expect((await fetch(`${t.url}/federation/saml/nope/metadata`)).status).toBe(404);
  });

  it("first sign-in makes the account just in time; tokens say amr fed and idp; the next sign-in finds it", async () => {
    const first = await signIn();
    expect(first.acs.html).toContain("data-auto-submit");
    expect(first.page.url.startsWith(REDIRECT)).toBe(true);
    const claims = (await first.tokens()).claims()!;
    expect(claims.amr).toEqual(["fed"]);
    expect(claims.idp).toBe("corp");
    const user = await t.app.db.prisma.user.findUniqueOrThrow({ where: { id: String(claims.sub) } });
    expect(user).toMatchObject({ email: idp.user.email, emailVerified: true, name: "Grace Hopper", passwordHash: null });
    expect(await t.app.db.prisma.linkedIdentity.findMany({ where: { userId: user.id } })).toMatchObject([{ subject: "emp-saml-1" }]);
    const again = await signIn();
    expect(String((await again.tokens()).claims()!.sub)).toBe(user.id);
  });

  const refusedCases: [string, () => Tweaks | Promise<Tweaks>, RegExp][] = [
    ["an unsigned assertion", () => ({ unsigned: true }), /Invalid signature/],
    ["an assertion signed by another key", () => ({ key: OTHER_KEY }), /Invalid signature/],
    [
      "signature wrapping: the signed assertion beside an unsigned one",
      () => ({
        response: (signed, f) =>
          idp.response(
            signed +
              idp
                .assertion({ ...f, audience: `${t.url}/federation/saml/corp/metadata` }, { unsigned: true })
                .replace("emp-saml-1", "admin"),
            f,
          ),
      }),
      /multiple assertions/,
    ],
    ["another audience", () => ({ audience: "https://other-sp.example.test" }), /audience mismatch/],
    ["another recipient", () => ({ recipient: "https://other-sp.example.test/acs" }), /wrong Recipient/],
    [
      "an expired assertion",
      () => ({ notOnOrAfter: new Date(Date.now() - 10 * 60_000), notBefore: new Date(Date.now() - 20 * 60_000) }),
      /No valid subject confirmation/,
    ],
    [
      "an assertion not yet valid",
      () => ({ notBefore: new Date(Date.now() + 10 * 60_000), notOnOrAfter: new Date(Date.now() + 20 * 60_000) }),
      /not yet valid/i,
    ],
    [
      "an assertion from another issuer (signed with the IdP's key)",
      () => ({ issuer: "https://other-idp.example.test" }),
      /Issuer .* is not the IdP's entity id/,
    ],
    ["a response for another request (InResponseTo)", () => ({ inResponseTo: "_someone-elses-request" }), /InResponseTo/],
  ];
  for (const [name, tweaks, detail] of refusedCases) {
    it(`${name} is refused: a clear page, nothing created or linked, audited`, async () => {
      const before = await counts();
      const email = uniqueEmail("bad");
      const saved = idp.user;
      idp.user = { nameId: `bad-${email}`, email, displayName: "Bad" };
      try {
        const { page } = await signIn(await tweaks());
        expect(page.url.startsWith(REDIRECT)).toBe(false);
        expect(page.status).toBe(400);
        expect(page.html).toContain("its answer could not be accepted");
      } finally {
        idp.user = saved;
      }
      expect(await counts()).toEqual(before);
      expect(await t.app.db.prisma.user.count({ where: { email } })).toBe(0);
      expect((await reasons()).at(-1)).toMatchObject({
        reason: expect.stringMatching(/^upstream\.(assertion_invalid|malformed)$/),
        detail: expect.stringMatching(detail),
      });
    });
  }

  it("a replayed assertion (its signed assertion in a new response to a new request) is refused and audited", async () => {
    // bound to its request (SubjectConfirmationData InResponseTo): refused by that
    const first = await signIn();
    expect(first.page.url.startsWith(REDIRECT)).toBe(true);
    const bound = idp.lastAssertion;
    const before = await counts();
    const again = await signIn({ response: (_fresh, f) => idp.response(bound, f) });
    expect(again.page.status).toBe(400);
    expect((await reasons()).at(-1)).toMatchObject({ reason: "upstream.assertion_invalid", detail: expect.stringMatching(/InResponseTo/) });
    // an IdP that leaves InResponseTo out of the assertion: the replay cache of assertion ids refuses the second use
    const unbound = await signIn({ unbound: true });
    expect(unbound.page.url.startsWith(REDIRECT)).toBe(true);
    const captured = idp.lastAssertion;
    const replay = await signIn({ response: (_fresh, f) => idp.response(captured, f) });
    expect(replay.page.status).toBe(400);
    expect(replay.page.html).toContain("its answer could not be accepted");
    expect(await counts()).toEqual(before);
    expect((await reasons()).at(-1)).toMatchObject({ reason: "upstream.replayed" });
  });

  it("the same SAMLResponse posted twice: the RelayState is spent, the second refused at the ACS", async () => {
    const first = await signIn();
    expect(first.page.url.startsWith(REDIRECT)).toBe(true);
    const again = await postToAcs(first.idpPage);
    expect(again.status).toBe(400);
    expect((await reasons()).at(-1)).toMatchObject({ reason: "upstream.state" });
  });

  it("malformed XML, an XXE DOCTYPE and an oversized SAMLResponse are refused before any signature work; audited", async () => {
    const before = await counts();
    const malformed = await signIn({}, { SAMLResponse: Buffer.from("<samlp:Response><unclosed>").toString("base64") });
    expect(malformed.page.status).toBe(400);
    expect((await reasons()).at(-1)).toMatchObject({ reason: "upstream.malformed" });
    const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&x;</samlp:Response>`;
    const withXxe = await signIn({}, { SAMLResponse: Buffer.from(xxe).toString("base64") });
    expect(withXxe.page.status).toBe(400);
    expect(withXxe.page.html).not.toContain("root:");
    expect((await reasons()).at(-1)).toMatchObject({ reason: "upstream.malformed", detail: expect.stringMatching(/DOCTYPE/) });
    const big = await signIn({}, { SAMLResponse: "A".repeat(300 * 1024) });
    expect(big.page.status).toBe(413);
    expect((await reasons()).at(-1)).toMatchObject({ reason: "upstream.malformed", detail: "SAMLResponse too large" });
    expect(await counts()).toEqual(before);
  });

  it("the continue form only works in the browser that started the sign-in (its interaction cookie)", async () => {
    // another browser with the continue page: no interaction cookie, refused
    const started = new TestBrowser(t.url);
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: "openid",
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: "S256",
    });
    const login = await started.go(url.href);
    const idpPage = await started.submit(login, "/federation/corp", {});
    const continuePage = await postToAcs(idpPage);
    const stranger = new TestBrowser(t.url);
    const refused = await stranger.submit(continuePage, "/saml", {}, { stopAt: REDIRECT });
    expect(refused.url.startsWith(REDIRECT)).toBe(false);
    expect(refused.status).toBeGreaterThanOrEqual(400);
  });
});
