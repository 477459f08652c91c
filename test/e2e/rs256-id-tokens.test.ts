// RS256 beside ES256 (#14 item 13): discovery offers both for ID tokens (OpenID Connect requires RS256 among
// them), the JWKS publishes RS256 keys, ES256 stays every client's default and signs access tokens, and a client
// set to RS256 (admin API, pages, CLI) gets RS256 ID tokens that openid-client and jose verify against the JWKS.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";
import { setUpAdminApi, type AdminApi } from "../helpers/api.ts";

const REDIRECT = "https://rs256.example.test/cb";

describe("RS256 ID tokens for the clients that ask", () => {
  let t: TestApp;
  let a: AdminApi;

  beforeAll(async () => {
    t = await startTestApp();
    a = await setUpAdminApi(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  const signIn = async (clientId: string, secret: string) => {
    const user = await t.createUser();
    const rp = await discover(t.url, clientId, secret);
    return (await loginWithCode(rp, new TestBrowser(t.url), REDIRECT, { identifier: user.email, password: user.password })).tokens;
  };
  const register = async (extra: Record<string, unknown>) => {
    const res = await a.call("POST", "/api/v1/clients", a.admin.token, {
      name: "RS app",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty: true,
      ...extra,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return {
      id: (res.body.client as { id: string }).id,
      secret: res.body.secret as string,
      client: res.body.client as Record<string, unknown>,
    };
  };

  it("discovery offers ES256 first and RS256; the JWKS has RS256 public keys", async () => {
    const doc = (await (await fetch(`${t.url}/.well-known/openid-configuration`)).json()) as {
      id_token_signing_alg_values_supported: string[];
    };
    expect(doc.id_token_signing_alg_values_supported).toEqual(["ES256", "RS256"]);
    const { keys } = (await (await fetch(`${t.url}/jwks`)).json()) as { keys: Record<string, unknown>[] };
    const rsa = keys.filter((k) => k.kty === "RSA");
    expect(rsa.length).toBeGreaterThanOrEqual(1);
    for (const k of rsa) {
      expect(k.alg).toBe("RS256");
      for (const secret of ["d", "p", "q", "dp", "dq", "qi"]) expect(k).not.toHaveProperty(secret);
    }
  });

  it("a client set to RS256 gets RS256 ID tokens that verify against the JWKS; its access tokens stay ES256; others stay ES256", async () => {
    const rs = await register({ idTokenSigningAlg: "RS256" });
    expect(rs.client.idTokenSigningAlg).toBe("RS256");
    const tokens = await signIn(rs.id, rs.secret);
    expect(decodeProtectedHeader(tokens.id_token!).alg).toBe("RS256");
    const jwks = createRemoteJWKSet(new URL(`${t.url}/jwks`));
    const { payload } = await jwtVerify(tokens.id_token!, jwks, { issuer: t.url, audience: rs.id, algorithms: ["RS256"] });
    expect(payload.sub).toBeTruthy();

    const es = await register({});
    expect(es.client.idTokenSigningAlg).toBeNull();
    expect(decodeProtectedHeader((await signIn(es.id, es.secret)).id_token!).alg).toBe("ES256");
  });

  it("PATCH switches a client to RS256 and back; an algorithm that is not offered is 400 and changes nothing", async () => {
    const c = await register({});
    const set = await a.call("PATCH", `/api/v1/clients/${c.id}`, a.admin.token, { idTokenSigningAlg: "RS256" });
    expect(set.status).toBe(200);
    expect(decodeProtectedHeader((await signIn(c.id, c.secret)).id_token!).alg).toBe("RS256");
    // another field's change keeps it
    expect((await a.call("PATCH", `/api/v1/clients/${c.id}`, a.admin.token, { name: "Renamed" })).body.idTokenSigningAlg).toBe("RS256");
    for (const bad of ["HS256", "none", "ES384"]) {
      const res = await a.call("PATCH", `/api/v1/clients/${c.id}`, a.admin.token, { idTokenSigningAlg: bad });
      expect(res.status, bad).toBe(400);
    }
    expect((await t.app.db.prisma.oidcClient.findUniqueOrThrow({ where: { id: c.id } })).idTokenSigningAlg).toBe("RS256");
    expect(
      (await a.call("PATCH", `/api/v1/clients/${c.id}`, a.admin.token, { idTokenSigningAlg: null })).body.idTokenSigningAlg,
    ).toBeNull();
    expect(decodeProtectedHeader((await signIn(c.id, c.secret)).id_token!).alg).toBe("ES256");
  });
});
