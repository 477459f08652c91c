// The provider admins' actions on where a user is signed in (user-admin.ts): sign out everywhere (sessions and
// grants), end one session, end every session. A target who outranks the admin is refused.
import { UUID } from "../lib/ids.ts";
import type { NotFound, Outranked, UserAdminActor, UserAdminDeps } from "./user-admin-types.ts";
import { requestOf, type UserAdminSteps } from "./user-admin-steps.ts";

export type SessionsEndResult = { outcome: "signed_out"; sessions: number; grants: number } | NotFound | Outranked;

export function createUserSessionActions({ queries, services }: UserAdminDeps, steps: UserAdminSteps) {
  const users = queries.users;
  const { record, outranked, endEverything } = steps;
  return {
    /** every session ends and every grant (refresh tokens too) is revoked; the account stays usable */
    async signOutEverywhere(userId: string, actor: UserAdminActor): Promise<SessionsEndResult> {
      if (!UUID.test(userId) || !(await users.findSafe(userId))) return { outcome: "not_found" };
      if (await outranked("user.signed_out_everywhere", userId, actor)) return { outcome: "outranked" };
      const ended = await endEverything(userId, "revoked_by_admin");
      await record("user.signed_out_everywhere", "success", userId, actor, { sessions: ended.sessions, grants: ended.grants });
      return { outcome: "signed_out", sessions: ended.sessions, grants: ended.grants };
    },

    /** ends one of the user's sessions (its refresh tokens die, relying parties are told); audited as session.revoked */
    async endSession(userId: string, sessionId: string, actor: UserAdminActor): Promise<{ outcome: "revoked" } | NotFound | Outranked> {
      if (!UUID.test(userId) || !(await users.findSafe(userId))) return { outcome: "not_found" };
      if (await outranked("session.revoked", userId, actor)) return { outcome: "outranked" };
      return services.sessions.revoke(userId, sessionId, {
        reason: "revoked_by_admin",
        actorId: actor.actorId,
        via: actor.via,
        request: requestOf(actor),
      });
    },

    /** ends every session of the user (their grants stay: signOutEverywhere also revokes those) */
    async endSessions(userId: string, actor: UserAdminActor): Promise<{ outcome: "ended"; ended: string[] } | NotFound | Outranked> {
      if (!UUID.test(userId) || !(await users.findSafe(userId))) return { outcome: "not_found" };
      if (await outranked("session.revoked", userId, actor)) return { outcome: "outranked" };
      return {
        outcome: "ended",
        ended: await services.sessions.revokeAll(userId, {
          reason: "revoked_by_admin",
          actorId: actor.actorId,
          via: actor.via,
          request: requestOf(actor),
        }),
      };
    },
  };
}
