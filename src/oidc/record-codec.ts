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
// So were the shorter values (CODED: a UUID account id, authTime and iiat as seconds before iat, grant types), each
// under a letter of its own, so a record with the value in full still reads.
import type { AdapterPayload } from "oidc-provider";

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

/** Gatehouse's own acr values (lib/acr.ts) are stored as "@" + their last part */
const ACR_PREFIX = "urn:gatehouse:loa:";
const ACR_SHORT = "@";

/** the nested maps worth shortening: a session's authorizations (client id -> { sid, grantId, persistsLogout }), a grant's openid ({ scope, claims }) */
const rename = (key: string, value: unknown, names: Record<string, string>): unknown => {
  if (!value || typeof value !== "object" || Array.isArray(value)) return value;
  if (key === "authorizations")
    return Object.fromEntries(
      Object.entries(value as Record<string, Record<string, unknown>>).map(([client, a]) => [client, renameKeys(a, names)]),
    );
  if (key === "openid") return renameKeys(value as Record<string, unknown>, names);
  return value;
};

/**
 * values with a shorter form, each under a letter of its own (so the letter says which form is stored): a UUID
 * account id as its 16 bytes in base64url (36 -> 22 characters), authTime and iiat as seconds before iat (10 -> 1-7),
 * a grant type as one letter per word ("authorization_code" -> "a"). Used only when the value reads back exactly.
 */
type Coding = { letter: string; encode(value: unknown, iat: unknown): unknown; decode(coded: unknown, iat: unknown): unknown };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const beforeIat = (letter: string): Coding => ({
  letter,
  encode: (value, iat) =>
    Number.isInteger(value) && Number.isInteger(iat) && (iat as number) >= (value as number)
      ? (iat as number) - (value as number)
      : undefined,
  decode: (coded, iat) => (typeof coded === "number" && typeof iat === "number" ? iat - coded : undefined),
});
const GRANT_TYPES: Record<string, string> = {
  authorization_code: "a",
  refresh_token: "r",
  client_credentials: "c",
  "urn:ietf:params:oauth:grant-type:device_code": "d",
  "urn:openid:params:grant-type:ciba": "b",
  "urn:ietf:params:oauth:grant-type:token-exchange": "x",
};
const GRANT_TYPE_OF: Record<string, string> = Object.fromEntries(Object.entries(GRANT_TYPES).map(([type, letter]) => [letter, type]));
const CODED: Record<string, Coding> = {
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
  gty: {
    letter: "Y",
    encode: (value) =>
      typeof value === "string" && value.split(" ").every((word) => GRANT_TYPES[word])
        ? value
            .split(" ")
            .map((word) => GRANT_TYPES[word])
            .join("")
        : undefined,
    decode: (coded) => (typeof coded === "string" ? [...coded].map((letter) => GRANT_TYPE_OF[letter]).join(" ") : undefined),
  },
};
const DECODED: Record<string, [string, Coding]> = Object.fromEntries(
  Object.entries(CODED).map(([name, coding]) => [coding.letter, [name, coding]]),
);
/** the shorter form of a value, when it has one that reads back exactly */
function coded(key: string, value: unknown, iat: unknown): unknown {
  const coding = CODED[key];
  if (!coding) return undefined;
  const short = coding.encode(value, iat);
  return short !== undefined && coding.decode(short, iat) === value ? short : undefined;
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
const notCompactable = (payload: Record<string, unknown>): boolean => {
  if (hasOneLetter(payload) || hasOneLetter(payload.openid)) return true;
  if (typeof payload.acr === "string" && payload.acr.startsWith(ACR_SHORT)) return true;
  const authorizations = payload.authorizations;
  if (authorizations && typeof authorizations === "object")
    for (const a of Object.values(authorizations as Record<string, unknown>)) if (hasOneLetter(a)) return true;
  return false;
};

/** the stored text of a record of `model` under `id` */
export function encodeRecord(model: string, id: string, payload: AdapterPayload): string {
  const record = payload as Record<string, unknown>;
  if (notCompactable(record)) return JSON.stringify(payload);
  const compact: Record<string, unknown> = {};
  for (const key in record) {
    const value = record[key];
    if ((key === "kind" && value === model) || (key === "jti" && value === id) || value === undefined) continue;
    const short = coded(key, value, record.iat);
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
  return COMPACT + JSON.stringify(compact);
}

/** the payload of a stored record (either format) */
export function decodeRecord(model: string, id: string, text: string): AdapterPayload {
  if (!text.startsWith(COMPACT)) return JSON.parse(text) as AdapterPayload;
  const compact = JSON.parse(text.slice(COMPACT.length)) as Record<string, unknown>;
  const payload: Record<string, unknown> = {};
  const iat = compact[SHORT.iat!] ?? compact.iat;
  for (const key in compact) {
    const value = compact[key];
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
