// The steps the provider admins' user actions (user-admin.ts) share: the audit record (the acting admin, and the
// surface as data.via), the refusal of a target who outranks the admin, and ending everything a user is signed in with.
import type { EndedSessions } from "./sessions/session-store.ts";
import type { UserAdminActor, UserAdminDeps } from "./user-admin-types.ts";
import { auditedBy, surfaceOf } from "./admin-actor.ts";

// The request an action came with, as the services it calls take it (the user actions import it with the steps).
export { requestOf } from "./admin-actor.ts";

export function createUserAdminSteps(services: UserAdminDeps["services"]) {
  const record = (
    type: string,
    outcome: "success" | "failure",
    userId: string | null,
    actor: UserAdminActor,
    data: Record<string, string | number | boolean | null> = {},
  ) =>
    services.audit.record({
      type,
      outcome,
      userId,
      ...auditedBy(actor),
      data: { ...data, ...surfaceOf(actor) },
    });
  /** the target holds a wider system role than the actor: refused and audited as a failure */
  async function outranked(type: string, userId: string, actor: UserAdminActor): Promise<boolean> {
    if (!(await services.systemRoles.outranks(userId, { actorId: actor.actorId }))) return false;
    await record(type, "failure", userId, actor, { reason: "outranked" });
    return true;
  }

  /** ends every session and revokes every grant (so refresh tokens), then tells the relying parties */
  async function endEverything(userId: string, reason: string): Promise<{ sessions: number; grants: number }> {
    const ended: EndedSessions = await services.oidcStore.endUserSessions(userId, undefined, reason);
    services.sessionEvents.sessionsEnded(userId, ended);
    // `ended.sessions` counts index entries (a session's storage id changes at each sign-in): count the records found
    return { sessions: ended.ended.length, grants: ended.grants };
  }

  return { record, outranked, endEverything };
}

export type UserAdminSteps = ReturnType<typeof createUserAdminSteps>;
