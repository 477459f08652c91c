// Where the Redis adapter keeps things. Each record is a JSON string at `oidc:{Model:id}`; what belongs to one
// record shares its hash tag (the braces), so one command or script may touch it all on Redis Cluster.

export const recordKey = (model: string, id: string) => `oidc:{${model}:${id}}`;
/** a used code or rotated refresh token: when it was used */
export const markerKey = (model: string, id: string) => `oidc:{${model}:${id}}:consumed`;
/** what a grant issued (member "Model:id" -> expiry; "#…" fields are the index's own bookkeeping) */
export const grantIndexKey = (grantId: string) => `oidc:{grant:${grantId}}`;
/** the team a grant's tokens speak for (a team id, "" for none), beside the grant's record and read with it */
export const grantTeamKey = (grantId: string) => `oidc:{Grant:${grantId}}:team`;
/** the session's uid -> its current record id */
export const uidKey = (uid: string) => `oidc:{uid:${uid}}`;
/** "this session was ended": same hash tag as the uid key */
export const tombstoneKey = (uid: string) => `oidc:{uid:${uid}}:ended`;
/** "this session record belongs to an ended session": same hash tag as the record, read with it */
export const sessionEndedKey = (jti: string) => `oidc:{Session:${jti}}:ended`;
/** a user's sessions and grants (members "Session:id" and "Grant:id" -> expiry), to end them all at once */
export const userIndexKey = (accountId: string) => `oidc:{user:${accountId}}`;
export const userCodeKey = (userCode: string) => `oidc:{userCode:${userCode}}`;

/** the key read with a record in one MGET: a Session's ended marker, a Grant's team, any other model's consumed marker */
export const secondKey = (model: string, id: string) =>
  model === "Session" ? sessionEndedKey(id) : model === "Grant" ? grantTeamKey(id) : markerKey(model, id);
/** what goes when a record goes (a Session's ended marker stays: it keeps a request in flight from saving it again) */
export const companionKey = (model: string, id: string) => (model === "Grant" ? grantTeamKey(id) : markerKey(model, id));

/** whether a model's records are listed in their grant's index (codes are not: they live a minute, and an exchange needs its grant) */
export const inGrantIndex = (model: string) => model !== "Grant" && model !== "AuthorizationCode";
/** index members are "Model:id" ("#…" fields are the index's own bookkeeping) */
export const isMember = (field: string) => !field.startsWith("#");
export const splitMember = (member: string) => {
  const colon = member.indexOf(":");
  return { model: member.slice(0, colon), id: member.slice(colon + 1) };
};
