// How an oidc-provider record is written to Redis: compact JSON. A session's three long-lived records (session,
// grant, refresh token) are most of what Redis holds per signed-in user, and a third of each record was field
// names and two fields the key already says: `kind` (the model) and `jti` (the id). So a record is written as
// "~" + JSON with those two left out and the frequent field names shortened (one letter each; oidc-provider never
// names a field with one letter, and a payload that does is written in full). Reading restores the payload
// exactly. A record written before this format (plain JSON, starting with "{") is read as it is, so an upgrade
// keeps every running session and token. Later letters (iat, exp, uid, amr, acr, gty, sid, a grant's openid scope)
// and Gatehouse's acr prefix ("urn:gatehouse:loa:pwd" -> "@pwd") were added the same way: a record written with the
// earlier letters still reads (a name without a letter stays as it is). Each of these brings a record under the next
// allocation size of Redis' allocator (64-byte steps around 300-400 bytes), so a few characters are worth 64 bytes.
// So were the shorter values (record-values.ts: a UUID account id, times relative to iat, grant types, scopes in
// words, acr and amr together), each under a letter of its own, so a record with the value in full still reads,
// and the zeros of a refresh token (authTime and iiat equal to iat, no rotation yet) as one list of letters: with
// them a first refresh token is under 253 characters (a 256-byte allocation, not 320) and a grant under 108 (112,
// not 144). A grant's openid that is its scope alone goes at the top under "O" ("o":{"W":"opef"} -> "O":"opef"): a
// grant of 98 characters, whose index hash (grant-records.ts) is then a 32-byte smaller allocation.
// A refresh token may leave out what its grant says (refresh-token-records.ts): its account and client (always its
// grant's) and its scope (usually the grant's), with the letter "F" saying so (0: account and client; n: also the
// scope, the first n words of the grant's), written in the zeros' list when there is one ("Z":"BrJF4": 2 characters,
// not 6). The payload carries that number under the symbol FROM_GRANT both ways (never a field oidc-provider sees); a
// record without the letter means what it always did. A first refresh token is then ~185 characters (a 192-byte
// allocation, not 256).
import type { AdapterPayload } from "oidc-provider";
import { ACR_PREFIX, ACR_SHORT, AUTH_LETTER, CODED, DECODED, SCOPE, codedValue, decodeAuth, encodeAuth } from "./record-values.ts";

const COMPACT = "~";

/** frequent field names -> one letter (never reuse or change a letter: stored records use them) */
const SHORT: Record<string, string> = {
  accountId: "a",
  authTime: "b",
  clientId: "c",
  grantId: "g",
  loginTs: "l",
  rotations: "r",
  scope: "s",
  sessionUid: "u",
  transient: "t",
  authorizations: "z",
  expiresWithSession: "w",
  codeChallenge: "h",
  codeChallengeMethod: "m",
  redirectUri: "d",
  nonce: "n",
  persistsLogout: "p",
  resource: "e",
  claims: "q",
  openid: "o",
  iiat: "i",
  consumed: "k",
  returnTo: "R",
  lastSubmission: "L",
  params: "P",
  prompt: "T",
  result: "S",
  // added later (records with the names in full still read: a name that is no letter stays as it is)
  iat: "I",
  exp: "E",
  uid: "U",
  amr: "M",
  acr: "C",
  gty: "y",
  sid: "j",
};
const LONG: Record<string, string> = Object.fromEntries(Object.entries(SHORT).map(([long, short]) => [short, long]));

/** the one-letter fields whose value is 0, when two or more: their letters ("B":0,"J":0,"r":0 -> "Z":"BJr") */
const ZEROS = "Z";

/**
 * a grant's openid that is its scope alone, in words: at the top under this letter ("o":{"W":"opef"} -> "O":"opef",
 * 6 characters less on almost every grant; one with claims, or a scope with another word, keeps "o")
 */
const OPENID_SCOPE = "O";
const openidScopeAlone = (openid: unknown): unknown => {
  if (!openid || typeof openid !== "object" || Array.isArray(openid)) return undefined;
  const keys = Object.keys(openid);
  if (keys.length !== 1 || keys[0] !== "scope") return undefined;
  return codedValue(SCOPE, (openid as { scope: unknown }).scope, undefined);
};

