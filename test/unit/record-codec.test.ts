// The compact form of oidc-provider records in Redis (src/oidc/record-codec.ts): every payload reads back exactly,
// records written before it still read, and the stored text is smaller.
import { describe, it, expect } from "vitest";
import type { AdapterPayload } from "oidc-provider";
import { decodeRecord, encodeRecord } from "../../src/oidc/record-codec.ts";
import { BENCH_JTI, BENCH_REFRESH_TOKEN } from "../fixtures/oidc-records.ts";

const jti = BENCH_JTI;
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
    const { amr: _amr, ...withoutAmr } = session as Record<string, unknown>; // with amr, acr goes with it ("V")
    const acrText = encodeRecord("Session", jti, withoutAmr as AdapterPayload);
    expect(acrText).toContain(`"C":"@pwd"`);
    expect(decodeRecord("Session", jti, acrText)).toEqual(withoutAmr);
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
    expect(text).toContain(`"Z":"rJ"`); // iiat 0 seconds before iat, with rotations 0 (zeros together)
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

// real records of a bench sign-in (scope "openid profile email offline_access"), as the codec wrote them before
// scopes in words, times after iat, acr with amr and the zeros list
const earlier = {
  RefreshToken:
    '~{"I":1796627059,"E":1797836659,"A":"CNn1eHtnSlGqrE0M-PgmAg","C":"@pwd","M":["pwd"],"B":0,"g":"q7p6ERBLLEyhTMoE_sc8Ke90I-sBOh9pZFM9FUicWlG",' +
    '"Y":"a","n":"ZTYsRtOoPl_hMy3S","r":0,"s":"openid profile email offline_access","u":"TM0aVOON5fxRFI3UYSvsoVJWfsJxjVi5uIio8FGMIlg",' +
    '"c":"rfy6KLZFv5BbvXyrxeYjDQ","J":0}',
  Grant:
    '~{"I":1796627058,"E":1799219058,"A":"rk7qn_o_Q5CLJL7LHvEu4Q","c":"rfy6KLZFv5BbvXyrxeYjDQ","o":{"s":"openid profile email offline_access"}}',
};
const benchRefreshToken = BENCH_REFRESH_TOKEN;
const benchGrant = {
  iat: 1796627058,
  exp: 1799219058,
  accountId: "ae4eea9f-fa3f-4390-8b24-becb1ef12ee1",
  clientId: "rfy6KLZFv5BbvXyrxeYjDQ",
  openid: { scope: "openid profile email offline_access" },
  kind: "Grant",
  jti,
} as unknown as AdapterPayload;
/** the stored text of a payload (of kind `model`, under `jti`), after checking that it reads back exactly */
const roundTrip = (model: string, fields: Record<string, unknown>) => {
  const payload = { kind: model, jti, ...fields } as AdapterPayload;
  const text = encodeRecord(model, jti, payload);
  expect(decodeRecord(model, jti, text)).toEqual(payload);
  return text;
};

