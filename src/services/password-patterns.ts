// The NIST 800-63B "common or breached" check, applied to the password as a whole and to its near-whole variants,
// never to each word: a passphrase made of common words ("violet canoe thunder biscuit") is strong, one common
// word dressed up ("Summer2024!!", "P@ssw0rd123", "!qwertyuiop1") is not.
// It reads zxcvbn's own analysis of the password (its cheapest split into known patterns), which already folds
// case, undoes simple leetspeak ("p@ssw0rd") and reversal. A password is "near-whole" one known word when every
// part of it that holds letters is that one dictionary word (or that word repeated), whatever digits, symbols and
// spaces sit before, after or between. Where the word comes from (the common-password list, the user's own
// details, any other dictionary) says why it is refused.
import type { ZxcvbnResult } from "@zxcvbn-ts/core";

type Part = ZxcvbnResult["sequence"][number];

/** why a password is (near-)whole one known word: a common password, the user's own details, or a plain word */
export type WholeWord = { kind: "common-password" | "personal" | "word"; word: string };

const LETTER = /\p{L}/u;

type Found = { word: string; dictionaryName: string };
type Analyse = (text: string) => Pick<ZxcvbnResult, "sequence">;

/** the word a part stands for: a dictionary word (as the dictionary spells it), or the word a repeat repeats */
function wordOf(part: Part, analyse: Analyse, depth: number): Found | null {
  if (part.pattern === "dictionary" && typeof part.dictionaryName === "string") {
    return { word: String(part.matchedWord ?? part.token).toLowerCase(), dictionaryName: part.dictionaryName };
  }
  if (part.pattern === "repeat" && typeof part.baseToken === "string" && depth < 2)
    return coreWord(analyse(part.baseToken), analyse, depth + 1);
  return null;
}

/** the one word every letter-bearing part stands for ("walker walker walker!" is "walker"), or null */
function coreWord(result: Pick<ZxcvbnResult, "sequence">, analyse: Analyse, depth: number): Found | null {
  const parts = result.sequence;
  const lettered = parts.filter((p) => LETTER.test(p.token));
  // digits and symbols only ("123456789012"): judged as a whole, when it is one known entry
  const core: Part[] = lettered.length ? lettered : parts.length === 1 ? parts : [];
  if (!core.length) return null;
  const words = core.map((p) => wordOf(p, analyse, depth));
  const first = words[0];
  return first && words.every((w) => w?.word === first.word) ? first : null;
}

/**
 * The one known word the password is made of, or null. `analyse` runs zxcvbn again (with the same user inputs)
 * on a repeated unit ("passwordpassword" is "password" twice); `personal` are the user's own words (personalWords):
 * zxcvbn names whichever dictionary it found a word in first, so "walker" may come back as a last name.
 */
export function wholeWord(result: Pick<ZxcvbnResult, "sequence">, analyse: Analyse, personal: readonly string[] = []): WholeWord | null {
  const found = coreWord(result, analyse, 0);
  if (!found) return null;
  const kind: WholeWord["kind"] =
    found.dictionaryName === "userInputs" || personal.includes(found.word)
      ? "personal"
      : found.dictionaryName === "passwords-common"
        ? "common-password"
        : "word";
  return { kind, word: found.word };
}

/** lower-case, NFC, without spaces and the usual separators: "Alice Walker" and "alice.walker" read the same */
export const compact = (value: string) =>
  value
    .normalize("NFC")
    .toLowerCase()
    .replace(/[\s._-]+/gu, "");

/**
 * Whether the password contains the user's email address or full name (two or more parts) anywhere, compared
 * compacted and case-folded: "violet Alice.Walker 99" contains "Alice Walker". These are distinctive enough never
 * to turn up by chance; a username or a single name ("admin", "alice") is one word among others in a passphrase
 * and is refused only when it makes up the password (near-whole, or half of it: password-policy.ts).
 */
export function containsIdentifier(password: string, identifiers: { email?: string | null; name?: string | null }): boolean {
  const haystack = compact(password);
  const fullName = identifiers.name && identifiers.name.trim().split(/\s+/u).length >= 2 ? identifiers.name : null;
  return [identifiers.email, fullName].some((id) => {
    const needle = id ? compact(id) : "";
    return needle.length >= 4 && haystack.includes(needle);
  });
}
