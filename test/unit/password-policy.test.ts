import { createRequire } from "node:module";
import { describe, it, expect } from "vitest";
import { createPasswordPolicy, MESSAGES, passwordHint, personalWords } from "../../src/services/password-policy.ts";

const require = createRequire(import.meta.url);
/** whether zxcvbn's English dictionary module has been loaded in this process */
const dictionaryLoaded = () => Object.keys(require.cache).some((path) => path.includes("@zxcvbn-ts/language-en"));
const loadedBeforeAnyCheck = dictionaryLoaded();
const policy = createPasswordPolicy({ minLength: 12, minScore: 3 });
const loadedByCreating = dictionaryLoaded();
const alice = { email: "alice.walker@example.com", username: "awalker", name: "Alice Walker" };

describe("password policy", () => {
  it("loads its dictionaries (~27 MB of heap) at the first check, not when the policy is made", async () => {
    expect(loadedBeforeAnyCheck).toBe(false);
    expect(loadedByCreating).toBe(false);
    expect((await policy.check("short")).ok).toBe(false); // too short: decided before zxcvbn is asked
    expect(dictionaryLoaded()).toBe(false);
    await policy.check("lamp orbit canyon");
    expect(dictionaryLoaded()).toBe(true);
  });

  it("7 characters are refused, a 15-character passphrase is accepted (ASVS 6.2.1)", async () => {
    expect(await policy.check("x7#Kp2q")).toMatchObject({ ok: false, code: "too_short" });
    expect(await policy.check("lamp orbit canyon", alice)).toMatchObject({ ok: true });
  });

  it("has no composition rules: a long lower-case passphrase passes, 'complex' common passwords fail (6.2.5)", async () => {
    expect((await policy.check("violet harbour mountain sandwich")).ok).toBe(true);
    expect(await policy.check("Password1234!")).toMatchObject({ ok: false });
    expect(await policy.check("P@ssw0rd12345")).toMatchObject({ ok: false });
  });

  it("refuses common passwords from the offline list (6.2.4)", async () => {
    for (const p of ["password1234", "qwertyuiop123", "123456789012", "iloveyou1234"]) {
      const r = await policy.check(p);
      expect(r.ok, p).toBe(false);
    }
    expect(await policy.check("password1234")).toMatchObject({ ok: false, code: "common" });
    expect(await policy.check("passwordpassword")).toMatchObject({ ok: false });
  });

  it("refuses passwords built from the user's own email, username or name", async () => {
    expect(await policy.check("alicewalker2024", alice)).toMatchObject({ ok: false, code: "personal" });
    expect(await policy.check("awalker-awalker", alice)).toMatchObject({ ok: false });
    // the same password for someone else is judged on its own
    expect(await policy.check("alicewalker2024")).not.toMatchObject({ code: "personal" });
    expect(personalWords(alice)).toEqual(
      expect.arrayContaining(["alice.walker@example.com", "alice", "walker", "alicewalker", "awalker", "example"]),
    );
  });

  it("long passphrases are fine (no truncation) and NFC/NFD forms are judged the same", async () => {
    expect((await policy.check("a".repeat(5) + " long passphrase with many words that keeps going and going on")).ok).toBe(true);
    const nfc = "crème brûlée récital".normalize("NFC");
    expect(await policy.check(nfc)).toEqual(await policy.check(nfc.normalize("NFD")));
    expect(await policy.check("x".repeat(1025))).toMatchObject({ ok: false, code: "too_long" });
  });

  it("weak results carry zxcvbn's advice", async () => {
    const r = await policy.check("aaaaaaaaaaaaaaaa");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message.length).toBeGreaterThan(0);
  });
});

// NIST 800-63B: the common/breached check applies to the password as a whole and to near-whole variants (case
// folded, digits or symbols around it, look-alike characters), never to each word (#18 item 3)
describe("password policy: passphrases of common words are accepted, dressed-up common passwords are not", () => {
  const passphrases = [
    "violet canoe thunder biscuit", // each word is on the common list: the whole is strong
    "purple tractor mango",
    "correct horse battery staple",
    "quiet lantern over the marsh",
    "amber kettle under winter stars",
    "blue sky green grass",
    "jazz piano nights",
    "Zebra-Umbrella-Kettle",
    "ThunderBiscuit42",
    "crème brûlée récital",
  ];
  it.each(passphrases)("accepts %j", async (p) => {
    expect(await policy.check(p)).toMatchObject({ ok: true });
    expect(await policy.check(p, alice)).toMatchObject({ ok: true }); // nothing of Alice's in it
  });

  const weak: [string, string][] = [
    ["Summer2024!!", "common"], // one word, a year and symbols: zxcvbn alone scores it 3 (accepted before)
    ["Password123!", "common"],
    ["Qwertyuiop1!", "common"],
    ["qwertyuiop123", "common"],
    ["P@ssw0rd12345", "common"], // look-alike characters
    ["P4ssw0rd!!!!", "common"],
    ["!!Welcome2024", "common"], // symbols and digits in front
    ["ILoveYou2024!", "common"],
    ["Dr@g0n2024!!!", "common"],
    ["M0nkey123456", "common"],
    ["drowssap1234", "common"], // reversed
    ["Tractor2024!!", "common"], // a single dictionary word dressed up
    ["Elephant1234!", "common"],
    ["international", "common"], // one plain word, however long
    ["passwordpassword", "common"], // a common password repeated
    ["123456789012", "common"],
    ["1qaz2wsx3edc", "common"], // on the list as a whole
    ["qwertyuiop1", "too_short"],
  ];
  it.each(weak)("refuses %j (%s)", async (p, code) => {
    expect(await policy.check(p)).toMatchObject({ ok: false, code });
  });

  const alices: string[] = [
    "alicewalker2024",
    "AliceWalker!2024",
    "violet Alice.Walker 99", // the full name inside a passphrase
    "purple tractors and my alice.walker@example.com inbox", // the email address inside a passphrase
    "alicewalker rocks", // the name as most of it
    "walker walker walker!",
  ];
  it.each(alices)("refuses %j for Alice Walker (awalker, alice.walker@example.com)", async (p) => {
    expect(await policy.check(p, alice)).toMatchObject({ ok: false, code: "personal", message: MESSAGES.personal });
  });

  it("a username that is an ordinary word may be one word among others", async () => {
    expect(await policy.check("a long admin passphrase 42", { email: "admin@example.test", username: "admin" })).toMatchObject({
      ok: true,
    });
    expect(await policy.check("Admin2024!!!!", { email: "admin@example.test", username: "admin" })).toMatchObject({
      ok: false,
      code: "personal",
    });
  });

  it("says why: a common password, or one word dressed up", async () => {
    expect(await policy.check("Password123!")).toMatchObject({ message: MESSAGES.commonPassword });
    expect(await policy.check("Summer2024!!")).toMatchObject({ message: MESSAGES.commonWord });
    for (const message of [MESSAGES.commonPassword, MESSAGES.commonWord]) expect(message).toMatch(/^This password is too common/);
  });

  it("the pages' hint describes the same rule", () => {
    const hint = passwordHint(12);
    expect(hint).toContain("At least 12 characters");
    expect(hint).toContain("A few unrelated words make a strong password");
    expect(hint).toMatch(/Common passwords \(also with digits, symbols or look-alike letters added\)/);
    expect(hint).toContain("passwords built from your name, username or email are refused");
  });
});
