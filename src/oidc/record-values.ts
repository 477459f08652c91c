// The shorter forms of values in a compact record (record-codec.ts). Each is stored under a letter of its own, so
// the letter says which form is stored and a record with the value in full (written before the coding, or whose
// value has no shorter form) still reads. A value is coded only when it reads back exactly; the tables below are
// part of the stored format: never change or reuse an entry, only add.

/** a value's shorter form; `iat` is the record's, for the times coded relative to it */
export type Coding = { letter: string; encode(value: unknown, iat: unknown): unknown; decode(coded: unknown, iat: unknown): unknown };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const beforeIat = (letter: string): Coding => ({
  letter,
  encode: (value, iat) =>
    Number.isInteger(value) && Number.isInteger(iat) && (iat as number) >= (value as number)
      ? (iat as number) - (value as number)
      : undefined,
  decode: (coded, iat) => (typeof coded === "number" && typeof iat === "number" ? iat - coded : undefined),
});
/** seconds from iat (either way): an expiry is a lifetime (86400 for a day: 7 characters fewer than the time) */
const afterIat = (letter: string): Coding => ({
  letter,
  encode: (value, iat) => (Number.isSafeInteger(value) && Number.isSafeInteger(iat) ? (value as number) - (iat as number) : undefined),
  decode: (coded, iat) => (typeof coded === "number" && typeof iat === "number" ? iat + coded : undefined),
});

/** space-separated words, each of a known set, as one character per word ("openid email" -> "oe") */
const wordsAs = (letter: string, table: Record<string, string>): Coding => {
  const wordOf = Object.fromEntries(Object.entries(table).map(([word, short]) => [short, word]));
  return {
    letter,
    encode: (value) => {
      if (typeof value !== "string") return undefined;
      const words = value.split(" ");
      return words.every((word) => Object.hasOwn(table, word)) ? words.map((word) => table[word]).join("") : undefined;
    },
    decode: (coded) =>
      typeof coded === "string" && [...coded].every((short) => Object.hasOwn(wordOf, short))
        ? [...coded].map((short) => wordOf[short]).join(" ")
        : undefined,
  };
};

const GRANT_TYPES: Record<string, string> = {
  authorization_code: "a",
  refresh_token: "r",
  client_credentials: "c",
  "urn:ietf:params:oauth:grant-type:device_code": "d",
  "urn:openid:params:grant-type:ciba": "b",
  "urn:ietf:params:oauth:grant-type:token-exchange": "x",
};
/** the standard scopes and Gatehouse's own (configuration.ts: OIDC_SCOPES, and a resource server's "api") */
const SCOPE_WORDS: Record<string, string> = {
  openid: "o",
  profile: "p",
  email: "e",
  offline_access: "f",
  phone: "h",
  address: "a",
  roles: "r",
  api: "i",
};

/** a scope in words (also a grant's openid scope, under the same letter inside `openid`) */
export const SCOPE: Coding = wordsAs("W", SCOPE_WORDS);

/**
 * field -> its shorter form: a UUID account id as its 16 bytes in base64url (36 -> 22 characters), authTime and
 * iiat as seconds before iat (10 -> 1-7), a grant type as one letter per word ("authorization_code" -> "a"), a
 * scope as one letter per word, exp and loginTs as seconds after iat
 */
export const CODED: Record<string, Coding> = {
  accountId: {
    letter: "A",
    encode: (value) =>
      typeof value === "string" && UUID.test(value) ? Buffer.from(value.replaceAll("-", ""), "hex").toString("base64url") : undefined,
    decode: (coded) => {
      if (typeof coded !== "string") return undefined;
      const hex = Buffer.from(coded, "base64url").toString("hex");
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    },
  },
  authTime: beforeIat("B"),
  iiat: beforeIat("J"),
  gty: wordsAs("Y", GRANT_TYPES),
  // added later
  scope: SCOPE,
  exp: afterIat("X"),
  loginTs: afterIat("G"),
};
export const DECODED: Record<string, [string, Coding]> = Object.fromEntries(
  Object.entries(CODED).map(([name, coding]) => [coding.letter, [name, coding]]),
);

/** the shorter form of a value, when it has one that reads back exactly */
export function codedValue(coding: Coding | undefined, value: unknown, iat: unknown): unknown {
  if (!coding) return undefined;
  const short = coding.encode(value, iat);
  return short !== undefined && coding.decode(short, iat) === value ? short : undefined;
}

/** Gatehouse's own acr values (lib/acr.ts) are stored as "@" + their last part */
export const ACR_PREFIX = "urn:gatehouse:loa:";
export const ACR_SHORT = "@";

/**
 * acr and amr together, for an acr of Gatehouse's: its last part, then the amr values unless they are just that
 * one ("pwd" for loa:pwd with ["pwd"], "mfa pwd otp" for loa:mfa with ["pwd", "otp"]); 23 -> 10 characters for a
 * password sign-in. Anything else (no amr, an empty one, a value with a space) keeps both fields.
 */
export const AUTH_LETTER = "V";
export function encodeAuth(acr: unknown, amr: unknown): string | undefined {
  if (typeof acr !== "string" || !acr.startsWith(ACR_PREFIX) || !Array.isArray(amr)) return undefined;
  const level = acr.slice(ACR_PREFIX.length);
  const coded = amr.length === 1 && amr[0] === level ? level : [level, ...amr].join(" ");
  const back = decodeAuth(coded);
  return back && back.acr === acr && back.amr.length === amr.length && back.amr.every((a, i) => a === amr[i]) ? coded : undefined;
}
export function decodeAuth(coded: unknown): { acr: string; amr: string[] } | undefined {
  if (typeof coded !== "string") return undefined;
  const [level, ...amr] = coded.split(" ");
  return { acr: ACR_PREFIX + level, amr: amr.length ? amr : [level!] };
}
