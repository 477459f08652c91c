// The compact form of oidc-provider records in Redis (src/oidc/record-codec.ts): every payload reads back exactly,
// records written before it still read, and the stored text is smaller.
import { describe, it, expect } from "vitest";
import type { AdapterPayload } from "oidc-provider";
import { decodeRecord, encodeRecord } from "../../src/oidc/record-codec.ts";

const jti = "cruPnZvgtgnywTcHlWj5n6UvyMGzfkMCw8AiXMxj0aM";
const session = {
  iat: 1796595528,
  exp: 1796681928,
  uid: "CeWXMKc7L0nMdSSpLdFf6opQYdKjHhbGkgIQ7PBjIPR",
  accountId: "3abc3664-07ed-4f02-b247-d77cde2db75c",
  loginTs: 1796595528,
  amr: ["pwd"],
  acr: "urn:gatehouse:loa:pwd",
  transient: true,
  kind: "Session",
  jti,
  authorizations: {
    hkM6NN16yUza7Lk9qOo36A: {
      sid: "dFRd1pScHX1wYg1IOx9jnZRslUVMrGjdHcxTU67sBvY",
      grantId: "x_K2dDSKojYnj7dSkJ3GjMSqg0Qdj18cUnTt0D62_-o",
      persistsLogout: true,
    },
  },
} as AdapterPayload;
const refreshToken = {
  iat: 1796595529,
  exp: 1797805129,
  accountId: "d5deb702-0b67-4979-b0ed-a59687bc40e2",
  acr: "urn:gatehouse:loa:pwd",
  amr: ["pwd"],
  authTime: 1796595528,
  grantId: "z1ZUtH_PwgctL8T0ZvPLXB4ClkTcTAV3wDb-A7mKnWM",
  gty: "authorization_code",
  nonce: "4w1ncsgN2BH-j5Po",
  rotations: 0,
  scope: "openid profile email offline_access",
  sessionUid: "5FJ5KUcn_bgPlLCQcy_uGX7N7wHQP3-BwaeIR21qogC",
  kind: "RefreshToken",
  jti,
  clientId: "hkM6NN16yUza7Lk9qOo36A",
  iiat: 1796595529,
  resource: "https://api.example.test",
  expiresWithSession: false,
} as AdapterPayload;
const interaction = {
  iat: 1,
  exp: 2,
  returnTo: "https://idp.test/auth/x",
  prompt: { name: "login", reasons: ["no_session"], details: {} },
  params: { client_id: "c", scope: "openid" },
  kind: "Interaction",
  jti,
  result: { login: { accountId: "a" } },
  lastSubmission: { x: 1 },
  session: { uid: "u", cookie: "c" },
} as unknown as AdapterPayload;