/**
 * what a refresh token left out because its grant says it (refresh-token-records.ts): on a payload to write or a
 * payload read, under this symbol (so never a field), 0 for its account and client, n for those and its scope too
 * (the first n words of the grant's scope); stored under the letter FROM_GRANT_LETTER
 */
export const FROM_GRANT: unique symbol = Symbol("fromGrant");
export type FromGrant = { [FROM_GRANT]?: number };
const FROM_GRANT_LETTER = "F";

// a letter given twice would misread stored records: fail when the module loads, not on someone's session
const LETTERS = [
  ...Object.values(SHORT),
  ...Object.values(CODED).map((coding) => coding.letter),
  AUTH_LETTER,
  ZEROS,
  FROM_GRANT_LETTER,
  OPENID_SCOPE,
];
if (new Set(LETTERS).size !== LETTERS.length) throw new Error("record-codec: a letter is given twice");

/** the nested maps worth shortening: a session's authorizations (client id -> { sid, grantId, persistsLogout }), a grant's openid ({ scope, claims }) */
const rename = (key: string, value: unknown, names: Record<string, string>): unknown => {
  if (!value || typeof value !== "object" || Array.isArray(value)) return value;
  if (key === "authorizations")
    return Object.fromEntries(
      Object.entries(value as Record<string, Record<string, unknown>>).map(([client, a]) => [client, renameKeys(a, names)]),
    );
  if (key === "openid") return (names === SHORT ? shortOpenid : longOpenid)(value as Record<string, unknown>);
  return value;
};
/** a grant's openid, its scope in words when it has that form (under the same letter as a scope at the top) */
function shortOpenid(openid: Record<string, unknown>): Record<string, unknown> {
  const to: Record<string, unknown> = {};
  for (const key in openid) {
    const scope = key === "scope" ? codedValue(SCOPE, openid[key], undefined) : undefined;
    if (scope !== undefined) to[SCOPE.letter] = scope;
    else to[SHORT[key] ?? key] = openid[key];
  }
  return to;
}
function longOpenid(openid: Record<string, unknown>): Record<string, unknown> {
  const to: Record<string, unknown> = {};
  for (const key in openid) {
    if (key === SCOPE.letter) to.scope = SCOPE.decode(openid[key], undefined);
    else to[LONG[key] ?? key] = openid[key];
  }
  return to;
}

function renameKeys(from: Record<string, unknown>, names: Record<string, string>): Record<string, unknown> {
  const to: Record<string, unknown> = {};
  for (const key in from) to[names[key] ?? key] = from[key];
  return to;
}

const hasOneLetter = (object: unknown): boolean => {
  if (!object || typeof object !== "object") return false;
  for (const key in object) if (key.length === 1) return true;
  return false;
};
/** what the compact form could not tell apart: a one-letter field name, or an acr that looks shortened */
export const notCompactable = (payload: Record<string, unknown>): boolean => {
  if (hasOneLetter(payload) || hasOneLetter(payload.openid)) return true;
  if (typeof payload.acr === "string" && payload.acr.startsWith(ACR_SHORT)) return true;
  const authorizations = payload.authorizations;
  if (authorizations && typeof authorizations === "object")
    for (const a of Object.values(authorizations as Record<string, unknown>)) if (hasOneLetter(a)) return true;
  return false;
};

/**
 * two or more one-letter fields of value 0 as their letters under ZEROS (a letter says which field, so 0 and absent
 * stay apart); FROM_GRANT joins them with its number after its letter unless 0 ("B":0,"r":0,"F":4 -> "Z":"BrF4")
 */
