// JWT access tokens after the user is gone (#14 item 11): oidc-provider stores no JWT access token, so its
// introspection endpoint refused them (unsupported_token_type). Gatehouse now introspects them itself: the
// signature against its keys, then the grant behind the token (revoked by a disable, "sign out everywhere", a
// session revoke or a logout), the user (disabled or gone) and the client. Also: a resource with its own, shorter
// access-token lifetime (RESOURCE_ACCESS_TOKEN_TTL).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { decodeJwt } from "jose";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover, loginWithCode, signInThroughPages } from "../helpers/oidc-flow.ts";

const REDIRECT = "https://rp.example.test/callback";
const API = "https://api.example.test";
const SHORT = "https://payments.example.test";

describe("introspection of JWT access tokens", () => {
  let t: TestApp;
  let rp: client.Configuration;
  let other: client.Configuration;
  let actor: { actorId: string; via: "api" };

  // the app's clock, which the expiry test moves past a token's exp
  let ahead = 0;
  const clock = { now: () => new Date(Date.now() + ahead * 1000), epoch: () => Math.floor(Date.now() / 1000) + ahead };

  beforeAll(async () => {
    t = await startTestApp({ RESOURCE_SERVERS: `${API},${SHORT}`, RESOURCE_ACCESS_TOKEN_TTL: `${SHORT}=120` }, { clock });
    const grantTypes: ["authorization_code", "refresh_token", "client_credentials"] = [
      "authorization_code",
      "refresh_token",
      "client_credentials",
    ];
    const c = await t.createClient({ name: "Shop", type: "confidential", redirectUris: [REDIRECT], grantTypes, resources: [API, SHORT] });
    rp = await discover(t.url, c.clientId, c.clientSecret);
    // a resource server introspecting with its own credentials
    const rs = await t.createClient({ name: "Orders API", type: "confidential", grantTypes: ["client_credentials"], resources: [API] });
    other = await discover(t.url, rs.clientId, rs.clientSecret);
    const admin = await t.createUser();
    await t.app.services.systemRoles.setUserRole(admin.id, "super_admin");
    actor = { actorId: admin.id, via: "api" };
  });
  afterAll(async () => {
    await t?.close();
  });

  const signIn = async (resource = API) => {
    const user = await t.createUser();
    const { tokens } = await loginWithCode(
      rp,
      new TestBrowser(t.url),
      REDIRECT,
      { identifier: user.email, password: user.password },
      { resource },
    );
    return { user, tokens };
  };

  it("a token is inactive from its exp on by the issuer's clock, with no leeway (RFC 7662)", async () => {
    const { tokens } = await signIn(SHORT);
    const { exp } = decodeJwt(tokens.access_token);
    try {
      ahead = exp! - Math.floor(Date.now() / 1000) - 2; // two seconds before exp
      expect((await client.tokenIntrospection(other, tokens.access_token)).active).toBe(true);
      ahead += 2; // at exp
      expect(await client.tokenIntrospection(other, tokens.access_token)).toEqual({ active: false });
    } finally {
      ahead = 0;
    }
  });

  it("a live JWT access token is active, with its claims, for the client and for a resource server", async () => {
    const { user, tokens } = await signIn();
    const claims = decodeJwt(tokens.access_token);
    for (const caller of [rp, other]) {
      const answer = await client.tokenIntrospection(caller, tokens.access_token);
      expect(answer).toMatchObject({
        active: true,
        sub: user.id,
        client_id: rp.clientMetadata().client_id,
        aud: API,
        iss: t.url,
        exp: claims.exp,
        iat: claims.iat,
        token_type: "Bearer",
      });
      expect(answer.sid).toBe(claims.sid);
    }
  });

  it("is inactive once an admin disables the user", async () => {
    const { user, tokens } = await signIn();
    expect((await client.tokenIntrospection(other, tokens.access_token)).active).toBe(true);
    expect(await t.app.services.userAdmin.disable(user.id, actor)).toMatchObject({ outcome: "disabled" });
    expect(await client.tokenIntrospection(other, tokens.access_token)).toEqual({ active: false });
    expect(await client.tokenIntrospection(rp, tokens.access_token)).toEqual({ active: false });
  });

  it("is inactive after sign out everywhere (the account stays usable)", async () => {
    const { user, tokens } = await signIn();
    expect((await client.tokenIntrospection(other, tokens.access_token)).active).toBe(true);
    expect(await t.app.services.userAdmin.signOutEverywhere(user.id, actor)).toMatchObject({ outcome: "signed_out" });
    expect(await client.tokenIntrospection(other, tokens.access_token)).toEqual({ active: false });
  });

  it("is inactive once the user's session is revoked", async () => {
    const { user, tokens } = await signIn();
    const [session] = await t.app.services.sessions.listActive(user.id);
    await t.app.services.sessions.revoke(user.id, session!.id, { reason: "revoked" });
    expect(await client.tokenIntrospection(other, tokens.access_token)).toEqual({ active: false });
  });

  it("a token of a session-bound grant (no offline_access) is inactive once the user signs out", async () => {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: "openid",
      resource: API,
      state: "s",
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
    });
    const { callback } = await signInThroughPages(browser, url.toString(), REDIRECT, { identifier: user.email, password: user.password });
    const tokens = await client.authorizationCodeGrant(rp, new URL(callback), { pkceCodeVerifier: verifier, expectedState: "s" });
    expect((await client.tokenIntrospection(other, tokens.access_token)).active).toBe(true);
    const confirm = await browser.go(client.buildEndSessionUrl(rp, { id_token_hint: tokens.id_token! }).toString());
    await browser.submit(confirm, "/session/end/confirm", { logout: "yes" });
    expect(await client.tokenIntrospection(other, tokens.access_token)).toEqual({ active: false });
  });

  it("a public client may introspect only its own tokens", async () => {
    const { tokens } = await signIn();
    const pub = await t.createClient({ name: "Phone app", type: "public", redirectUris: ["https://phone.example.test/cb"] });
    expect(await client.tokenIntrospection(await discover(t.url, pub.clientId, null), tokens.access_token)).toEqual({ active: false });
  });

  it("anything but a valid access token of this issuer is inactive, never an error", async () => {
    const { tokens } = await signIn();
    const [header, payload, signature] = tokens.access_token.split(".");
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...decodeJwt(tokens.access_token), sub: "someone-else" })).toString("base64url")}.${signature}`;
    for (const token of [tokens.id_token!, forged, `${header}.${payload}.`]) {
      expect(await client.tokenIntrospection(other, token)).toEqual({ active: false });
    }
  });

  it("a client_credentials JWT is active for its client", async () => {
    const cc = await client.clientCredentialsGrant(other, { resource: API });
    expect(await client.tokenIntrospection(other, cc.access_token)).toMatchObject({
      active: true,
      sub: other.clientMetadata().client_id,
      client_id: other.clientMetadata().client_id,
    });
  });

  it("a resource with a shorter lifetime gets access tokens that expire then; others keep ACCESS_TOKEN_TTL", async () => {
    const short = decodeJwt((await signIn(SHORT)).tokens.access_token);
    expect(short.aud).toBe(SHORT);
    expect(short.exp! - short.iat!).toBe(120);
    const normal = decodeJwt((await signIn(API)).tokens.access_token);
    expect(normal.exp! - normal.iat!).toBe(t.config.tokens.accessTokenTtl);
    const cc = decodeJwt((await client.clientCredentialsGrant(rp, { resource: SHORT })).access_token);
    expect(cc.exp! - cc.iat!).toBe(120);
  });
});
