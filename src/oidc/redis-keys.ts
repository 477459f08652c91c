// Where the Redis adapter keeps things. Each record is a JSON string at `oidc:{Model:id}` (a grant's: a field of its
// index, grant-records.ts); what belongs to one record shares its hash tag (the braces), so one command or script may touch it all on Redis Cluster.

import { sessionUidKey } from "../services/sessions/session-key.ts";

export const recordKey = (model: string, id: string) => `oidc:{${model}:${id}}`;
/** a used code or rotated refresh token: when it was used */
export const markerKey = (model: string, id: string) => `oidc:{${model}:${id}}:consumed`;
/** what a grant issued (member, see `member` -> expiry) and the grant itself ("#…" fields are the index's own: grant-records.ts) */
export const grantIndexKey = (grantId: string) => `oidc:{grant:${grantId}}`;
/** the grant's record in its index, in pieces: "#g", "#g1", … "#g7" (grant-records.ts; a grant stored before has it at `recordKey("Grant", id)`) */
export const GRANT_RECORD_FIELD = "#g";
export const GRANT_RECORD_FIELDS = [GRANT_RECORD_FIELD, ...Array.from({ length: 7 }, (_, i) => `${GRANT_RECORD_FIELD}${i + 1}`)];
/** the team a grant's tokens speak for (a team id; absent beside the record: none), beside the record in the index */
export const GRANT_TEAM_FIELD = "#team";
/** the team of a grant stored with its record at `recordKey` (the older layouts; "" or absent for none, see grant-team.ts) */
export const grantTeamKey = (grantId: string) => `oidc:{Grant:${grantId}}:team`;
/** the session's uid -> its current record id, and the session's clock (services/sessions/session-key.ts) */
export const uidKey = sessionUidKey;
/** "this session was ended": same hash tag as the uid key */
export const tombstoneKey = (uid: string) => `oidc:{uid:${uid}}:ended`;
/** "this session record belongs to an ended session": same hash tag as the record, read with it */
export const sessionEndedKey = (jti: string) => `oidc:{Session:${jti}}:ended`;
/** a user's sessions and grants (members, see `member` -> expiry), to end them all at once */
export const userIndexKey = (accountId: string) => `oidc:{user:${accountId}}`;
export const userCodeKey = (userCode: string) => `oidc:{userCode:${userCode}}`;

/** the key read with a record in one MGET: a Session's ended marker, any other model's consumed marker (a Grant: grant-records.ts) */
export const secondKey = (model: string, id: string) => (model === "Session" ? sessionEndedKey(id) : markerKey(model, id));

// Index members (grant index, user index): the four frequent models are one letter before the id ("R" + id), any
// other "Model:id". Ids never hold a colon (oidc-provider's are base64url), so both forms read apart; members written
// before the letters ("RefreshToken:id") still read, and whatever removes a member removes both forms. A member is
// 44 characters instead of 54-56: a grant index of an access and a refresh token, or a user index of a session and a
// grant, then fits the next smaller allocation of Redis (16-48 bytes less per index).
const LETTER: Record<string, string> = { Session: "S", Grant: "G", AccessToken: "A", RefreshToken: "R" };
const MODEL: Record<string, string> = Object.fromEntries(Object.entries(LETTER).map(([model, letter]) => [letter, model]));
/** the index member of a record */
export const member = (model: string, id: string) => (LETTER[model] ? LETTER[model] + id : `${model}:${id}`);
/** the member and its form written before the letters (both go when a member goes) */
export const memberForms = (model: string, id: string): string[] =>
  LETTER[model] ? [LETTER[model] + id, `${model}:${id}`] : [`${model}:${id}`];

/** whether a model's records are listed in their grant's index (codes are not: they live a minute, and an exchange needs its grant) */
export const inGrantIndex = (model: string) => model !== "Grant" && model !== "AuthorizationCode";
/** index members are records ("#…" fields are the index's own bookkeeping) */
export const isMember = (field: string) => !field.startsWith("#");
export const splitMember = (member: string) => {
  const colon = member.indexOf(":");
  if (colon < 0) return { model: MODEL[member[0]!] ?? "", id: member.slice(1) };
  return { model: member.slice(0, colon), id: member.slice(colon + 1) };
};
