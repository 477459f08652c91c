// The steps every way of deleting an account (account-deletion.ts) shares: the audit pseudonym of a user, the
// audit record, ending every session and grant, and the refusals checked before anything changes. The erasure
// itself is in account-deletion-erase.ts.
import { keyedDigest } from "../lib/crypto.ts";
import { SUPER_ADMIN } from "../authz/core-permissions.ts";
import type { User } from "../queries/users.ts";
import { requestOf } from "./admin-actor.ts";
import type { LockRequest } from "./sign-in-locks.ts";
import type { AccountDeletionDeps, Refused } from "./account-deletion-types.ts";

export function createAccountDeletionSteps({ queries, settings, services }: AccountDeletionDeps) {
  const q = queries.accountDeletion;

  /** the stable pseudonym of a user id in the audit log: "deleted:" and an HMAC under a key only for this */
  const pseudonymOf = (userId: string) => `deleted:${keyedDigest(settings.masterKey, "gatehouse audit pseudonym v1", userId).slice(0, 32)}`;

  const record = (
    type: string,
    outcome: "success" | "failure",
    userId: string,
    actorId: string,
    request: LockRequest,
    data: Record<string, string | number | boolean | null | string[]>,
  ) =>
    services.audit.record({
      type,
      outcome,
      userId,
      actorId,
      ...requestOf(request),
      clientId: request.clientId ?? null,
      data,
    });

  async function endEverything(userId: string): Promise<number> {
    const ended = await services.oidcStore.endUserSessions(userId, undefined, "account_deleted");
    services.sessionEvents.sessionsEnded(userId, ended);
    return ended.ended.length;
  }

  /** the refusal that keeps the account as it is (checked again under the row lock), or null */
  async function precheck(user: Pick<User, "id" | "disabled" | "systemRole">): Promise<Refused | null> {
    if (await q.lastActiveOf(user.id, SUPER_ADMIN)) return { outcome: "last_super_admin" };
    const { owned } = await q.teamsOf(user.id);
    if (owned.length) return { outcome: "owns_teams", teams: owned };
    return null;
  }

  return { pseudonymOf, record, endEverything, precheck };
}

export type AccountDeletionSteps = ReturnType<typeof createAccountDeletionSteps>;
