// Signing-key rotation: the next key is published before it signs, tokens signed by the old key still verify
// after rotation, other processes pick the change up, and a previous key leaves the JWKS once its tokens
// have expired. Each algorithm (ES256, and RS256 for the clients that ask RS256 ID tokens) has its own keys,
// rotated together.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from "jose";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { createContext } from "../../src/context.ts";
import { discover } from "../helpers/oidc-flow.ts";

const API = "https://api.example.test";

describe("signing key rotation", () => {
  let t: TestApp;
  let rp: client.Configuration;
  const jwks = async () => (await (await fetch(`${t.url}/jwks`)).json()) as JSONWebKeySet;

  beforeAll(async () => {
    t = await startTestApp();
    const { clientId, clientSecret } = await t.createClient({
      name: "CC",
      type: "confidential",
      grantTypes: ["client_credentials"],
      resources: [API],
    });
    rp = await discover(t.url, clientId, clientSecret);
  });
  afterAll(async () => {
    await t?.close();
  });

  const es256 = async () => (await t.app.services.keys.list()).filter((k) => k.alg === "ES256");

  it("starts with a current key and a published next key per algorithm; only the current ES256 key signs access tokens", async () => {
    const all = await t.app.services.keys.list();
    for (const alg of ["ES256", "RS256"])
      expect(
        all
          .filter((k) => k.alg === alg)
          .map((k) => k.state)
          .sort(),
        alg,
      ).toEqual(["current", "next"]);
    expect(all).toHaveLength(4);
    const keys = await es256();
    const published = (await jwks()).keys.map((k) => k.kid);
    expect(published.sort()).toEqual(all.map((k) => k.id).sort());
    expect((await jwks()).keys.filter((k) => k.kty === "RSA").map((k) => k.alg)).toEqual(["RS256", "RS256"]);
    for (const k of (await jwks()).keys) expect(k).not.toHaveProperty("d"); // public halves only
    const { access_token } = await client.clientCredentialsGrant(rp, { resource: API });
    expect(decodeProtectedHeader(access_token).kid).toBe(keys.find((k) => k.state === "current")!.id);
  });

  it("after rotation the next key signs and tokens from the old key still verify", async () => {
    const before = await client.clientCredentialsGrant(rp, { resource: API });
    const oldKid = decodeProtectedHeader(before.access_token).kid;
    const nextKid = (await es256()).find((k) => k.state === "next")!.id;
    const nextRsaKid = (await t.app.services.keys.list()).find((k) => k.state === "next" && k.alg === "RS256")!.id;

    // a second process sharing the database, e.g. another replica, rotates
    const other = await createContext(t.config);
    await other.services.keys.rotate();
    await other.close();

    await t.app.oidc.refreshKeys(); // what the KEY_REFRESH_SECONDS poll does
    const after = await client.clientCredentialsGrant(rp, { resource: API });
    expect(decodeProtectedHeader(after.access_token).kid).toBe(nextKid);

    const set = createLocalJWKSet(await jwks());
    await expect(jwtVerify(before.access_token, set, { issuer: t.url, audience: API })).resolves.toBeTruthy();
    await expect(jwtVerify(after.access_token, set, { issuer: t.url, audience: API })).resolves.toBeTruthy();
    const states = Object.fromEntries((await t.app.services.keys.list()).map((k) => [k.id, k.state]));
    expect(states[oldKid!]).toBe("previous");
    expect(states[nextKid]).toBe("current");
    expect(states[nextRsaKid]).toBe("current"); // the RS256 keys rotated with them
    expect(Object.values(states).filter((s) => s === "next")).toHaveLength(2);
    expect(Object.values(states).filter((s) => s === "current")).toHaveLength(2);
  });

  it("a previous key is retired from the JWKS once every token it signed has expired", async () => {
    const previous = (await es256()).find((k) => k.state === "previous")!;
    expect(previous.retireAfter!.getTime()).toBeGreaterThan(Date.now() + t.config.tokens.accessTokenTtl * 1000);
    await t.app.db.prisma.signingKey.update({ where: { id: previous.id }, data: { retireAfter: new Date(Date.now() - 1000) } });
    expect(await t.app.oidc.refreshKeys()).toBe(true);
    expect((await jwks()).keys.map((k) => k.kid)).not.toContain(previous.id);
    expect((await t.app.services.keys.list()).find((k) => k.id === previous.id)!.state).toBe("retired");
  });
});
