// The erasure of an account (account-deletion.ts), whoever asks for it: one transaction in
// queries/account-deletion.ts, under the user's row lock (of parallel deletions one wins), with its confirmation
// email and audit event. Every session ends and every grant is revoked before it and again after it.
import { SUPER_ADMIN } from "../authz/core-permissions.ts";
import type { User } from "../queries/users.ts";
import type { NewAuditEvent } from "../queries/audit-events.ts";
import type { LockRequest } from "./sign-in-locks.ts";
import type { AccountDeletionDeps } from "./account-deletion-types.ts";
import type { AccountDeletionSteps } from "./account-deletion-steps.ts";

export function createAccountErasure({ queries, services }: AccountDeletionDeps, { pseudonymOf, endEverything }: AccountDeletionSteps) {
  const q = queries.accountDeletion;

  /** the erasure, its email and its audit event; `actorId`: the acting admin's id ("cli" from the CLI), null for the user */
  async function erase(user: User, how: { actorId: string | null; via: string; request: LockRequest; due?: Date }) {
    const pseudonym = pseudonymOf(user.id);
    const email = await services.notifications.prepare.accountDeleted(
      user,
      { ip: how.request.ip, userAgent: how.request.userAgent },
      how.actorId !== null ? "admin" : how.due ? "grace_period_ended" : "self",
    );
    const event: NewAuditEvent = {
      type: how.actorId === null ? "account.deleted" : "user.deleted",
      outcome: "success",
      actorId: how.actorId ?? pseudonym,
      clientId: how.request.clientId ?? null,
      data: { via: how.via },
    };
    const sessionsBefore = await endEverything(user.id); // Redis down: the deletion stops here, nothing changed
    const result = await q.erase(user.id, { pseudonym, keepRole: SUPER_ADMIN, due: how.due, outbox: [email], events: [event] });
    if (result.outcome !== "erased") return result;
    // a sign-in that raced the erasure: nothing it made survives (findAccount finds no user either)
    await endEverything(user.id).catch(() => undefined);
    await services.lockout.reset({ userId: user.id }).catch(() => undefined);
    services.notifications.wake();
    return { ...result, sessions: sessionsBefore };
  }

  return erase;
}

export type AccountErasure = ReturnType<typeof createAccountErasure>;
