// The provider admins' actions on a user's account itself (user-admin.ts): disable and enable, lift a sign-in
// lock, change the system role. Each is audited as user.<action> with the acting admin and data.via; a target
// who outranks the admin is refused.
import { SUPER_ADMIN } from "../authz/core-permissions.ts";
import { UUID } from "../lib/ids.ts";
import type { NotFound, Outranked, UserAdminActor, UserAdminDeps } from "./user-admin-types.ts";
import type { UserAdminSteps } from "./user-admin-steps.ts";
import { auditedBy, surfaceOf } from "./admin-actor.ts";

export type DisableResult =
  | { outcome: "disabled"; changed: boolean; sessions: number; grants: number }
  | NotFound
  | { outcome: "last_super_admin" }
  | { outcome: "self" }
  | Outranked;

export function createUserAccountActions({ queries, clock, services }: UserAdminDeps, steps: UserAdminSteps) {
  const users = queries.users;
  const { record, outranked, endEverything } = steps;
  return {
    /** the account can no longer sign in; every session ends, every grant and refresh token is revoked */
    async disable(userId: string, actor: UserAdminActor): Promise<DisableResult> {
      if (!UUID.test(userId)) return { outcome: "not_found" };
      if (userId === actor.actorId) {
        await record("user.disabled", "failure", userId, actor, { reason: "self" });
        return { outcome: "self" };
      }
      if (await outranked("user.disabled", userId, actor)) return { outcome: "outranked" };
      const result = await users.setDisabled(userId, true, clock.now(), SUPER_ADMIN);
      if (result.outcome === "not_found") return result;
      if (result.outcome === "last") {
        await record("user.disabled", "failure", userId, actor, { reason: "last_super_admin" });
        return { outcome: "last_super_admin" };
      }
      // also when it was disabled already: whatever signed in meanwhile ends too
      const ended = await endEverything(userId, "disabled");
      await record("user.disabled", "success", userId, actor, {
        changed: result.outcome === "updated",
        sessions: ended.sessions,
        grants: ended.grants,
      });
      return { outcome: "disabled", changed: result.outcome === "updated", sessions: ended.sessions, grants: ended.grants };
    },

    async enable(userId: string, actor: UserAdminActor): Promise<{ outcome: "enabled"; changed: boolean } | NotFound | Outranked> {
      if (!UUID.test(userId) || !(await users.findSafe(userId))) return { outcome: "not_found" };
      // a Super Admin disabled by another Super Admin stays disabled for a user manager
      if (await outranked("user.enabled", userId, actor)) return { outcome: "outranked" };
      const result = await users.setDisabled(userId, false, clock.now(), SUPER_ADMIN);
      if (result.outcome === "not_found") return { outcome: "not_found" };
      await record("user.enabled", "success", userId, actor, { changed: result.outcome === "updated" });
      return { outcome: "enabled", changed: result.outcome === "updated" };
    },

    /** lifts a sign-in lock and starts the failure count over */
    async unlock(userId: string, actor: UserAdminActor): Promise<{ outcome: "unlocked"; wasLocked: boolean } | NotFound | Outranked> {
      if (!UUID.test(userId) || !(await users.findSafe(userId))) return { outcome: "not_found" };
      // lifting a wider admin's lock would let password guessing on that account go on
      if (await outranked("user.unlocked", userId, actor)) return { outcome: "outranked" };
      const lockedUntil = await services.lockout.lockedUntil({ userId });
      await services.lockout.reset({ userId });
      await record("user.unlocked", "success", userId, actor, { wasLockedUntil: lockedUntil?.toISOString() ?? null });
      return { outcome: "unlocked", wasLocked: lockedUntil !== null };
    },

    /** gives or takes the system role (systemRoles rules: the last active Super Admin keeps theirs); audited there as user.system_role_changed (with via) */
    setSystemRole: (userId: string, role: string | null, actor: UserAdminActor) =>
      UUID.test(userId)
        ? services.systemRoles.setUserRole(userId, role, {
            ...auditedBy(actor),
            ...surfaceOf(actor),
          })
        : Promise.resolve({ outcome: "not_found" as const }),
  };
}
