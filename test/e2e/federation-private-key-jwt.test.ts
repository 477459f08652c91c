// private_key_jwt at the upstream's token endpoint (#17 item 1) end to end: a real second oidc-provider on loopback
// whose client "gh-keyed" authenticates with private_key_jwt and whose jwks_uri is Gatehouse's own
// /federation/keyed/jwks; openid-client as the relying party. A user signs in through it with no client secret
// anywhere; another connector's key (same client id) is refused by the upstream and the sign-in ends on the clear
// failure page, creating nothing; the published JWKS holds only public parts; rotation publishes the new key at
// once, signs with it only ten minutes later (no sign-in breaks meanwhile), and removing the old ones leaves it; the API answers with the JWKS URL and validates the secret
// only for the secret methods. A client_secret_basic connector signs in too.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { startTestApp, uniqueEmail, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { startUpstreamIdp, type UpstreamIdp } from "../helpers/upstream-idp.ts";
import { setUpAdminApi, type AdminApi } from "../helpers/api.ts";
import { connectorView } from "../../src/services/federation/connector-view.ts";

const REDIRECT = "https://rp.example.test/cb";
const CLI = { actorId: "cli", via: "cli" as const };
const KEYED_CLIENT = "gh-keyed";

describe("private_key_jwt at the upstream's token endpoint", () => {
  let t: TestApp;
  let idp: UpstreamIdp;
  let rp: client.Configuration;
  let api: AdminApi;
  let keyedId: string;

  beforeAll(async () => {
    t = await startTestApp({ FEDERATION_UPSTREAM_TIMEOUT: "5" });
    const cb = (slug: string) => `${t.url}/federation/${slug}/callback`;
    idp = await startUpstreamIdp([cb("company")], { sub: "kj-1", email: uniqueEmail("keyed"), email_verified: true, name: "Kay Jay" }, [
      {
        client_id: KEYED_CLIENT,
        redirect_uris: [cb("keyed"), cb("impostor")],
        response_types: ["code"],
        grant_types: ["authorization_code"],
        token_endpoint_auth_method: "private_key_jwt",
        token_endpoint_auth_signing_alg: "ES256",
        jwks_uri: `${t.url}/federation/keyed/jwks`,
      },
      {
        client_id: "basic-client",
        client_secret: "basic-secret-0123456789",
        redirect_uris: [cb("basic")],
        response_types: ["code"],
        grant_types: ["authorization_code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ]);
    const make = async (input: Parameters<TestApp["app"]["services"]["connectors"]["create"]>[0]) => {
      const made = await t.app.services.connectors.create(input, CLI);
      if (made.outcome !== "created") throw new Error(JSON.stringify(made));
      return made.connector;
    };
    // no client secret: the upstream knows Gatehouse by the key published at /federation/keyed/jwks
    keyedId = (
      await make({
        slug: "keyed",
        name: "Keyed",
        kind: "oidc",
        issuer: idp.issuer,
        clientId: KEYED_CLIENT,
        tokenAuthMethod: "private_key_jwt",
        trustEmailVerified: true,
      })
    ).id;
    // the same client id with its own key pair, which the upstream has never seen
    await make({
      slug: "impostor",
      name: "Impostor",
      kind: "oidc",
      issuer: idp.issuer,
      clientId: KEYED_CLIENT,
      tokenAuthMethod: "private_key_jwt",
      trustEmailVerified: true,
    });
    await make({
      slug: "basic",
      name: "Basic",
      kind: "oidc",
      issuer: idp.issuer,
      clientId: "basic-client",
      clientSecret: "basic-secret-0123456789",
      tokenAuthMethod: "client_secret_basic",
      trustEmailVerified: true,
    });
    await make({
      slug: "company",
      name: "Company",
      kind: "oidc",
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      trustEmailVerified: true,
    });
    const { clientId, clientSecret } = await t.createClient({
      name: "Keyed RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty: true,
    });
    rp = await discover(t.url, clientId, clientSecret);
    api = await setUpAdminApi(t);
  }, 60_000);
  afterAll(async () => {
    await idp?.close();
    await t?.close();
  });

  async function signInVia(slug: string) {
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
    const login = await browser.go(url.href, { stopAt: REDIRECT });
    const page = await browser.submit(login, `/federation/${slug}`, {}, { stopAt: REDIRECT });
    const tokens = () =>
      client.authorizationCodeGrant(rp, new URL(page.url), {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
    return { page, tokens };
  }
  const connectorKeys = (row: Parameters<typeof connectorView>[0]) =>
    connectorView(row).signingKeys.map(({ kid, current, signsFrom }) => ({ kid, current, signsFrom }));
  const jwksOf = async (slug: string) => {
    const res = await fetch(`${t.url}/federation/${slug}/jwks`);
    return { res, text: await res.text() };
  };

  it("publishes only the connector's public key, cacheable; no private part; the stored private key is encrypted", async () => {
    const { res, text } = await jwksOf("keyed");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/jwk-set\+json/);
    expect(res.headers.get("cache-control")).toMatch(/public/);
    const jwks = JSON.parse(text) as { keys: Record<string, string>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
    expect(Object.keys(jwks.keys[0]!).sort()).toEqual(["alg", "crv", "kid", "kty", "use", "x", "y"]);
    expect(text).not.toContain('"d"');
    const row = (await t.app.services.connectors.find(keyedId))!;
    expect(row.clientKeys[0]!.kid).toBe(jwks.keys[0]!.kid);
    expect(row.clientKeys[0]!.privateEncrypted).toMatch(/^v1\./);
    expect(JSON.stringify(row.clientKeys)).not.toContain('"d"');
    expect(row.clientSecretEncrypted).toBe("");
    // another connector's set is its own key only
    const other = JSON.parse((await jwksOf("impostor")).text) as { keys: { kid: string }[] };
    expect(other.keys.map((k) => k.kid)).not.toContain(jwks.keys[0]!.kid);
    // a connector with a client secret, or none at all: nothing published
    expect((await jwksOf("company")).res.status).toBe(404);
    expect((await jwksOf("nobody")).res.status).toBe(404);
  });

  it("a user signs in to the relying party through the private_key_jwt connector", async () => {
    const { page, tokens } = await signInVia("keyed");
    expect(page.url.startsWith(REDIRECT)).toBe(true);
    const claims = (await tokens()).claims()!;
    expect(claims.idp).toBe("keyed");
    expect(claims.amr).toContain("fed");
    const user = await t.app.db.prisma.user.findUniqueOrThrow({ where: { id: String(claims.sub) } });
    expect(user).toMatchObject({ email: idp.user.email, emailVerified: true });
    expect(await t.app.db.prisma.linkedIdentity.count({ where: { userId: user.id, connectorId: keyedId, subject: "kj-1" } })).toBe(1);
  });

  it("client_secret_basic: the secret goes as HTTP Basic to an upstream that registered the client so", async () => {
    const saved = idp.user;
    idp.user = { sub: "kj-basic", email: uniqueEmail("basic"), email_verified: true };
    try {
      const { page, tokens } = await signInVia("basic");
      expect(page.url.startsWith(REDIRECT)).toBe(true);
      expect((await tokens()).claims()!.idp).toBe("basic");
    } finally {
      idp.user = saved;
    }
  });

  it("another connector's key is refused by the upstream: the clear failure page, nothing created or linked, audited", async () => {
    const saved = idp.user;
    idp.user = { sub: "kj-impostor", email: uniqueEmail("impostor"), email_verified: true };
    try {
      const { page } = await signInVia("impostor");
      expect(page.url.startsWith(REDIRECT)).toBe(false);
      expect(page.status).toBe(400);
      expect(page.html).toContain("its answer could not be accepted");
      expect(await t.app.db.prisma.user.count({ where: { emailNormalized: idp.user.email.toLowerCase() } })).toBe(0);
      expect(await t.app.db.prisma.linkedIdentity.count({ where: { subject: "kj-impostor" } })).toBe(0);
      const failed = await t.app.db.prisma.auditEvent.findMany({
        where: { type: "login.failed", data: { path: ["connector"], equals: "impostor" } },
      });
      expect(failed.map((e) => (e.data as { reason: string }).reason)).toEqual(["upstream.token_invalid"]);
      expect((failed[0]!.data as { detail: string }).detail).toMatch(/invalid_client|client authentication/i);
    } finally {
      idp.user = saved;
    }
  });

  it("rotation: the new key is published at once and signs only ten minutes later; old keys removed on demand", async () => {
    const a = (await t.app.services.connectors.find(keyedId))!.clientKeys[0]!.kid;
    expect((await t.app.services.connectors.rotateKey(keyedId, CLI)).outcome).toBe("updated");
    const both = JSON.parse((await jwksOf("keyed")).text) as { keys: { kid: string }[] };
    expect(both.keys.map((k) => k.kid)).toEqual([expect.any(String), a]);
    const b = both.keys[0]!.kid;
    expect(b).not.toBe(a);
    let row = (await t.app.services.connectors.find(keyedId))!;
    expect((await t.app.services.connectors.signingKeyOf(row)).kid).toBe(a);
    // the upstream still holds the set it fetched before the rotation (only a): the old key signs, no outage
    expect((await signInVia("keyed")).page.url.startsWith(REDIRECT)).toBe(true);
    // nothing older than the signing key yet: the waiting new key and the signing one both stay
    await t.app.services.connectors.removeOldKeys(keyedId, CLI);
    expect((await t.app.services.connectors.find(keyedId))!.clientKeys.map((k) => k.kid)).toEqual([b, a]);

    // ten minutes on (b's publication backdated): b signs
    const backdated = row.clientKeys.map((k) => (k.kid === b ? { ...k, createdAt: new Date(Date.now() - 11 * 60_000).toISOString() } : k));
    await t.app.db.prisma.upstreamConnector.update({ where: { id: keyedId }, data: { clientKeys: backdated } });
    row = (await t.app.services.connectors.find(keyedId))!;
    expect((await t.app.services.connectors.signingKeyOf(row)).kid).toBe(b);
    expect(connectorKeys(row)).toEqual([
      { kid: b, current: true, signsFrom: null },
      { kid: a, current: false, signsFrom: null },
    ]);
    expect((await t.app.services.connectors.removeOldKeys(keyedId, CLI)).outcome).toBe("updated");
    expect(JSON.parse((await jwksOf("keyed")).text).keys.map((k: { kid: string }) => k.kid)).toEqual([b]);
    const audit = await t.app.db.prisma.auditEvent.findMany({
      where: { type: { in: ["connector.key_rotated", "connector.keys_removed"] } },
      orderBy: { id: "asc" },
    });
    expect(audit.map((e) => e.type)).toEqual(["connector.key_rotated", "connector.keys_removed", "connector.keys_removed"]);
    expect(audit[2]!.data).toMatchObject({ kids: [b], removed: [a] });

    // an upstream that fetches the set now (only b) accepts the sign-in: b is what signs
    const fresh = await startUpstreamIdp([], idp.user, [
      {
        client_id: KEYED_CLIENT,
        redirect_uris: [`${t.url}/federation/keyed/callback`],
        response_types: ["code"],
        grant_types: ["authorization_code"],
        token_endpoint_auth_method: "private_key_jwt",
        token_endpoint_auth_signing_alg: "ES256",
        jwks_uri: `${t.url}/federation/keyed/jwks`,
      },
    ]);
    try {
      await t.app.services.connectors.update(keyedId, { issuer: fresh.issuer }, CLI);
      expect((await signInVia("keyed")).page.url.startsWith(REDIRECT)).toBe(true);
    } finally {
      await t.app.services.connectors.update(keyedId, { issuer: idp.issuer }, CLI);
      await fresh.close();
    }
  });

  it("the API: a private_key_jwt connector needs no secret and answers its JWKS URL; the secret methods still need one; rotation", async () => {
    const made = await api.call("POST", "/api/v1/connectors", api.admin.token, {
      slug: "api-keyed",
      name: "API keyed",
      kind: "oidc",
      issuer: idp.issuer,
      clientId: "x",
      tokenAuthMethod: "private_key_jwt",
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      tokenAuthMethod: "private_key_jwt",
      hasSecret: false,
      jwksUri: `${t.url}/federation/api-keyed/jwks`,
    });
    expect(made.text).not.toContain("privateEncrypted");
    expect(made.body.signingKeys).toEqual([expect.objectContaining({ current: true })]);
    const id = made.body.id as string;
    const rotated = await api.call("POST", `/api/v1/connectors/${id}/rotate-key`, api.admin.token);
    expect(rotated.status).toBe(200);
    expect((rotated.body.signingKeys as unknown[]).length).toBe(2);
    // back to a secret method without a secret: refused, nothing changed
    const noSecret = await api.call("PATCH", `/api/v1/connectors/${id}`, api.admin.token, { tokenAuthMethod: "client_secret_basic" });
    expect(noSecret.status).toBe(400);
    expect(JSON.stringify(noSecret.body)).toContain("clientSecret");
    expect((await t.app.services.connectors.find(id))!.tokenAuthMethod).toBe("private_key_jwt");
    const basic = await api.call("PATCH", `/api/v1/connectors/${id}`, api.admin.token, {
      tokenAuthMethod: "client_secret_basic",
      clientSecret: "now-a-secret",
    });
    expect(basic.status).toBe(200);
    expect(basic.body).toMatchObject({ tokenAuthMethod: "client_secret_basic", hasSecret: true, jwksUri: null });
    const plain = await api.call("POST", "/api/v1/connectors", api.admin.token, {
      slug: "api-plain",
      name: "Plain",
      kind: "oidc",
      issuer: idp.issuer,
      clientId: "x",
    });
    expect(plain.status).toBe(400);
    const oauth2 = await api.call("POST", "/api/v1/connectors", api.admin.token, {
      slug: "api-oauth2",
      name: "OAuth",
      kind: "oauth2",
      clientId: "x",
      tokenAuthMethod: "private_key_jwt",
      claimsMapping: { subject: "id" },
      authorizationEndpoint: `${idp.issuer}/auth`,
      tokenEndpoint: `${idp.issuer}/token`,
      userinfoEndpoint: `${idp.issuer}/me`,
    });
    expect(oauth2.status).toBe(400);
    expect(JSON.stringify(oauth2.body)).toContain("tokenAuthMethod");
    expect(await t.app.db.prisma.upstreamConnector.count({ where: { slug: { in: ["api-plain", "api-oauth2"] } } })).toBe(0);
  });
});
