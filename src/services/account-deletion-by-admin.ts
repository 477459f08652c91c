// An administrator deleting a user (account-deletion.ts; the admin pages, `DELETE /api/v1/users/:id` and the
// CLI's `delete-user`): erased at once, whatever the grace period, for a user whose system role is not wider than
// theirs and never themselves (their own account has its page). Every refusal is audited as user.deleted, failed.
import { UUID } from "../lib/ids.ts";
import { requestOf, type AdminActor } from "./admin-actor.ts";
import type { AccountDeletionDeps, AdminDeletionResult } from "./account-deletion-types.ts";
import type { AccountDeletionSteps } from "./account-deletion-steps.ts";
import type { AccountErasure } from "./account-deletion-erase.ts";

export function createAdminDeletion(
  { queries, services }: AccountDeletionDeps,
  { record, precheck }: AccountDeletionSteps,
  erase: AccountErasure,
) {
  return {
    /** an administrator deletes a user (erased at once, whatever the grace period); `via`: admin_page, api, cli */
    async deleteUser(userId: string, actor: AdminActor & { via: string; clientId?: string | null }): Promise<AdminDeletionResult> {
      const user = UUID.test(userId) ? await queries.users.findById(userId.toLowerCase()) : null;
      if (!user) return { outcome: "not_found" };
      const request = { ...requestOf(actor), clientId: actor.clientId ?? null };
      const failed = (reason: string) => record("user.deleted", "failure", user.id, actor.actorId, request, { reason, via: actor.via });
      if (user.id === actor.actorId) return (await failed("self"), { outcome: "self" });
      if (await services.systemRoles.outranks(user.id, { actorId: actor.actorId }))
        return (await failed("outranked"), { outcome: "outranked" });
      const blocked = await precheck(user);
      if (blocked) return (await failed(blocked.outcome), blocked);
      const result = await erase(user, { actorId: actor.actorId, via: actor.via, request });
      if (result.outcome === "erased") return { outcome: "deleted", teamsDeleted: result.teamsDeleted.length };
      if (result.outcome === "already_pending" || result.outcome === "not_due" || result.outcome === "not_found")
        return { outcome: "not_found" };
      await failed(result.outcome);
      return result;
    },
  };
}
