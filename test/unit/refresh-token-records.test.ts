// A refresh token's record without what its grant says (src/oidc/refresh-token-records.ts, record-codec.ts's "F"):
// what is left out, how it is written, and that it reads back exactly with its grant (and not without).
import { describe, it, expect } from "vitest";
import type { AdapterPayload } from "oidc-provider";
import { FROM_GRANT, decodeRecord, encodeRecord } from "../../src/oidc/record-codec.ts";
import { recordOfRefreshToken, refreshTokenOfRecord } from "../../src/oidc/refresh-token-records.ts";
import { BENCH_JTI, BENCH_REFRESH_TOKEN } from "../fixtures/oidc-records.ts";

const jti = BENCH_JTI;
// a first refresh token of a bench sign-in (test/fixtures/oidc-records.ts) and its grant
const grant = {
  iat: 1796627058,
  exp: 1799219058,
  accountId: "08d9f578-7b67-4a51-aaac-4d0cf8f82602",
  clientId: "rfy6KLZFv5BbvXyrxeYjDQ",
  openid: { scope: "openid profile email offline_access" },
  kind: "Grant",
  jti: "q7p6ERBLLEyhTMoE_sc8Ke90I-sBOh9pZFM9FUicWlG",
} as unknown as AdapterPayload;
const refreshToken = BENCH_REFRESH_TOKEN;

/** the stored text of a refresh token written knowing its grant, after checking it reads back exactly with that grant */
const written = (payload: AdapterPayload, withGrant = grant) => {
  const text = encodeRecord("RefreshToken", jti, recordOfRefreshToken(payload, withGrant));
  expect(refreshTokenOfRecord(decodeRecord("RefreshToken", jti, text), withGrant)).toEqual(payload);
  return text;
};

describe("refresh token records: what the grant says is left out", () => {
  it("a first refresh token is under 189 characters (a 192-byte allocation), the letter in the zeros' list", () => {
    const text = written(refreshToken);
    expect(text).toContain(`"Z":"BrJF4"`); // authTime, rotations and iiat 0; the first 4 words of the grant's scope
    for (const left of ["rfy6KLZFv5BbvXyrxeYjDQ", `"A":`, `"W":`]) expect(text).not.toContain(left);
    expect(text.length).toBeLessThanOrEqual(188);
    // a code exchanged seconds after the sign-in (authTime before iat) too
    expect(written({ ...refreshToken, authTime: refreshToken.iat! - 99 }).length).toBeLessThanOrEqual(188);
    expect(encodeRecord("RefreshToken", jti, refreshToken).length).toBeGreaterThan(240); // in full, as before
  });

  it("the letter alone is a field of its own; 0 keeps the scope; decoding gives the number under the symbol, never a field", () => {
    const rotated = { ...refreshToken, iat: refreshToken.iat! + 100, rotations: 1, gty: "authorization_code refresh_token" };
    expect(written(rotated)).toMatch(/"F":4}$/);
    const narrower = written({ ...refreshToken, scope: "email openid" });
    expect(narrower).toContain(`"W":"eo"`);
    expect(narrower).toContain(`"Z":"BrJF"`);
    const stored = decodeRecord("RefreshToken", jti, narrower);
    expect(stored[FROM_GRANT]).toBe(0);
    expect(Object.keys(stored)).not.toContain("F");
    expect(JSON.stringify(stored)).not.toContain(`"F"`);
  });

  it("nothing is left out without the grant, or when it says another account or client", () => {
    for (const [payload, withGrant] of [
      [refreshToken, undefined],
      [{ ...refreshToken, accountId: "someone-else" }, grant],
      [{ ...refreshToken, clientId: "another-client" }, grant],
      [
        { ...refreshToken, accountId: undefined },
        { ...grant, accountId: undefined },
      ],
      [{ ...refreshToken, F: 1 }, grant], // a one-letter field: written in full, as it always was
    ] as [AdapterPayload, AdapterPayload | undefined][]) {
      const record = recordOfRefreshToken(payload, withGrant);
      expect(record).toBe(payload);
      expect(record[FROM_GRANT as never]).toBeUndefined();
      const text = encodeRecord("RefreshToken", jti, record);
      expect(decodeRecord("RefreshToken", jti, text)).toEqual(payload);
    }
  });

  it("reads as nothing without its grant, or when the grant's scope has fewer words than the token took", () => {
    const stored = decodeRecord("RefreshToken", jti, encodeRecord("RefreshToken", jti, recordOfRefreshToken(refreshToken, grant)));
    expect(refreshTokenOfRecord(stored, undefined)).toBeUndefined();
    expect(refreshTokenOfRecord(stored, { ...grant, openid: { scope: "openid profile" } } as AdapterPayload)).toBeUndefined();
    expect(refreshTokenOfRecord(stored, { ...grant, openid: undefined } as AdapterPayload)).toBeUndefined();
    // a grant widened later (words appended) gives the token the scope it was issued with
    const widened = { ...grant, openid: { scope: "openid profile email offline_access phone" } } as AdapterPayload;
    expect(refreshTokenOfRecord(stored, widened)).toEqual(refreshToken);
    // a record without the letter is the token, grant or not
    const full = decodeRecord("RefreshToken", jti, encodeRecord("RefreshToken", jti, refreshToken));
    expect(refreshTokenOfRecord(full, undefined)).toBe(full);
  });

  it("the codec refuses a left-out mark it could not write (a payload it writes in full)", () => {
    const odd = { ...refreshToken, x: 1, [FROM_GRANT]: 0 } as AdapterPayload;
    expect(() => encodeRecord("RefreshToken", jti, odd)).toThrow(/leaves out/);
  });
});
