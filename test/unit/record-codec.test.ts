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
});
