// How an oidc-provider record is written to Redis: compact JSON. A session's three long-lived records (session,
// grant, refresh token) are most of what Redis holds per signed-in user, and a third of each record was field
// names and two fields the key already says: `kind` (the model) and `jti` (the id). So a record is written as
// "~" + JSON with those two left out and the frequent field names shortened (one letter each; oidc-provider never
// names a field with one letter, and a payload that does is written in full). Reading restores the payload
// exactly. A record written before this format (plain JSON, starting with "{") is read as it is, so an upgrade
// keeps every running session and token.
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
};
const LONG: Record<string, string> = Object.fromEntries(Object.entries(SHORT).map(([long, short]) => [short, long]));

/** the one nested map worth shortening: a session's authorizations (client id -> { sid, grantId, persistsLogout }) */
const shortenAuthorizations = (authorizations: Record<string, Record<string, unknown>>) =>
  Object.fromEntries(Object.entries(authorizations).map(([client, a]) => [client, renameKeys(a, SHORT)]));
const lengthenAuthorizations = (authorizations: Record<string, Record<string, unknown>>) =>
  Object.fromEntries(Object.entries(authorizations).map(([client, a]) => [client, renameKeys(a, LONG)]));

function renameKeys(from: Record<string, unknown>, names: Record<string, string>): Record<string, unknown> {
  const to: Record<string, unknown> = {};
  for (const key in from) to[names[key] ?? key] = from[key];
  return to;
}

const hasOneLetterField = (payload: Record<string, unknown>): boolean => {
  for (const key in payload) if (key.length === 1) return true;
  const authorizations = payload.authorizations;
  if (authorizations && typeof authorizations === "object") {
    for (const a of Object.values(authorizations as Record<string, Record<string, unknown>>))
      for (const key in a) if (key.length === 1) return true;
  }
  return false;
};

/** the stored text of a record of `model` under `id` */
export function encodeRecord(model: string, id: string, payload: AdapterPayload): string {
  const record = payload as Record<string, unknown>;
  if (hasOneLetterField(record)) return JSON.stringify(payload);
  const compact: Record<string, unknown> = {};
  for (const key in record) {
    const value = record[key];
    if ((key === "kind" && value === model) || (key === "jti" && value === id) || value === undefined) continue;
    compact[SHORT[key] ?? key] =
      key === "authorizations" && value && typeof value === "object"
        ? shortenAuthorizations(value as Record<string, Record<string, unknown>>)
        : value;
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
  for (const key in compact) {
    const name = LONG[key] ?? key;
    const value = compact[key];
    payload[name] =
      name === "authorizations" && value && typeof value === "object"
        ? lengthenAuthorizations(value as Record<string, Record<string, unknown>>)
        : value;
  }
  if (!("kind" in compact)) payload.kind = model;
  else if (payload.kind === null) delete payload.kind;
  if (!("jti" in compact)) payload.jti = id;
  else if (payload.jti === null) delete payload.jti;
  return payload as AdapterPayload;
}
