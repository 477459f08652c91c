// Offline access without prompt=consent (#14 item 14): relying parties such as mod_auth_openidc and Authlib ask
// `offline_access` without `prompt=consent`; a first-party client gets its refresh token all the same (and no
// consent page), and so does a third-party client set to (offlineAccessWithoutPrompt: its user sees the consent
// page, which names offline access), while any other third-party client still needs `prompt=consent` (OpenID
// Connect Core 11), as before. A form-posted authorization request (POST /auth) is treated like a GET.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover, signInThroughPages } from "../helpers/oidc-flow.ts";

const REDIRECT = "https://rp.example.test/cb";

describe("offline access without prompt=consent", () => {
  let t: TestApp;
  const rpOf = async (firstParty: boolean, offlineAccessWithoutPrompt = false) => {
    const c = await t.createClient({
      name: firstParty ? "Own app" : "Partner app",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty,
      offlineAccessWithoutPrompt,
    });
    return discover(t.url, c.clientId, c.clientSecret);
  };
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  /** a code flow asking openid offline_access, no prompt parameter; consents on a consent page if one is shown */
  async function signIn(rp: client.Configuration, opts: { post?: boolean } = {}) {
    const user = await t.createUser();
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: "openid offline_access",
      state: "s",
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
    });
    const { callback, pages } = await signInThroughPages(
      new TestBrowser(t.url),
      url.toString(),
      REDIRECT,
      { identifier: user.email, password: user.password },
      opts,
    );
    const tokens = await client.authorizationCodeGrant(rp, new URL(callback), { pkceCodeVerifier: verifier, expectedState: "s" });
    return { tokens, sawConsent: pages.some((p) => p.html.includes("/confirm")) };
  }

  it("a first-party client gets a refresh token, with no consent page", async () => {
    const { tokens, sawConsent } = await signIn(await rpOf(true));
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.scope).toContain("offline_access");
    expect(sawConsent).toBe(false);
  });

  it("a third-party client does not, unless it asks prompt=consent (unchanged)", async () => {
    for (const post of [false, true]) {
      const { tokens } = await signIn(await rpOf(false), { post });
      expect(tokens.refresh_token).toBeUndefined();
      expect(tokens.scope ?? "").not.toContain("offline_access");
    }
  });

  it("a third-party client set to offline access without prompt=consent gets a refresh token, after the consent page", async () => {
    const { tokens, sawConsent } = await signIn(await rpOf(false, true));
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.scope).toContain("offline_access");
    expect(sawConsent).toBe(true);
  });

  it("a form-posted authorization request (POST /auth) is treated like GET", async () => {
    const firstParty = await signIn(await rpOf(true), { post: true });
    expect(firstParty.tokens.refresh_token).toBeTruthy();
    expect(firstParty.sawConsent).toBe(false);
    const flagged = await signIn(await rpOf(false, true), { post: true });
    expect(flagged.tokens.refresh_token).toBeTruthy();
    expect(flagged.sawConsent).toBe(true);
    // the parameters go into the redirect's request line, which Node limits: a larger form is refused up front
    const big = await fetch(`${t.url}/auth`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `client_id=x&pad=${"a".repeat(13 * 1024)}`,
      redirect: "manual",
    });
    expect(big.status).toBe(413);
  });
});
