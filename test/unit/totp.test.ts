// Pure helpers of the TOTP second factor: code formats, the secret grouped for reading, and how long the
// pre-auth state between password and code may live.
import { describe, it, expect } from "vitest";
import { groupForReading, isTotpFormat, totpEnabled } from "../../src/services/totp.ts";
import { PRE_AUTH_MAX_SECONDS, preAuthTtl } from "../../src/flows/login/store.ts";

describe("TOTP helpers", () => {
  it("recognises 6-digit codes, with the spaces people type", () => {
    for (const code of ["123456", "123 456", " 000000 ", "１２３４５６"])
      expect({ code, ok: isTotpFormat(code) }).toEqual({ code, ok: true });
    for (const code of ["12345", "1234567", "abcde-fghjk", "12345a", ""])
      expect({ code, ok: isTotpFormat(code) }).toEqual({ code, ok: false });
  });

  it("groups a secret in fours for reading", () => {
    expect(groupForReading("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")).toBe("JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP");
    expect(groupForReading("ABCDEF")).toBe("ABCD EF");
    expect(groupForReading("")).toBe("");
  });

  it("TOTP counts as on only with a stored secret", () => {
    expect(totpEnabled({ totpSecretEncrypted: "v1.a.b.c" })).toBe(true);
    expect(totpEnabled({ totpSecretEncrypted: null })).toBe(false);
  });
});

describe("pre-auth state lifetime", () => {
  const now = 1_800_000_000;
  it("is at most 5 minutes", () => {
    expect(PRE_AUTH_MAX_SECONDS).toBe(300);
    expect(preAuthTtl(now + 3600, now)).toBe(300);
  });
  it("never outlives the interaction", () => {
    expect(preAuthTtl(now + 120, now)).toBe(120);
    expect(preAuthTtl(now + 0.5, now)).toBe(1);
    expect(preAuthTtl(now - 10, now)).toBe(1); // Redis needs a positive TTL; the interaction itself is gone by then
  });
});
