// The resource-server helper against tokens made here with jose: what it accepts, and each way a token can be
// wrong (signature, issuer, audience, typ, expiry, nbf, alg none, HS256, keys offered by the token itself).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { SignJWT, exportJWK, generateKeyPair, base64url, type JWK, type CryptoKey } from "jose";
import {
  createResourceServer,
  hasPermission,
  requirePermission,
  wwwAuthenticate,
  InvalidTokenError,
  InsufficientPermissionError,
  type AccessTokenClaims,
} from "../../src/resource-server/index.ts";

const ISSUER = "https://id.example.test";
const AUDIENCE = "https://api.example.test";
const NOW = new Date("2026-12-01T12:00:00Z");
const now = Math.floor(NOW.getTime() / 1000);

let key: CryptoKey;
let publicJwk: JWK;
let attacker: { key: CryptoKey; jwk: JWK };
let jkuServer: http.Server;
let jkuUrl: string;
let jkuHits = 0;

type Sign = { header?: Record<string, unknown>; claims?: Record<string, unknown>; with?: CryptoKey | Uint8Array; alg?: string };

async function token(opts: Sign = {}): Promise<string> {
  const claims = {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: "user-1",
    client_id: "rp-1",
    iat: now - 10,
    exp: now + 300,
    scope: "api",
    jti: "j1",
    ...opts.claims,
  };
  for (const [k, v] of Object.entries(claims)) if (v === undefined) delete (claims as Record<string, unknown>)[k];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: opts.alg ?? "ES256", typ: "at+jwt", kid: "k1", ...opts.header } as never)
    .sign(opts.with ?? key);
}

const server = (extra: Partial<Parameters<typeof createResourceServer>[0]> = {}) =>
  createResourceServer({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [publicJwk] }, currentDate: () => NOW, ...extra });

async function refused(bearer: string | undefined, rs = server()): Promise<InvalidTokenError> {
  const err = await rs.verify(bearer).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InvalidTokenError);
  expect((err as InvalidTokenError).status).toBe(401);
  return err as InvalidTokenError;
}