describe("record codec: scopes in words, times after iat, acr with amr, zeros together", () => {
  it("reads records of the earlier compact form and plain JSON exactly", () => {
    expect(decodeRecord("RefreshToken", jti, earlier.RefreshToken)).toEqual(benchRefreshToken);
    expect(decodeRecord("Grant", jti, earlier.Grant)).toEqual(benchGrant);
    expect(decodeRecord("RefreshToken", jti, JSON.stringify(benchRefreshToken))).toEqual(benchRefreshToken);
    expect(decodeRecord("Grant", jti, JSON.stringify(benchGrant))).toEqual(benchGrant);
  });

  it("writes a first refresh token in 252 characters or fewer, a grant in 98 (a smaller Redis allocation)", () => {
    const text = roundTrip("RefreshToken", benchRefreshToken);
    expect(text).toContain(`"W":"opef"`);
    expect(text).toContain(`"X":1209600`);
    expect(text).toContain(`"V":"pwd"`);
    expect(text).toContain(`"Z":"BrJ"`);
    expect([text.length, earlier.RefreshToken.length]).toEqual([249, 304]);
    const grantText = roundTrip("Grant", benchGrant);
    expect(grantText).toContain(`"O":"opef"`);
    expect(grantText).not.toContain(`"o":`);
    expect([grantText.length, earlier.Grant.length]).toEqual([98, 138]);
  });

  it('writes a grant\'s openid that is its scope alone at the top ("O"), and reads the form written before it', () => {
    // as the codec wrote the bench's grant before "O" (session 13)
    const before = '~{"I":1796627058,"X":2592000,"A":"rk7qn_o_Q5CLJL7LHvEu4Q","c":"rfy6KLZFv5BbvXyrxeYjDQ","o":{"W":"opef"}}';
    expect(decodeRecord("Grant", jti, before)).toEqual(benchGrant);
    expect(roundTrip("Grant", { iat: 1, openid: { scope: "openid email" } })).toBe(`~{"I":1,"O":"oe"}`);
    // anything else in openid, or a scope not all in known words, keeps "o"
    expect(roundTrip("Grant", { iat: 1, openid: { scope: "openid urn:x" } })).toBe(`~{"I":1,"o":{"s":"openid urn:x"}}`);
    expect(roundTrip("Grant", { iat: 1, openid: { scope: "openid", claims: ["email"] } })).toContain(`"o":{"W":"o","q":["email"]}`);
    expect(roundTrip("Grant", { iat: 1, openid: {} })).toBe(`~{"I":1,"o":{}}`);
  });

  it("writes a scope of known words one character each, and any other scope in full", () => {
    expect(roundTrip("AccessToken", { iat: 1, scope: "openid phone address roles api openid" })).toBe(`~{"I":1,"W":"ohario"}`);
    for (const scope of ["openid urn:example:read", "openid  email", " openid", "openid ", "", "OPENID", "constructor"]) {
      const text = roundTrip("AccessToken", { iat: 1, scope });
      expect(text).toContain(`"s":${JSON.stringify(scope)}`);
      roundTrip("Grant", { iat: 1, openid: { scope, claims: ["email"] } });
    }
    expect(roundTrip("Grant", { iat: 1, openid: { scope: "openid email", claims: ["email"] } })).toContain(`"o":{"W":"oe","q":["email"]}`);
  });

  it("writes exp and loginTs as seconds from iat, unless they are not whole seconds or there is no iat", () => {
    expect(roundTrip("Session", { iat: 1000, exp: 87400, loginTs: 900 })).toBe(`~{"I":1000,"X":86400,"G":-100}`);
    expect(roundTrip("Session", { iat: 1000, exp: 1000.5, loginTs: "900" })).toBe(`~{"I":1000,"E":1000.5,"l":"900"}`);
    expect(roundTrip("Session", { exp: 87400, loginTs: 900 })).toBe(`~{"E":87400,"l":900}`);
  });

  it("writes two or more zeros as a list of letters, keeping a single zero and a missing field as they were", () => {
    expect(roundTrip("RefreshToken", { iat: 5, authTime: 5, iiat: 5, rotations: 0 })).toBe(`~{"I":5,"Z":"BJr"}`);
    expect(roundTrip("RefreshToken", { iat: 5, authTime: 5, rotations: 1 })).toBe(`~{"I":5,"B":0,"r":1}`);
    expect(roundTrip("RefreshToken", { iat: 0, exp: 0, rotations: 0, consumed: false })).toBe(`~{"k":false,"Z":"IXr"}`);
  });

  it("writes Gatehouse's acr with its amr as one value, and any other pair as two fields", () => {
    const pair = (acr: unknown, amr: unknown) => roundTrip("Session", { iat: 1, acr, amr });
    expect(pair("urn:gatehouse:loa:pwd", ["pwd"])).toBe(`~{"I":1,"V":"pwd"}`);
    expect(pair("urn:gatehouse:loa:mfa", ["pwd", "otp"])).toBe(`~{"I":1,"V":"mfa pwd otp"}`);
    expect(pair("urn:gatehouse:loa:pwd", ["fed"])).toBe(`~{"I":1,"V":"pwd fed"}`);
    expect(pair("urn:gatehouse:loa:pwd", [])).toBe(`~{"I":1,"C":"@pwd","M":[]}`);
    expect(pair("urn:gatehouse:loa:pwd", ["pwd otp"])).toBe(`~{"I":1,"C":"@pwd","M":["pwd otp"]}`);
    expect(pair("urn:gatehouse:loa:pwd", [1])).toBe(`~{"I":1,"C":"@pwd","M":[1]}`);
    expect(pair("urn:example:gold", ["pwd"])).toBe(`~{"I":1,"C":"urn:example:gold","M":["pwd"]}`);
    expect(roundTrip("Session", { iat: 1, acr: "urn:gatehouse:loa:mfa", amr: undefined })).toBe(`~{"I":1,"C":"@mfa"}`);
  });

  it("writes a payload that names a field with one of the new letters in full", () => {
    for (const letter of ["W", "X", "G", "V", "Z"]) expect(roundTrip("Session", { ...session, [letter]: 0 }).startsWith("{")).toBe(true);
    expect(roundTrip("Grant", { ...benchGrant, openid: { W: "o" } }).startsWith("{")).toBe(true);
  });
});
