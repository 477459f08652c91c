import { createRequire } from "node:module";
import { describe, it, expect } from "vitest";
import { createPasswordPolicy, personalWords } from "../../src/services/password-policy.ts";

const require = createRequire(import.meta.url);
/** whether zxcvbn's English dictionary module has been loaded in this process */
const dictionaryLoaded = () => Object.keys(require.cache).some((path) => path.includes("@zxcvbn-ts/language-en"));
const loadedBeforeAnyCheck = dictionaryLoaded();
const policy = createPasswordPolicy({ minLength: 12, minScore: 3 });
const loadedByCreating = dictionaryLoaded();
const alice = { email: "alice.walker@example.com", username: "awalker", name: "Alice Walker" };

describe("password policy", () => {
  it("loads its dictionaries (~27 MB of heap) at the first check, not when the policy is made", () => {
    expect(loadedBeforeAnyCheck).toBe(false);
    expect(loadedByCreating).toBe(false);
    expect(policy.check("short").ok).toBe(false); // too short: decided before zxcvbn is asked
    expect(dictionaryLoaded()).toBe(false);
    policy.check("lamp orbit canyon");
    expect(dictionaryLoaded()).toBe(true);
  });

  it("7 characters are refused, a 15-character passphrase is accepted (ASVS 6.2.1)", () => {
    expect(policy.check("x7#Kp2q")).toMatchObject({ ok: false, code: "too_short" });
    expect(policy.check("lamp orbit canyon", alice)).toMatchObject({ ok: true });
  });

  it("has no composition rules: a long lower-case passphrase passes, 'complex' common passwords fail (6.2.5)", () => {
    expect(policy.check("violet harbour mountain sandwich").ok).toBe(true);
    expect(policy.check("Password1234!")).toMatchObject({ ok: false });
    expect(policy.check("P@ssw0rd12345")).toMatchObject({ ok: false });
  });

  it("refuses common passwords from the offline list (6.2.4)", () => {
    for (const p of ["password1234", "qwertyuiop123", "123456789012", "iloveyou1234"]) {
      const r = policy.check(p);
      expect(r.ok, p).toBe(false);
    }
    expect(policy.check("password1234")).toMatchObject({ ok: false, code: "common" });
    expect(policy.check("passwordpassword")).toMatchObject({ ok: false });
  });

  it("refuses passwords built from the user's own email, username or name", () => {
    expect(policy.check("alicewalker2024", alice)).toMatchObject({ ok: false, code: "personal" });
    expect(policy.check("awalker-awalker", alice)).toMatchObject({ ok: false });
    // the same password for someone else is judged on its own
    expect(policy.check("alicewalker2024")).not.toMatchObject({ code: "personal" });
    expect(personalWords(alice)).toEqual(expect.arrayContaining(["alice.walker@example.com", "alice", "walker", "alicewalker", "awalker", "example"]));
  });

  it("long passphrases are fine (no truncation) and NFC/NFD forms are judged the same", () => {
    expect(policy.check("a".repeat(5) + " long passphrase with many words that keeps going and going on").ok).toBe(true);
    const nfc = "crème brûlée récital".normalize("NFC");
    expect(policy.check(nfc)).toEqual(policy.check(nfc.normalize("NFD")));
    expect(policy.check("x".repeat(1025))).toMatchObject({ ok: false, code: "too_long" });
  });

  it("weak results carry zxcvbn's advice", () => {
    const r = policy.check("aaaaaaaaaaaaaaaa");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message.length).toBeGreaterThan(0);
  });
});
