// What makes a password acceptable (NIST 800-63B, OWASP ASVS 6.2): long enough, no composition rules, not a
// common password (zxcvbn's offline list), not built from the user's own email, username or name, and strong
// enough by zxcvbn's estimate. The same rules drive the live strength meter on the pages.
// The dictionaries take ~27 MB of heap once loaded and ranked, so they are loaded at the first check (a
// registration, a password change or the strength meter), synchronously; a server that only signs people in never
// holds them.
import { createRequire } from "node:module";
import type { ZxcvbnFactory, ZxcvbnResult } from "@zxcvbn-ts/core";

const require = createRequire(import.meta.url);

export type PasswordPolicySettings = { minLength: number; minScore: number };
export type PasswordContext = { email?: string | null; username?: string | null; name?: string | null; extra?: string[] };

export type PolicyResult =
  | { ok: true; score: number }
  | { ok: false; code: "too_short" | "too_long" | "common" | "personal" | "weak"; message: string; score: number; suggestions: string[] };

export const MAX_PASSWORD_LENGTH = 1024;
/** zxcvbn looks at the first 64 characters (a longer password is strong by length alone) */
const ANALYSED_LENGTH = 64;

/** words from the user's own details that a password must not lean on */
export function personalWords(context: PasswordContext): string[] {
  const words = new Set<string>();
  const add = (value: string | null | undefined) => {
    if (!value) return;
    const v = value.normalize("NFC").toLowerCase().trim();
    if (v.length >= 3) words.add(v);
    const parts = v.split(/[^\p{L}\p{N}]+/u).filter((part) => part.length >= 3);
    for (const part of parts) words.add(part);
    if (parts.length > 1) words.add(parts.join("")); // "alicewalker" from "Alice Walker"
  };
  add(context.email);
  add(context.email?.split("@")[0]);
  add(context.username);
  add(context.name);
  for (const e of context.extra ?? []) add(e);
  return [...words];
}

function loadZxcvbn(): ZxcvbnFactory {
  const { ZxcvbnFactory: Factory } = require("@zxcvbn-ts/core") as typeof import("@zxcvbn-ts/core");
  const common = require("@zxcvbn-ts/language-common") as typeof import("@zxcvbn-ts/language-common");
  const english = require("@zxcvbn-ts/language-en") as typeof import("@zxcvbn-ts/language-en");
  return new Factory({
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
    // zxcvbn runs synchronously: bound its work so no password can hold the event loop (a 256-character
    // l33t-heavy password took 1.2 s with the defaults); anything longer than this is long enough anyway
    maxLength: ANALYSED_LENGTH,
    l33tMaxSubstitutions: 12,
  });
}

export function createPasswordPolicy(settings: PasswordPolicySettings) {
  let loaded: ZxcvbnFactory | undefined;
  const zxcvbn = (): ZxcvbnFactory => (loaded ??= loadZxcvbn());

  /** at least half the password is made of words from that dictionary */
  const coversMostOf = (result: ZxcvbnResult, dictionaryName: string, length: number) =>
    result.sequence
      .filter((m) => m.pattern === "dictionary" && "dictionaryName" in m && m.dictionaryName === dictionaryName)
      .reduce((sum, m) => sum + [...m.token].length, 0) * 2 >= length;

  return {
    check(password: string, context: PasswordContext = {}): PolicyResult {
      const candidate = password.normalize("NFC");
      const length = [...candidate].length; // code points, so "é" is one character either way it was typed
      const fail = (code: Exclude<PolicyResult, { ok: true }>["code"], message: string, result?: ZxcvbnResult): PolicyResult => ({
        ok: false, code, message, score: result?.score ?? 0, suggestions: result?.feedback.suggestions ?? [],
      });
      if (length < settings.minLength) return fail("too_short", `Use at least ${settings.minLength} characters. A few unrelated words make a good password.`);
      if (length > MAX_PASSWORD_LENGTH) return fail("too_long", `Passwords can be at most ${MAX_PASSWORD_LENGTH} characters long.`);
      const result = zxcvbn().check(candidate, personalWords(context));
      if (coversMostOf(result, "passwords-common", length)) return fail("common", "This password is too common. Choose something less predictable.", result);
      if (coversMostOf(result, "userInputs", length)) return fail("personal", "Don't build your password from your name, username or email address.", result);
      if (result.score < settings.minScore) return fail("weak", result.feedback.warning || "This password is too easy to guess. Add another word or two.", result);
      return { ok: true, score: result.score };
    },
  };
}

export type PasswordPolicy = ReturnType<typeof createPasswordPolicy>;