describe("record codec", () => {
  it.each([
    ["Session", session],
    ["RefreshToken", refreshToken],
    ["Interaction", interaction],
  ])("reads a %s back exactly, in less space", (model, payload) => {
    const text = encodeRecord(model, jti, payload);
    expect(text.startsWith("~")).toBe(true);
    expect(decodeRecord(model, jti, text)).toEqual(payload);
    expect(text).not.toContain(jti); // the key says it
    expect(text).not.toContain(`"kind"`);
    expect(text.length).toBeLessThan(JSON.stringify(payload).length * 0.8);
  });

  it("reads records written before the compact form", () => {
    expect(decodeRecord("Session", jti, JSON.stringify(session))).toEqual(session);
  });

  it("keeps a kind or jti that differs from the key, and their absence", () => {
    const other = { ...refreshToken, jti: "another" } as AdapterPayload;
    expect(decodeRecord("RefreshToken", jti, encodeRecord("RefreshToken", jti, other))).toEqual(other);
    const { kind: _kind, jti: _jti, ...bare } = refreshToken as Record<string, unknown>;
    expect(decodeRecord("RefreshToken", jti, encodeRecord("RefreshToken", jti, bare as AdapterPayload))).toEqual(bare);
  });

  it("writes a payload with a one-letter field name in full, so nothing can be misread", () => {
    const odd = { ...session, a: "mine" } as AdapterPayload;
    const text = encodeRecord("Session", jti, odd);
    expect(text.startsWith("{")).toBe(true);
    expect(decodeRecord("Session", jti, text)).toEqual(odd);
    const oddAuthorization = { ...session, authorizations: { c1: { g: 1, sid: "s" } } } as unknown as AdapterPayload;
    expect(decodeRecord("Session", jti, encodeRecord("Session", jti, oddAuthorization))).toEqual(oddAuthorization);
  });

  const grant = {
    iat: 1796616862,
    exp: 1799208862,
    accountId: "0042367b-5d62-4703-ac56-bd94d9764694",
    clientId: "t2N6dVhoY0gwOsjBFUuQgw",
    openid: { scope: "openid profile email offline_access", claims: ["email"] },
    kind: "Grant",
    jti,
  } as unknown as AdapterPayload;

  it("shortens iat, exp, uid, amr, acr, gty, sid, a grant's openid scope and Gatehouse's acr prefix", () => {
    const text = encodeRecord("Session", jti, session);
    for (const name of ["iat", "exp", "uid", "amr", "acr", "sid", "urn:gatehouse"]) expect(text).not.toContain(name);
    expect(text).toContain(`"C":"@pwd"`);
    const grantText = encodeRecord("Grant", jti, grant);
    expect(grantText).not.toContain("scope");
    expect(decodeRecord("Grant", jti, grantText)).toEqual(grant);
    expect(encodeRecord("RefreshToken", jti, refreshToken)).not.toContain("gty");
  });

  it("reads records written with the first compact letters (iat, exp, uid, amr, acr, gty, sid in full)", () => {
    // as stored by the compact form of session 10, before the later letters
    const stored =
      '~{"iat":1796595528,"exp":1796681928,"uid":"CeWXMKc7L0nMdSSpLdFf6opQYdKjHhbGkgIQ7PBjIPR","a":"3abc3664-07ed-4f02-b247-d77cde2db75c",' +
      '"l":1796595528,"amr":["pwd"],"acr":"urn:gatehouse:loa:pwd","t":true,"z":{"hkM6NN16yUza7Lk9qOo36A":{"sid":"dFRd1pScHX1wYg1IOx9jnZRslUVMrGjdHcxTU67sBvY",' +
      '"g":"x_K2dDSKojYnj7dSkJ3GjMSqg0Qdj18cUnTt0D62_-o","p":true}}}';
    expect(decodeRecord("Session", jti, stored)).toEqual(session);
    const storedGrant =
      '~{"iat":1796616862,"exp":1799208862,"a":"0042367b-5d62-4703-ac56-bd94d9764694","c":"t2N6dVhoY0gwOsjBFUuQgw",' +
      '"o":{"scope":"openid profile email offline_access","claims":["email"]}}';
    expect(decodeRecord("Grant", jti, storedGrant)).toEqual(grant);
  });

  it("keeps any other acr as it is, and writes one that starts like a shortened acr in full", () => {
    const other = { ...session, acr: "urn:example:gold" } as AdapterPayload;
    expect(decodeRecord("Session", jti, encodeRecord("Session", jti, other))).toEqual(other);
    const odd = { ...session, acr: "@pwd" } as AdapterPayload;
    const text = encodeRecord("Session", jti, odd);
    expect(text.startsWith("{")).toBe(true);
    expect(decodeRecord("Session", jti, text)).toEqual(odd);
    const oddOpenid = { ...grant, openid: { s: "x" } } as unknown as AdapterPayload;
    expect(decodeRecord("Grant", jti, encodeRecord("Grant", jti, oddOpenid))).toEqual(oddOpenid);
  });

  it("writes a UUID account id, authTime and iiat (seconds before iat) and grant types shorter, under letters of their own", () => {
    const text = encodeRecord("RefreshToken", jti, refreshToken);
    for (const value of ["d5deb702", "authorization_code", "1796595528", `"i":`]) expect(text).not.toContain(value);
    expect(text).toContain(`"B":1,`);
    expect(text).toContain(`"J":0,`);
    expect(text).toContain(`"Y":"a",`);
    expect(decodeRecord("RefreshToken", jti, text)).toEqual(refreshToken);
    const rotated = { ...refreshToken, iat: 1796599999, gty: "authorization_code refresh_token", rotations: 3 } as AdapterPayload;
    expect(decodeRecord("RefreshToken", jti, encodeRecord("RefreshToken", jti, rotated))).toEqual(rotated);
  });

  it("keeps a value that has no shorter form as it is", () => {
    const odd = {
      ...refreshToken,
      accountId: "3ABC3664-07ED-4F02-B247-D77CDE2DB75C", // not the lower-case form a UUID reads back as
      authTime: 1796595600, // after iat
      iiat: 1796595529.5,
      gty: "authorization_code urn:example:custom",
    } as AdapterPayload;
    const text = encodeRecord("RefreshToken", jti, odd);
    expect(text).toContain("3ABC3664-07ED-4F02-B247-D77CDE2DB75C");
    expect(text).toContain("urn:example:custom");
    expect(decodeRecord("RefreshToken", jti, text)).toEqual(odd);
    const noIat = { ...refreshToken, iat: undefined } as AdapterPayload;
    const { iat: _iat, ...withoutIat } = refreshToken as Record<string, unknown>;
    expect(decodeRecord("RefreshToken", jti, encodeRecord("RefreshToken", jti, noIat))).toEqual(withoutIat);
  });
});
