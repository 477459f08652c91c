import { describe, it, expect } from "vitest";
import { randomBytes } from "node:crypto";
import { constantTimeEqual, decryptSecret, encryptSecret, randomToken, sha256 } from "../../src/lib/crypto.ts";

describe("crypto helpers", () => {
  it("random tokens carry 256 bits and do not repeat", () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => randomToken()));
    expect(tokens.size).toBe(1000);
    expect(Buffer.from([...tokens][0]!, "base64url")).toHaveLength(32);
  });

  it("encrypts with AES-GCM bound to a purpose; a wrong key, purpose or a flipped bit fails", () => {
    const key = randomBytes(32);
    const sealed = encryptSecret(key, "the secret", "signing-key:abc");
    expect(sealed.startsWith("v1.")).toBe(true);
    expect(sealed).not.toContain("the secret");
    expect(decryptSecret(key, sealed, "signing-key:abc")).toBe("the secret");
    expect(() => decryptSecret(randomBytes(32), sealed, "signing-key:abc")).toThrow();
    expect(() => decryptSecret(key, sealed, "signing-key:other")).toThrow();
    const parts = sealed.split(".");
    const body = Buffer.from(parts[3]!, "base64url");
    body[0] = body[0]! ^ 1;
    expect(() => decryptSecret(key, [parts[0], parts[1], parts[2], body.toString("base64url")].join("."), "signing-key:abc")).toThrow();
    expect(encryptSecret(key, "the secret", "p")).not.toBe(encryptSecret(key, "the secret", "p")); // fresh IV
  });

  it("hashes and compares", () => {
    expect(sha256("abc")).toBe("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
    expect(constantTimeEqual("a", "a")).toBe(true);
    expect(constantTimeEqual("a", "b")).toBe(false);
    expect(constantTimeEqual("a", "ab")).toBe(false);
  });
});