function zerosTogether(compact: Record<string, unknown>): Record<string, unknown> {
  const zeros = Object.keys(compact).filter((key) => key.length === 1 && key !== FROM_GRANT_LETTER && compact[key] === 0);
  const fromGrant = compact[FROM_GRANT_LETTER] as number | undefined;
  const together = fromGrant === undefined ? zeros : [...zeros, FROM_GRANT_LETTER + (fromGrant || "")];
  if (together.length < 2) return compact;
  const rest = Object.fromEntries(Object.entries(compact).filter(([key]) => !zeros.includes(key) && key !== FROM_GRANT_LETTER));
  return { ...rest, [ZEROS]: together.join("") };
}
function zerosApart(compact: Record<string, unknown>): Record<string, unknown> {
  const zeros = compact[ZEROS];
  if (typeof zeros !== "string") return compact;
  const { [ZEROS]: _zeros, ...rest } = compact;
  // each letter, and the number after it (only FROM_GRANT's is ever written; none: 0)
  const fields = [...zeros.matchAll(/(\D)(\d*)/g)].map(([, letter, digits]) => [letter, digits ? Number(digits) : 0]);
  return { ...Object.fromEntries(fields), ...rest };
}

/** the stored text of a record of `model` under `id` */
export function encodeRecord(model: string, id: string, payload: AdapterPayload & FromGrant): string {
  const record = payload as Record<string, unknown>;
  const fromGrant = payload[FROM_GRANT];
  if (fromGrant !== undefined && !(Number.isSafeInteger(fromGrant) && fromGrant >= 0 && !notCompactable(record)))
    throw new Error("record-codec: a refresh token leaves out only what the compact form can say it left out");
  if (notCompactable(record)) return JSON.stringify(payload);
  const compact: Record<string, unknown> = {};
  const auth = encodeAuth(record.acr, record.amr);
  for (const key in record) {
    const value = record[key];
    if ((key === "kind" && value === model) || (key === "jti" && value === id) || value === undefined) continue;
    if (auth !== undefined && (key === "acr" || key === "amr")) {
      compact[AUTH_LETTER] = auth;
      continue;
    }
    const openidScope = key === "openid" ? openidScopeAlone(value) : undefined;
    if (openidScope !== undefined) {
      compact[OPENID_SCOPE] = openidScope;
      continue;
    }
    const short = codedValue(CODED[key], value, record.iat);
    if (short !== undefined) {
      compact[CODED[key]!.letter] = short;
      continue;
    }
    compact[SHORT[key] ?? key] =
      key === "acr" && typeof value === "string" && value.startsWith(ACR_PREFIX)
        ? ACR_SHORT + value.slice(ACR_PREFIX.length)
        : rename(key, value, SHORT);
  }
  // kept in full when the record does not say what the key says (never seen; then nothing is inferred on reading)
  if (record.kind !== model) compact.kind = record.kind ?? null;
  if (record.jti !== id) compact.jti = record.jti ?? null;
  if (fromGrant !== undefined) compact[FROM_GRANT_LETTER] = fromGrant;
  return COMPACT + JSON.stringify(zerosTogether(compact));
}

/** the payload of a stored record (either format); a refresh token that left out what its grant says has FROM_GRANT */
export function decodeRecord(model: string, id: string, text: string): AdapterPayload & FromGrant {
  if (!text.startsWith(COMPACT)) return JSON.parse(text) as AdapterPayload;
  const compact = zerosApart(JSON.parse(text.slice(COMPACT.length)) as Record<string, unknown>);
  const payload: Record<string, unknown> & FromGrant = {};
  const iat = compact[SHORT.iat!] ?? compact.iat;
  for (const key in compact) {
    const value = compact[key];
    if (key === FROM_GRANT_LETTER) {
      payload[FROM_GRANT] = value as number;
      continue;
    }
    if (key === OPENID_SCOPE) {
      payload.openid = { scope: SCOPE.decode(value, undefined) };
      continue;
    }
    if (key === AUTH_LETTER) {
      Object.assign(payload, decodeAuth(value));
      continue;
    }
    const decoded = DECODED[key];
    if (decoded) {
      payload[decoded[0]] = decoded[1].decode(value, iat);
      continue;
    }
    const name = LONG[key] ?? key;
    payload[name] =
      name === "acr" && typeof value === "string" && value.startsWith(ACR_SHORT)
        ? ACR_PREFIX + value.slice(ACR_SHORT.length)
        : rename(name, value, LONG);
  }
  if (!("kind" in compact)) payload.kind = model;
  else if (payload.kind === null) delete payload.kind;
  if (!("jti" in compact)) payload.jti = id;
  else if (payload.jti === null) delete payload.jti;
  return payload as AdapterPayload;
}
