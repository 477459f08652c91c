// The port the services own for what the OIDC layer keeps of sign-ins: session records, their ends, and the grants
// behind tokens (oidc/redis-adapter.ts implements it on Redis). Services speak to sessions and grants only
// through it, so the business rules point down to this type, never up into oidc/.

/**
 * sessions ended at once, with each one's uid and the relying parties it had signed in to (and the session's
 * sid there); `reason` as in user_sessions.end_reason (password_changed, revoked, idle, ...)
 */
export type EndedSessions = {
  sessions: number;
  grants: number;
  ended: { uid: string | null; clients: { clientId: string; sid: string | null }[] }[];
  reason?: string;
};
/** awaited by endUserSessions before it returns (the session records mark their rows ended) */
export type UserSessionsEndedHook = (accountId: string, ended: EndedSessions) => Promise<void>;
/** what a stored session says (the fields the services read) */
export type StoredSessionRecord = { uid?: unknown; accountId?: unknown; loginTs?: unknown; transient?: unknown; [field: string]: unknown };

export type SessionStore = {
  /** a live session record by its id (the cookie's), or by its uid; undefined when gone or ended */
  findSession(jti: string): Promise<StoredSessionRecord | undefined>;
  findSessionByUid(uid: string): Promise<StoredSessionRecord | undefined>;
  /** installs the check a refresh token passes at the token endpoint (false: refused); once, at start */
  setRefreshCheck(check: (payload: { sessionUid?: unknown; grantId?: unknown }) => Promise<boolean>): void;
  /** installs what endUserSessions awaits once sessions are gone; once, at start */
  setUserSessionsEndedHook(hook: UserSessionsEndedHook): void;
  /** after a logout: the session's uid goes and a tombstone stays */
  forgetSession(uid: string): Promise<void>;
  /** whether the session of this uid was ended */
  sessionEnded(uid: string): Promise<boolean>;
  /** whether it was ended before this request saved it (the save's own check answers when it did) */
  endedBeforeSave(uid: string): Promise<boolean>;
  userSessionUids(accountId: string): Promise<string[]>;
  sessionsAlive(uids: string[]): Promise<boolean[]>;
  /** ends one session and every grant it signed in with; null when it was already gone */
  endSession(
    uid: string,
  ): Promise<{ accountId: string | null; clients: { clientId: string; sid: string | null }[]; grants: number } | null>;
  destroyGrant(grantId: string): Promise<void>;
  grantTeam(grantId: string): Promise<string | null>;
  setGrantTeam(grantId: string, teamId: string | null, grantExp?: number): Promise<void>;
  /** revokes the user's grants that speak for the team */
  revokeTeamGrants(accountId: string, teamId: string): Promise<number>;
  /** ends every session of the user but `keepSessionId` and revokes every grant */
  endUserSessions(accountId: string, keepSessionId?: string, reason?: string): Promise<EndedSessions>;
};
