// The one rule for free-text names (services/names.ts): every C0 and C1 control, every invisible formatting
// character (Unicode Cf) and the line and paragraph separators are refused, with a message naming the field;
// names in any script, with accents, emoji, apostrophes and hyphens are accepted. The zod helper judges the value
// as sent (before a chained trim), and the client schema uses it.
import { describe, it, expect } from "vitest";
import { HIDDEN_CHARACTER, nameCharactersProblem, nameText, replaceHiddenCharacters } from "../../src/services/names.ts";
import { newClientSchema } from "../../src/services/clients.ts";

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String.fromCodePoint(from + i));
const hex = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;

const C0 = range(0x00, 0x1f); // NUL ... TAB, LF, CR ... US
const DEL_AND_C1 = range(0x7f, 0x9f); // DEL, then NEL (U+0085) and the other C1 controls
// refused between letters; the two joiners (U+200C, U+200D) only where they do not join writing (JOINERS below)
const FORMAT = [
  "\u200b",
  ...range(0x200e, 0x200f), // zero-width space; left-to-right and right-to-left marks
  ...range(0x202a, 0x202e), // bidi embeddings, pop, overrides
  ...range(0x2060, 0x2064), // word joiner, invisible operators
  ...range(0x2066, 0x2069), // bidi isolates
  "\u00ad",
  "\u061c",
  "\u180e",
  "\ufeff",
  "\ufff9",
  "\u{e0001}",
  "\u{e0041}", // soft hyphen, Arabic letter mark, Mongolian vowel separator, BOM, interlinear annotation, tags
];
const SEPARATORS = ["\u2028", "\u2029"];
const JOINERS = ["\u200c", "\u200d"];

const fine = [
  "Ann",
  "Ada Lovelace",
  "Zoë Saldaña",
  "François-René d'Aubigné",
  "O'Brien",
  "Mary-Jane O’Neil",
  "Jean-Luc Picard",
  "東京チーム",
  "김민준",
  "王小明",
  "Пётр Чайковский",
  "Αλέξανδρος",
  "محمد علي",
  "שרה כהן",
  "देवनागरी",
  "ภาษาไทย",
  "Rocket team 🚀",
  "❤️ Support",
  "👍🏽 Reviewers",
  "Ops & Infra (EU)",
  "R&D #2",
  "Team 100%",
  "a  b",
  // joiners inside the writing: a Persian name with a zero-width non-joiner, emoji sequences joined by ZWJ
  "مهر\u200cآسا",
  "Family 👨\u200d👩\u200d👧",
  "🏳️\u200d🌈 Pride",
  "क्\u200dष",
];

describe("free-text names", () => {
  it("refuses every C0 and C1 control character, wherever it is, naming the field", () => {
    for (const c of [...C0, ...DEL_AND_C1]) {
      for (const value of [`Ann${c}Lee`, `${c}Ann`, `Ann${c}`]) {
        expect(nameCharactersProblem(value, "Role names"), `${hex(c)} in ${JSON.stringify(value)}`).toBe(
          "Role names cannot contain line breaks or invisible control characters.",
        );
      }
    }
    expect(nameCharactersProblem("Ann\r\nBcc: x@evil.test", "Team names")).toBe(
      "Team names cannot contain line breaks or invisible control characters.",
    );
  });

  it("refuses invisible formatting characters (zero-width, direction marks, bidi embeddings, overrides and isolates, soft hyphen, BOM) and line separators", () => {
    for (const c of [...FORMAT, ...SEPARATORS]) {
      expect(HIDDEN_CHARACTER.test(`Ann${c}Lee`), hex(c)).toBe(true);
      expect(nameCharactersProblem(`Ann${c}Lee`, "Client names"), hex(c)).toMatch(/^Client names cannot contain line breaks/);
    }
    // a joiner that joins nothing (at an end, beside a space, doubled, beside another hidden character) is hidden
    for (const c of JOINERS) {
      for (const value of [`${c}Ann`, `Ann${c}`, `Ann ${c}Lee`, `Ann${c} Lee`, `Ann${c}${c}Lee`, `Ann${c}\u200bLee`]) {
        expect(nameCharactersProblem(value, "Client names"), `${hex(c)} in ${JSON.stringify(value)}`).not.toBeNull();
      }
    }
    // what the spoofing looks like: "evil" reads backwards after an override, a zero-width space hides in a name
    expect(nameCharactersProblem("Support \u202Elive\u202C", "Role names")).not.toBeNull();
    expect(nameCharactersProblem("Ad\u200Bmins", "Role names")).not.toBeNull();
  });

  it("text for an email keeps the writing's joiners and loses every other hidden character", () => {
    expect(replaceHiddenCharacters("Ann\r\nBcc: x@evil.test", " ")).toBe("Ann Bcc: x@evil.test");
    expect(replaceHiddenCharacters("Family 👨\u200d👩\u200d👧 \u202eteam", " ")).toBe("Family 👨\u200d👩\u200d👧  team");
    expect(replaceHiddenCharacters("مهر\u200cآسا\u200d", "")).toBe("مهر\u200cآسا");
  });

  it("accepts names in any script, with accents, emoji, apostrophes, hyphens and punctuation", () => {
    for (const name of fine) {
      expect(nameCharactersProblem(name, "Names"), name).toBeNull();
      expect(nameText("Names").safeParse(name).success, name).toBe(true);
    }
  });

  it("the zod helper refuses the value as sent, before a chained trim, with its message; trimming and lengths still apply", () => {
    const schema = nameText("Your name").trim().min(1).max(10);
    expect(schema.parse("  Ann  ")).toBe("Ann");
    for (const value of ["Ann\nLee", "Ann\n", "\r\nAnn", "\uFEFFAnn", "Ann\u00AD"]) {
      const parsed = schema.safeParse(value);
      expect(parsed.success, JSON.stringify(value)).toBe(false);
      expect(parsed.error!.issues[0]!.message).toBe("Your name cannot contain line breaks or invisible control characters.");
    }
    expect(schema.safeParse("Anastasia Lee").success).toBe(false); // too long: the chained rules still run
  });

  it("client names (API, admin pages and CLI all parse with the client schema) are refused the same way", () => {
    const client = { type: "confidential", redirectUris: ["https://app.example.test/cb"] } as const;
    expect(newClientSchema.safeParse({ ...client, name: "Billing app" }).success).toBe(true);
    for (const name of ["Billing\r\nBcc: x@evil.test", "Billing\u202Eppa", "Billing\u0085"]) {
      const parsed = newClientSchema.safeParse({ ...client, name });
      expect(parsed.success, JSON.stringify(name)).toBe(false);
      expect(parsed.error!.issues).toEqual([
        expect.objectContaining({ path: ["name"], message: "Client names cannot contain line breaks or invisible control characters." }),
      ]);
    }
  });
});
