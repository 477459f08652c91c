// Offline access without prompt=consent (#14 item 14): relying parties such as mod_auth_openidc and Authlib ask
// `offline_access` without `prompt=consent`; a first-party client gets its refresh token all the same (and no
// consent page), while a third-party client still needs `prompt=consent` (OpenID Connect Core 11), as before.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover, signInThroughPages } from "../helpers/oidc-flow.ts";

const REDIRECT = "https://rp.example.test/cb";

describe("offline access without prompt=consent", () => {
  let t: TestApp;
  const rpOf = async (firstParty: boolean) => {
    const c = await t.createClient({ name: firstParty ? "Own app" : "Partner app", type: "confidential", redirectUris: [REDIRECT], firstParty });
    return discover(t.url, c.clientId, c.clientSecret);
  };
  beforeAll(async () => { t = await startTestApp(); });
  afterAll(async () => { await t?.close(); });

  /** a code flow asking openid offline_access, no prompt parameter; consents on a consent page if one is shown */
  async function signIn(rp: client.Configuration) {
    const user = await t.createUser();
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(rp, { redirect_uri: REDIRECT, scope: "openid offline_access", state: "s", code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256" });
    const { callback, pages } = await signInThroughPages(new TestBrowser(t.url), url.toString(), REDIRECT, { identifier: user.email, password: user.password });
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
    const { tokens } = await signIn(await rpOf(false));
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.scope ?? "").not.toContain("offline_access");
  });
});
