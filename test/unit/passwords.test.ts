import { describe, it, expect } from "vitest";
import argon2 from "argon2";
import { createPasswordService } from "../../src/services/passwords.ts";

const owasp = { memoryCost: 19456, timeCost: 2, parallelism: 1, maxConcurrency: 1 };

describe("password service", () => {
  it("hashes with argon2id at the configured parameters and verifies", async () => {
    const passwords = createPasswordService(owasp);
    const hash = await passwords.hash("a perfectly long passphrase");
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await passwords.verify(hash, "a perfectly long passphrase")).toBe(true);
    expect(await passwords.verify(hash, "a perfectly long passphrasE")).toBe(false);
  });

  it("an unknown account (no hash) is still verified against a dummy hash and always fails", async () => {
    const passwords = createPasswordService(owasp);
    await passwords.warmUp();
    expect(await passwords.verify(null, "anything at all here")).toBe(false);
  });

  it("NFC and NFD forms of a password are the same password", async () => {
    const passwords = createPasswordService(owasp);
    const nfc = "café au lait forever".normalize("NFC");
    const hash = await passwords.hash(nfc);
    expect(await passwords.verify(hash, nfc.normalize("NFD"))).toBe(true);
  });

  it("knows when a stored hash was made with other parameters", async () => {
    const passwords = createPasswordService(owasp);
    const weaker = await argon2.hash("old password here", { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
    expect(passwords.needsRehash(weaker)).toBe(false);
    const stronger = createPasswordService({ ...owasp, timeCost: 3 });
    expect(stronger.needsRehash(weaker)).toBe(true);
  });

  it("never runs more hashes at once than the cap", async () => {
    const passwords = createPasswordService({ ...owasp, maxConcurrency: 1 });
    let inFlight = 0;
    let peak = 0;
    const original = argon2.hash;
    // observe concurrency by wrapping the library call (the pure limiter logic is what is tested)
    (argon2 as { hash: typeof argon2.hash }).hash = (async (...args: Parameters<typeof argon2.hash>) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      try {
        return await original(...args);
      } finally {
        inFlight--;
      }
    }) as typeof argon2.hash;
    try {
      await Promise.all(Array.from({ length: 4 }, (_, i) => passwords.hash(`password number ${i} long`)));
    } finally {
      (argon2 as { hash: typeof argon2.hash }).hash = original;
    }
    expect(peak).toBe(1);
  });
});

describe("password queue cap", () => {
  it("reports saturation once more checks wait than allowed, and recovers when they finish", async () => {
    const passwords = createPasswordService({ ...owasp, maxConcurrency: 1, maxQueue: 2 });
    expect(passwords.saturated()).toBe(false);
    const running = Array.from({ length: 3 }, (_, i) => passwords.hash(`queued password ${i} long`));
    await Promise.resolve();
    expect(passwords.saturated()).toBe(true); // one hashing, two waiting
    await Promise.all(running);
    expect(passwords.saturated()).toBe(false);
  });
});
