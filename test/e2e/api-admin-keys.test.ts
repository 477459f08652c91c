// The provider admin API for signing keys (/api/v1/keys, /api/v1/keys/rotate) against a real Gatehouse: the list
// has each key's kid, alg, state and dates and no key material; rotating answers the new current kid, this
// process signs new tokens with it at once, the JWKS publishes the new next key, a token signed before still
// verifies (and still calls the API); audited with the admin as actor. No token 401, a client token 403, a user
// without a system role or with one lacking gatehouse.admin.keys.manage 403, and the keys stay as they were.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from "jose";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { refusals, setUpAdminApi, type AdminApi, type Json } from "../helpers/api.ts";

type Key = Json & { kid: string; state: string; alg: string };
const FIELDS = ["activatedAt", "alg", "createdAt", "deactivatedAt", "kid", "published", "retireAfter", "state"];

describe("admin signing keys API", () => {
  let t: TestApp;
  let a: AdminApi;
  const jwks = async () => (await (await fetch(`${t.url}/jwks`)).json()) as JSONWebKeySet;
  const clientToken = async () => (await client.clientCredentialsGrant(a.rp, { resource: a.api })).access_token;
  // the states of the ES256 keys (access tokens, the default ID tokens); the RS256 keys rotate with them
  const stateOf = (keys: Key[]) => Object.fromEntries(keys.filter((k) => k.alg === "ES256").map((k) => [k.kid, k.state]));
  const fingerprint = async () =>
    (await t.app.services.keys.list())
      .map((k) => `${k.id}:${k.state}`)
      .sort()
      .join(",");

  beforeAll(async () => {
    t = await startTestApp();
    a = await setUpAdminApi(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("lists the keys (kid, alg, state, dates; never key material), newest first", async () => {
    const res = await a.call("GET", "/api/v1/keys", a.admin.token);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const keys = res.body.keys as Key[];
    const rows = await t.app.services.keys.list();
    expect(keys.map((k) => k.kid)).toEqual(rows.map((k) => k.id));
    for (const alg of ["ES256", "RS256"])
      expect(
        keys
          .filter((k) => k.alg === alg)
          .map((k) => k.state)
          .sort(),
        alg,
      ).toEqual(["current", "next"]);
    expect(keys).toHaveLength(4);
    for (const k of keys) expect(Object.keys(k).sort()).toEqual(FIELDS);
    expect(keys.find((k) => k.state === "current" && k.alg === "ES256")).toMatchObject({
      published: true,
      activatedAt: expect.any(String),
      deactivatedAt: null,
    });
    const text = JSON.stringify(res.body);
    for (const r of rows) expect(text).not.toContain(r.privateJwkEncrypted);
    expect(text).not.toMatch(/"(d|p|q|dp|dq|qi|x|y|n|k)":/);
    expect(res.body.nextCursor).toBeNull();
    const paged = await a.call("GET", "/api/v1/keys?limit=1", a.admin.token);
    expect((paged.body.keys as Key[]).map((k) => k.kid)).toEqual([keys[0]!.kid]);
    const rest = await a.call("GET", `/api/v1/keys?limit=1&cursor=${paged.body.nextCursor}`, a.admin.token);
    expect((rest.body.keys as Key[]).map((k) => k.kid)).toEqual([keys[1]!.kid]);
    expect((await a.call("GET", "/api/v1/keys?cursor=nonsense!", a.admin.token)).status).toBe(400);
  });

  it("rotates: the former next key signs new tokens at once, the JWKS has the new next key, old tokens still verify; audited", async () => {
    const before = stateOf((await a.call("GET", "/api/v1/keys", a.admin.token)).body.keys as Key[]);
    const current = Object.keys(before).find((k) => before[k] === "current")!;
    const next = Object.keys(before).find((k) => before[k] === "next")!;
    const oldToken = await clientToken();
    expect(decodeProtectedHeader(oldToken).kid).toBe(current);

    const res = await a.call("POST", "/api/v1/keys/rotate", a.admin.token);
    expect(res.status).toBe(200);
    expect(res.body.current).toBe(next);
    const published = stateOf(res.body.keys as Key[]);
    expect(published[next]).toBe("current");
    expect(published[current]).toBe("previous");
    const fresh = Object.keys(published).find((k) => published[k] === "next")!;
    expect(fresh).toBeTruthy();
    expect(before[fresh]).toBeUndefined();

    const set = await jwks();
    expect(
      set.keys
        .filter((k) => k.alg === "ES256")
        .map((k) => k.kid)
        .sort(),
    ).toEqual([current, next, fresh].sort());
    const rsa = (res.body.keys as Key[]).filter((k) => k.alg === "RS256");
    expect(rsa.map((k) => k.state).sort()).toEqual(["current", "next", "previous"]); // rotated together
    const newToken = await clientToken();
    expect(decodeProtectedHeader(newToken).kid).toBe(next);
    const keySet = createLocalJWKSet(set);
    await expect(jwtVerify(oldToken, keySet, { issuer: t.url })).resolves.toBeTruthy();
    await expect(jwtVerify(newToken, keySet, { issuer: t.url })).resolves.toBeTruthy();
    // the admin's token (signed by the former current key) still works, and so does one signed by the new key
    expect((await a.call("GET", "/api/v1/keys", a.admin.token)).status).toBe(200);
    const newAdminToken = await a.userToken(a.admin);
    expect(decodeProtectedHeader(newAdminToken).kid).toBe(next);
    expect(stateOf((await a.call("GET", "/api/v1/keys", newAdminToken)).body.keys as Key[])).toMatchObject({
      [next]: "current",
      [current]: "previous",
      [fresh]: "next",
    });

    const audit = await t.app.db.prisma.auditEvent.findMany({ where: { type: "keys.rotated" } });
    expect(audit).toEqual([
      expect.objectContaining({ actorId: a.admin.id, outcome: "success", data: expect.objectContaining({ current: next, via: "api" }) }),
    ]);
  });

  it("refuses every lower caller (401 / 403) and the keys stay as they were", async () => {
    const clientsAdmin = await a.roleToken(["gatehouse.admin.clients.manage", "gatehouse.admin.audit.read"]);
    const before = await fingerprint();
    const rotations = await t.app.db.prisma.auditEvent.count({ where: { type: "keys.rotated" } });
    const problems = await refusals(
      a,
      clientsAdmin.token,
      [
        ["GET", "/api/v1/keys"],
        ["POST", "/api/v1/keys/rotate"],
      ],
      "gatehouse.admin.keys.manage",
    );
    expect(problems).toEqual([]);
    expect(await fingerprint()).toBe(before);
    expect(await t.app.db.prisma.auditEvent.count({ where: { type: "keys.rotated" } })).toBe(rotations);
  });
});
