// Free-text names that people choose and others see: a user's display name, team names, role names (team and
// system roles) and client names. One rule for all of them: a name may not hold a character that does not show
// as itself. That is C0 and C1 controls (NUL, TAB, CR, LF, DEL, ...: a CR/LF in a name put forged "Subject:" and
// "Bcc:" lines into the text of the emails that quote it), invisible formatting characters (Unicode category Cf:
// zero-width spaces and joiners, direction marks, bidi embeddings, overrides and isolates that reorder what
// follows them, the soft hyphen, the byte order mark) and the Unicode line and paragraph separators. One
// exception: the zero-width non-joiner and joiner (U+200C, U+200D) between two visible characters, where they
// shape the writing (Persian and Indic names) or join an emoji sequence (👨‍👩‍👧, 🏳️‍🌈). Such a name is
// refused, not cleaned: what is stored is what was typed, and a refusal changes nothing. Trimming and
// NFC normalization stay where each name is checked.
import { z } from "zod";

/** a character no name may hold: controls (Cc), invisible formatting (Cf), line and paragraph separators */
export const HIDDEN_CHARACTER = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
/** a (non-)joiner between two visible characters: part of the writing, not hidden */
const JOINER_IN_WRITING = /(?<=[^\s\p{Cc}\p{Cf}\p{Zl}\p{Zp}])[\u200C\u200D](?=[^\s\p{Cc}\p{Cf}\p{Zl}\p{Zp}])/gu;

const JOINER_MARK = "\u{F0000}"; // a private-use character stands in for kept joiners while the rest is replaced
const HIDDEN_RUN = new RegExp(`${HIDDEN_CHARACTER.source}+`, "gu");

/** the value with each run of hidden characters replaced (a joiner inside the writing is kept) */
export function replaceHiddenCharacters(value: string, replacement: string): string {
  const kept: string[] = [];
  const marked = value.replace(JOINER_IN_WRITING, (joiner) => {
    kept.push(joiner);
    return JOINER_MARK;
  });
  let i = 0;
  return marked.replace(HIDDEN_RUN, replacement).replace(/\u{F0000}/gu, () => kept[i++]!);
}

/** whether the value holds a hidden character (a joiner inside the writing does not count) */
export const hasHiddenCharacter = (value: string): boolean => HIDDEN_CHARACTER.test(value.replace(JOINER_IN_WRITING, ""));

/** the rule's words after the field's ("Team names" + this) */
export const NAME_CHARACTERS_RULE = "cannot contain line breaks or invisible control characters";

/** why `value` cannot be a name, in the words of `what` ("Team names cannot contain ..."), or null when it can */
export function nameCharactersProblem(value: string, what: string): string | null {
  return hasHiddenCharacter(value) ? `${what} ${NAME_CHARACTERS_RULE}.` : null;
}

/**
 * a zod string for a name field that refuses hidden characters in the value as sent (before any `.trim()`
 * chained after it), with `what` naming the field in the message
 */
export const nameText = (what: string) => z.string().refine((value) => !hasHiddenCharacter(value), `${what} ${NAME_CHARACTERS_RULE}.`);
