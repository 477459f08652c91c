// What makes a password acceptable (NIST 800-63B, OWASP ASVS 6.2): long enough, no composition rules, not a
// common password, not built from the user's own email, username or name, strong enough by zxcvbn's estimate, and,
// with PASSWORD_BREACH_CHECK=hibp, not in Have I Been Pwned's breached passwords. The common check looks at the
// password as a whole and at its near-whole variants (password-patterns.ts: one common word or password with
// case changes, look-alike characters, digits or symbols around it), never word by word, so a passphrase of
// ordinary words passes and "Summer2024!!" does not. `check` is the one function that decides: registration,
// password change and reset, the CLI, the first admin and the live strength meter (/password/strength) all ask it,
// and the pages' hint (PASSWORD_HINT) describes it.
// The dictionaries take ~27 MB of heap once loaded and ranked, so they are loaded at the first check (a
// registration, a password change or the strength meter), synchronously; a server that only signs people in never
// holds them.
import { createRequire } from "node:module";
import type { ZxcvbnFactory, ZxcvbnResult } from "@zxcvbn-ts/core";
import type { BreachCheck } from "./password-breach.ts";
import { containsIdentifier, wholeWord } from "./password-patterns.ts";

const require = createRequire(import.meta.url);

export type PasswordPolicySettings = { minLength: number; minScore: number };
export type PasswordContext = { email?: string | null; username?: string | null; name?: string | null; extra?: string[] };
export type RefusalCode = "too_short" | "too_long" | "common" | "personal" | "weak" | "breached";

export type PolicyResult =
  { ok: true; score: number } | { ok: false; code: RefusalCode; message: string; score: number; suggestions: string[] };

export const MAX_PASSWORD_LENGTH = 1024;
/** zxcvbn looks at the first 64 characters (a longer password is strong by length alone) */
const ANALYSED_LENGTH = 64;

export const MESSAGES = {
  tooLong: `Passwords can be at most ${MAX_PASSWORD_LENGTH} characters long.`,
  commonPassword:
    "This password is too common: it is on the lists attackers try first, also with capitals, look-alike characters, digits or symbols added. A few unrelated words make a strong password.",
  commonWord:
    "This password is too common: one word with digits or symbols around it is among the first things attackers try. A few unrelated words make a strong password.",
  personal: "Don't build your password from your name, username or email address.",
  weak: "This password is too easy to guess. Add another word or two.",
  breached: "This password has appeared in a data breach, so attackers try it first. Choose a different one.",
} as const;

/** what the pages say under a new-password field: the rule `check` applies, in one sentence each */
export function passwordHint(minLength: number): string {
  return (
    `At least ${minLength} characters; no special characters needed. A few unrelated words make a strong password. ` +
    "Common passwords (also with digits, symbols or look-alike letters added) and passwords built from your name, username or email are refused."
  );
}

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

/** at least half the password is made of words from that dictionary */
const coversMostOf = (result: ZxcvbnResult, dictionaryName: string, length: number) =>
  result.sequence
    .filter((m) => m.pattern === "dictionary" && "dictionaryName" in m && m.dictionaryName === dictionaryName)
    .reduce((sum, m) => sum + [...m.token].length, 0) *
    2 >=
  length;

type Refusal = Exclude<PolicyResult, { ok: true }>;
const refusal = (code: RefusalCode, message: string, result?: ZxcvbnResult): Refusal => ({
  ok: false,
  code,
  message,
  score: result?.score ?? 0,
  suggestions: result?.feedback.suggestions ?? [],
});

/** `breachCheck`: the online check (password-breach.ts), asked last and only about an otherwise accepted password */
export function createPasswordPolicy(settings: PasswordPolicySettings, deps: { breachCheck?: BreachCheck } = {}) {
  let loaded: ZxcvbnFactory | undefined;
  const zxcvbn = (): ZxcvbnFactory => (loaded ??= loadZxcvbn());

  /** everything but the online check: length, common (whole and near-whole), personal, zxcvbn's score */
  function offline(candidate: string, context: PasswordContext): PolicyResult {
    const length = [...candidate].length; // code points, so "é" is one character either way it was typed
    if (length < settings.minLength)
      return refusal("too_short", `Use at least ${settings.minLength} characters. A few unrelated words make a good password.`);
    if (length > MAX_PASSWORD_LENGTH) return refusal("too_long", MESSAGES.tooLong);
    const inputs = personalWords(context);
    const result = zxcvbn().check(candidate, inputs);
    const whole = wholeWord(result, (text) => zxcvbn().check(text, inputs), inputs);
    if (whole?.kind === "common-password") return refusal("common", MESSAGES.commonPassword, result);
    if (
      whole?.kind === "personal" ||
      coversMostOf(result, "userInputs", length) ||
      containsIdentifier(candidate, { email: context.email, name: context.name })
    ) {
      return refusal("personal", MESSAGES.personal, result);
    }
    if (whole?.kind === "word") return refusal("common", MESSAGES.commonWord, result);
    if (result.score < settings.minScore) return refusal("weak", result.feedback.warning || MESSAGES.weak, result);
    return { ok: true, score: result.score };
  }

  return {
    /** the verdict on a new password: every rule, the online breach check last (an outage leaves the offline verdict) */
    async check(password: string, context: PasswordContext = {}): Promise<PolicyResult> {
      const candidate = password.normalize("NFC");
      const verdict = offline(candidate, context);
      if (!verdict.ok || !deps.breachCheck) return verdict;
      return (await deps.breachCheck(candidate)) === true ? refusal("breached", MESSAGES.breached) : verdict;
    },
  };
}

export type PasswordPolicy = ReturnType<typeof createPasswordPolicy>;
