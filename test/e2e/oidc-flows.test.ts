// A relying party nobody here wrote (openid-client) uses Gatehouse end to end: discovery, code + PKCE through
// the real login and consent pages, ID token validation, userinfo, refresh rotation and reuse, revocation,
// introspection, client_credentials, JWT access tokens checked against the JWKS, and RP-initiated logout.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { createRemoteJWKSet, jwtVerify, decodeProtectedHeader } from "jose";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";

const REDIRECT = "https://rp.example.test/callback";
const LOGOUT_REDIRECT = "https://rp.example.test/signed-out";
const API = "https://api.example.test";

describe("OIDC flows with openid-client", () => {
  let t: TestApp;
  let user: Awaited<ReturnType<TestApp["createUser"]>>;
  let rp: client.Configuration;

  beforeAll(async () => {
    // grace 0: a second use of a rotated refresh token is treated as theft at once
    t = await startTestApp({ REFRESH_REUSE_GRACE_SECONDS: "0" });
    user = await t.createUser();
    const { clientId, clientSecret } = await t.createClient({
      name: "Example RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      postLogoutRedirectUris: [LOGOUT_REDIRECT],
      grantTypes: ["authorization_code", "refresh_token", "client_credentials"],
      resources: [API],
    });
    rp = await discover(t.url, clientId, clientSecret);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("publishes discovery with the security-relevant metadata", () => {
    const meta = rp.serverMetadata();
    expect(meta.issuer).toBe(t.url);
    expect(meta.code_challenge_methods_supported).toEqual(["S256"]);
    expect(meta.response_types_supported).toEqual(["code"]);
    expect(meta.authorization_response_iss_parameter_supported).toBe(true);
    expect(meta.grant_types_supported).not.toContain("implicit");
    expect(meta.grant_types_supported).not.toContain("password");
    // ES256 every client's default; RS256 offered, as OpenID Connect Discovery requires, for the clients set to it
    expect(meta.id_token_signing_alg_values_supported).toEqual(["ES256", "RS256"]);
  });

  it("signs in through the login and consent pages; ID token, userinfo and amr are right", async () => {
    const browser = new TestBrowser(t.url);
    const { tokens, pages } = await loginWithCode(rp, browser, REDIRECT, { identifier: user.email, password: user.password });
    expect(pages[0]!.html).toContain('name="identifier"');
    expect(pages.some((p) => p.html.includes("/confirm"))).toBe(true); // third-party client: consent was asked
    const claims = tokens.claims()!;
    expect(claims.sub).toBe(user.id);
    expect(claims.iss).toBe(t.url);
    expect(claims.amr).toEqual(["pwd"]);
    expect(tokens.refresh_token).toBeTruthy();
    const info = await client.fetchUserInfo(rp, tokens.access_token, user.id);
    expect(info.email).toBe(user.email);
    expect(info.preferred_username).toBe(user.username);
    expect(info.email_verified).toBe(true);
  });

  it("callback carries iss (RFC 9207)", async () => {
    const browser = new TestBrowser(t.url);
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: "openid",
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      state: "s1",
    });
    const { signInThroughPages } = await import("../helpers/oidc-flow.ts");
    const { callback } = await signInThroughPages(browser, url.toString(), REDIRECT, {
      identifier: user.username,
      password: user.password,
    });
    const params = new URL(callback).searchParams;
    expect(params.get("iss")).toBe(t.url);
    expect(params.get("state")).toBe("s1");
    expect(params.get("code")).toBeTruthy();
  });

  it("rotates refresh tokens; reusing an old one revokes the whole grant", async () => {
    const { tokens } = await loginWithCode(rp, new TestBrowser(t.url), REDIRECT, { identifier: user.email, password: user.password });
    const first = tokens.refresh_token!;
    const second = await client.refreshTokenGrant(rp, first);
    expect(second.refresh_token).toBeTruthy();
    expect(second.refresh_token).not.toBe(first);
    expect(second.claims()?.sub).toBe(user.id);
    await expect(client.refreshTokenGrant(rp, first)).rejects.toMatchObject({ error: "invalid_grant" });
    // the reuse was treated as theft: the token issued by the legitimate rotation is dead too
    await expect(client.refreshTokenGrant(rp, second.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
    const introspected = await client.tokenIntrospection(rp, second.access_token);
    expect(introspected.active).toBe(false);
  });

  it("a rotated refresh token's record goes within seconds; a reuse after that is still caught and revokes the grant", async () => {
    const { tokens } = await loginWithCode(rp, new TestBrowser(t.url), REDIRECT, { identifier: user.email, password: user.password });
    const first = tokens.refresh_token!;
    const second = await client.refreshTokenGrant(rp, first);
    const record = `oidc:{RefreshToken:${first}}`;
    // the full record is kept only for parallel uses and the grace window (at least 10 s), never the detection window
    const pttl = await t.app.redis.pttl(record);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(10_000);
    // those seconds pass: only the small rotated entry is left
    await t.app.redis.del(record, `${record}:consumed`);
    await expect(client.refreshTokenGrant(rp, first)).rejects.toMatchObject({ error: "invalid_grant" });
    await expect(client.refreshTokenGrant(rp, second.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
    expect((await client.tokenIntrospection(rp, second.access_token)).active).toBe(false);
  });

  it("rotation never extends a refresh token chain: the new token expires when the first one would have", async () => {
    const { tokens } = await loginWithCode(rp, new TestBrowser(t.url), REDIRECT, { identifier: user.email, password: user.password });
    const first = await client.tokenIntrospection(rp, tokens.refresh_token!);
    await new Promise((r) => setTimeout(r, 1100)); // a second later, so a sliding expiry would show
    const rotated = await client.refreshTokenGrant(rp, tokens.refresh_token!);
    const second = await client.tokenIntrospection(rp, rotated.refresh_token!);
    expect(first.active).toBe(true);
    expect(second.active).toBe(true);
    expect(second.exp).toBe(first.exp);
    expect(first.exp! - first.iat!).toBe(t.config.tokens.refreshTokenTtl);
  });

  it("signing in gives a new session cookie, never the one the browser had before", async () => {
    const other = await t.createUser();
    const browser = new TestBrowser(t.url);
    await loginWithCode(rp, browser, REDIRECT, { identifier: user.email, password: user.password });
    const sessionCookie = async () => (await browser.jar.getCookies(t.url)).find((c) => c.key === "gh.session")?.value;
    const before = await sessionCookie();
    expect(before).toBeTruthy();
    // the same browser signs in again as someone else (prompt=login)
    const { tokens } = await loginWithCode(
      rp,
      browser,
      REDIRECT,
      { identifier: other.email, password: other.password },
      { prompt: "login consent" },
    );
    expect(tokens.claims()?.sub).toBe(other.id);
    const after = await sessionCookie();
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);
  });

  it("introspects and revokes tokens", async () => {
    const { tokens } = await loginWithCode(rp, new TestBrowser(t.url), REDIRECT, { identifier: user.email, password: user.password });
    const active = await client.tokenIntrospection(rp, tokens.access_token);
    expect(active.active).toBe(true);
    expect(active.sub).toBe(user.id);
    expect(active.client_id).toBe(rp.clientMetadata().client_id);
    await client.tokenRevocation(rp, tokens.refresh_token!);
    await expect(client.refreshTokenGrant(rp, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
    await client.tokenRevocation(rp, tokens.access_token);
    expect((await client.tokenIntrospection(rp, tokens.access_token)).active).toBe(false);
  });

  it("issues JWT access tokens for a resource, verifiable against the JWKS (RFC 9068)", async () => {
    const jwks = createRemoteJWKSet(new URL(rp.serverMetadata().jwks_uri!));
    const { tokens } = await loginWithCode(
      rp,
      new TestBrowser(t.url),
      REDIRECT,
      { identifier: user.email, password: user.password },
      { resource: API },
    );
    expect(decodeProtectedHeader(tokens.access_token).typ).toBe("at+jwt");
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
      issuer: t.url,
      audience: API,
      typ: "at+jwt",
      algorithms: ["ES256"],
    });
    expect(protectedHeader.alg).toBe("ES256");
    expect(payload.sub).toBe(user.id);
    expect(payload.client_id).toBe(rp.clientMetadata().client_id);
    expect(payload.amr).toEqual(["pwd"]);
    expect(typeof payload.sid).toBe("string");
    // a refresh keeps the audience and the claims
    const refreshed = await client.refreshTokenGrant(rp, tokens.refresh_token!);
    const again = await jwtVerify(refreshed.access_token, jwks, { issuer: t.url, audience: API, typ: "at+jwt" });
    expect(again.payload.sid).toBe(payload.sid);
    expect(again.payload.amr).toEqual(["pwd"]);
  });

  it("client_credentials gives a JWT for the client itself", async () => {
    const jwks = createRemoteJWKSet(new URL(rp.serverMetadata().jwks_uri!));
    const tokens = await client.clientCredentialsGrant(rp, { resource: API });
    const { payload } = await jwtVerify(tokens.access_token, jwks, { issuer: t.url, audience: API, typ: "at+jwt" });
    expect(payload.sub).toBe(rp.clientMetadata().client_id);
    expect(payload.amr).toBeUndefined();
    await expect(client.clientCredentialsGrant(rp, { resource: "https://not-registered.example.test" })).rejects.toMatchObject({
      error: "invalid_target",
    });
  });

  it("RP-initiated logout ends the session and returns to the registered URI", async () => {
    const browser = new TestBrowser(t.url);
    const { tokens } = await loginWithCode(rp, browser, REDIRECT, { identifier: user.email, password: user.password });
    const endSession = client.buildEndSessionUrl(rp, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: LOGOUT_REDIRECT,
      state: "bye",
    });
    const confirm = await browser.go(endSession.toString());
    expect(confirm.html).toContain("Yes, sign me out");
    const done = await browser.submit(confirm, "/session/end/confirm", { logout: "yes" }, { stopAt: LOGOUT_REDIRECT });
    expect(done.url).toBe(`${LOGOUT_REDIRECT}?state=bye`);
    // the SSO session is gone: a new authorization asks for the password again
    const verifier = client.randomPKCECodeVerifier();
    const again = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: "openid",
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
    });
    const page = await browser.go(again.toString(), { stopAt: REDIRECT });
    expect(page.html).toContain('name="password"');
  });
});
