// A user deleting their own account (account-deletion.ts; the account page and `DELETE /api/v1/me`): after
// re-authentication (account-deletion-reauthentication.ts) and the refusals every deletion checks, the account
// is erased at once, or with ACCOUNT_DELETION_GRACE_DAYS > 0 disabled (sessions, grants and trusted browsers end
// at once) with a single-use restore link emailed (only its SHA-256 kept) that works until the grace period ends.
import { randomToken, sha256 } from "../lib/crypto.ts";
import { SUPER_ADMIN } from "../authz/core-permissions.ts";
import type { User } from "../queries/users.ts";
import type { NewAuditEvent } from "../queries/audit-events.ts";
import { requestOf } from "./admin-actor.ts";
import type { AccountDeletionDeps, DeletionProof, DeletionRequest, OwnDeletionResult } from "./account-deletion-types.ts";
import type { AccountDeletionSteps } from "./account-deletion-steps.ts";
import type { AccountErasure } from "./account-deletion-erase.ts";
import { createDeletionReauthentication } from "./account-deletion-reauthentication.ts";

export function createOwnDeletion(deps: AccountDeletionDeps, steps: AccountDeletionSteps, erase: AccountErasure) {
  const { queries, clock, settings, services } = deps;
  const q = queries.accountDeletion;
  const { record, endEverything, precheck } = steps;
  const reauthenticate = createDeletionReauthentication(deps, steps);

  async function schedule(user: User, request: DeletionRequest): Promise<OwnDeletionResult> {
    const at = clock.now();
    const dueAt = new Date(at.getTime() + settings.graceDays * 86400_000);
    const token = randomToken();
    const link = `${settings.issuer}/account/restore?token=${token}`;
    const email = await services.notifications.prepare.accountDeletionScheduled(user, link, dueAt, {
      ip: request.ip,
      userAgent: request.userAgent,
    });
    const events: NewAuditEvent[] = [
      {
        type: "account.deletion_scheduled",
        outcome: "success",
        userId: user.id,
        actorId: user.id,
        clientId: request.clientId ?? null,
        ...requestOf(request),
        data: { via: request.via, dueAt: dueAt.toISOString() },
      },
    ];
    const result = await q.schedule(user.id, { dueAt, at, keepRole: SUPER_ADMIN, tokenHash: sha256(token), outbox: [email], events });
    if (result.outcome === "already_pending") return { outcome: "deletion_pending" };
    if (result.outcome !== "scheduled") return result.outcome === "not_due" ? { outcome: "not_found" } : result;
    await endEverything(user.id);
    services.notifications.wake();
    return { outcome: "scheduled", dueAt };
  }

  return {
    /** "delete my account": re-authentication, then erasure now or (with a grace period) a restorable deletion */
    async deleteOwn(user: User, proof: DeletionProof, request: DeletionRequest): Promise<OwnDeletionResult> {
      if (user.deletionDueAt) return { outcome: "deletion_pending" };
      const refusal = await reauthenticate(user, proof, request);
      if (refusal) return refusal;
      const blocked = await precheck(user);
      if (blocked) {
        await record("account.deletion_failed", "failure", user.id, user.id, request, { reason: blocked.outcome, via: request.via });
        return blocked;
      }
      if (settings.graceDays > 0) return schedule(user, request);
      const result = await erase(user, { actorId: null, via: request.via, request });
      if (result.outcome === "erased") return { outcome: "deleted" };
      if (result.outcome === "already_pending" || result.outcome === "not_due") return { outcome: "not_found" };
      if (result.outcome !== "not_found")
        await record("account.deletion_failed", "failure", user.id, user.id, request, { reason: result.outcome, via: request.via });
      return result;
    },
  };
}