beforeAll(async () => {
  const pair = await generateKeyPair("ES256", { extractable: true });
  key = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "ES256", use: "sig" };
  const evil = await generateKeyPair("ES256", { extractable: true });
  attacker = { key: evil.privateKey, jwk: { ...(await exportJWK(evil.publicKey)), kid: "evil", alg: "ES256" } };
  // serves the attacker's key set (for jku/x5u) and, at /jwks, the real one (for the default remote key set)
  jkuServer = http.createServer((req, res) => {
    if (req.url === "/jwks") return void res.setHeader("content-type", "application/json").end(JSON.stringify({ keys: [publicJwk] }));
    jkuHits++;
    res.setHeader("content-type", "application/json").end(JSON.stringify({ keys: [attacker.jwk] }));
  });
  await new Promise<void>((resolve) => jkuServer.listen(0, "127.0.0.1", resolve));
  jkuUrl = `http://127.0.0.1:${(jkuServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => jkuServer.close(resolve));
});

describe("createResourceServer().verify", () => {
  it("accepts a Gatehouse access token and returns typed claims", async () => {
    const claims: AccessTokenClaims = await server().verify(
      `Bearer ${await token({ claims: { team: { id: "t1", slug: "acme" }, role: "developer", permissions: ["acme.blog.post.read"], amr: ["pwd", "otp"], sid: "s1" } })}`,
    );
    expect(claims).toMatchObject({
      sub: "user-1",
      client_id: "rp-1",
      scope: "api",
      team: { id: "t1", slug: "acme" },
      role: "developer",
      permissions: ["acme.blog.post.read"],
      amr: ["pwd", "otp"],
      sid: "s1",
    });
    // a bare token works too; no permissions claim means none
    expect((await server().verify(await token())).permissions).toEqual([]);
  });

  it("accepts one of several audiences, and application/at+jwt", async () => {
    expect((await server({ audience: ["https://other.example.test", AUDIENCE] }).verify(await token())).sub).toBe("user-1");
    expect((await server().verify(await token({ header: { typ: "application/at+jwt" } }))).sub).toBe("user-1");
  });

  it("refuses a tampered signature or payload", async () => {
    const good = await token({ claims: { permissions: ["acme.blog.post.read"] } });
    const [h, p, s] = good.split(".") as [string, string, string];
    const flipped = `${s.slice(0, 10)}${s[10] === "A" ? "B" : "A"}${s.slice(11)}`;
    expect((await refused(`${h}.${p}.${flipped}`)).message).toMatch(/signature/);
    const payload = JSON.parse(new TextDecoder().decode(base64url.decode(p)));
    const elevated = base64url.encode(JSON.stringify({ ...payload, permissions: ["*"] }));
    expect((await refused(`${h}.${elevated}.${s}`)).message).toMatch(/signature/);
  });

  it("refuses another issuer, another audience, and tokens that are not access tokens", async () => {
    expect((await refused(await token({ claims: { iss: "https://evil.example.test" } }))).message).toMatch(/not for this service/);
    expect((await refused(await token({ claims: { aud: "https://other-api.example.test" } }))).message).toMatch(/not for this service/);
    expect((await refused(await token({ header: { typ: "JWT" } }))).message).toMatch(/not an access token/);
    expect((await refused(await token({ header: { typ: undefined } }))).message).toMatch(/not an access token/);
    expect((await refused(await token({ claims: { client_id: undefined } }))).message).toMatch(/client_id/);
    expect((await refused(await token({ claims: { permissions: "acme.blog.post.read" } }))).message).toMatch(/permissions/);
    expect((await refused(await token({ claims: { team: "acme" } }))).message).toMatch(/team/);
  });

  it("checks exp and nbf with the leeway (5 seconds by default)", async () => {
    expect((await refused(await token({ claims: { exp: now - 6 } }))).message).toMatch(/expired/);
    expect((await server().verify(await token({ claims: { exp: now - 4 } }))).sub).toBe("user-1");
    expect((await refused(await token({ claims: { nbf: now + 60 } }))).message).toMatch(/not valid yet/);
    expect((await server().verify(await token({ claims: { nbf: now + 4 } }))).sub).toBe("user-1");
    expect((await refused(await token({ claims: { exp: now - 50 } }), server({ clockToleranceSeconds: 30 }))).message).toMatch(/expired/);
    expect((await server({ clockToleranceSeconds: 60 }).verify(await token({ claims: { exp: now - 50 } }))).sub).toBe("user-1");
    expect((await refused(await token({ claims: { exp: undefined } }))).message).toMatch(/exp/);
  });

  it("refuses alg none and HS256 (also with the public key as the HMAC secret)", async () => {
    const b64 = (v: object) => base64url.encode(JSON.stringify(v));
    const claims = { iss: ISSUER, aud: AUDIENCE, sub: "user-1", client_id: "rp-1", iat: now, exp: now + 300, permissions: ["*"] };
    await refused(`${b64({ alg: "none", typ: "at+jwt" })}.${b64(claims)}.`);
    await refused(`${b64({ alg: "none", typ: "at+jwt", kid: "k1" })}.${b64(claims)}.`);
    const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
    expect((await refused(await token({ alg: "HS256", with: secret }))).message).toMatch(/algorithm|signature|invalid/);
    expect(
      (
        await refused(
          await token({ alg: "HS256", with: new Uint8Array(32) }),
          server({ jwks: { keys: [publicJwk, { kty: "oct", k: base64url.encode(new Uint8Array(32)), kid: "k1" }] } }),
        )
      ).message,
    ).toMatch(/algorithm/);
  });

  it("never uses keys the token points to or carries (jku, x5u, jwk headers)", async () => {
    jkuHits = 0;
    await refused(await token({ with: attacker.key, header: { kid: "evil", jku: `${jkuUrl}/keys.json` } }));
    await refused(await token({ with: attacker.key, header: { kid: "evil", x5u: `${jkuUrl}/cert.pem` } }));
    await refused(await token({ with: attacker.key, header: { kid: "k1", jwk: attacker.jwk } }));
    await refused(await token({ with: attacker.key, header: { kid: undefined, jwk: attacker.jwk } }));
    // a real token that names a key set elsewhere still verifies against ours, and nothing is fetched
    expect((await server().verify(await token({ header: { jku: `${jkuUrl}/keys.json` } }))).sub).toBe("user-1");
    expect(jkuHits).toBe(0);
  });

  it("fetches the issuer's /jwks by default", async () => {
    const remote = createResourceServer({ issuer: jkuUrl, audience: AUDIENCE, currentDate: () => NOW });
    expect((await remote.verify(await token({ claims: { iss: jkuUrl } }))).sub).toBe("user-1");
    await refused(await token({ claims: { iss: jkuUrl }, with: attacker.key, header: { kid: "evil" } }), remote);
  });

  it("a missing or non-Bearer Authorization is 'missing' (no error code in WWW-Authenticate)", async () => {
    for (const bearer of [undefined, "", "   ", "Basic dXNlcjpwYXNz"]) {
      const err = await refused(bearer);
      expect(err.missing).toBe(true);
      expect(wwwAuthenticate(err, AUDIENCE)).toBe(`Bearer realm="${AUDIENCE}"`);
    }
    const bad = await refused("Bearer not a token");
    expect(bad.missing).toBe(false);
    expect(wwwAuthenticate(bad)).toBe('Bearer error="invalid_token", error_description="The bearer token is malformed."');
  });

  it("refuses symmetric and empty algorithm lists at construction", () => {
    expect(() => server({ algorithms: ["none"] })).toThrow(TypeError);
    expect(() => server({ algorithms: ["ES256", "HS256"] })).toThrow(/HS256/);
    expect(() => server({ algorithms: [] })).toThrow(TypeError);
    expect(() => createResourceServer({ issuer: ISSUER, audience: "" })).toThrow(TypeError);
  });
});

describe("requirePermission", () => {
  it("understands wildcards: acme.blog.* covers acme.blog's codes, not acme.blogger's", () => {
    const claims = { permissions: ["acme.blog.*", "billing.invoice.read"] };
    expect(() => requirePermission(claims, "acme.blog.post.update")).not.toThrow();
    expect(() => requirePermission(claims, "billing.invoice.read")).not.toThrow();
    expect(hasPermission(claims, "acme.blogger.post.update")).toBe(false);
    expect(hasPermission({ permissions: ["*"] }, "anything.at.all")).toBe(true);
    expect(hasPermission({ permissions: [] }, "acme.blog.post.read")).toBe(false);
    let err: unknown;
    try {
      server().requirePermission(claims, "billing.invoice.update");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InsufficientPermissionError);
    expect(err).toMatchObject({ code: "insufficient_permission", status: 403, permission: "billing.invoice.update" });
    expect(wwwAuthenticate(err as InsufficientPermissionError)).toBe(
      'Bearer error="insufficient_scope", error_description="This needs the permission billing.invoice.update."',
    );
  });
});
