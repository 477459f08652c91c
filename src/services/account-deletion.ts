// Deleting an account (#21), one use case for the account page, the REST API (`DELETE /api/v1/me`), the admin
// pages, the admin API (`DELETE /api/v1/users/:id`) and the CLI (`delete-user`, `erase-due-accounts`).
//
// The user deletes their own account after proving it is them again: the password, or without one a current
// second factor (a TOTP or backup code), wrong ones counting toward the lockout like a sign-in; or, for a user
// with passkeys, a passkey assertion (user verification required) to a challenge bound to their account session,
// taken once (the account page runs the ceremony; the REST API cannot, so a passkey-only account is sent there).
// An administrator deletes a user whose system role is not wider than theirs, never themselves (their own account
// has its page).
// Refused, changing nothing: the last active Super Admin, and the Owner of a team that has other members (the
// team is handed over first); a team where they are alone goes with them.
//
// Erasure is one transaction (queries/account-deletion.ts, under the user's row lock: of parallel deletions one
// wins): teams alone, transfers, the audit events pseudonymised, the user row with everything hanging off it, the
// confirmation email and the audit event. Every session ends and every grant is revoked (so every code, access and
// refresh token), before and again after it, and relying parties get back-channel logouts.
//
// With ACCOUNT_DELETION_GRACE_DAYS > 0 a user's own deletion disables the account (sessions, grants and trusted
// browsers end at once) and emails a single-use restore link (only its SHA-256 kept) that works until the grace
// period ends; `eraseDue(now)` then erases it (the retention job and `gatehouse erase-due-accounts` call it).
//
// This file puts the parts together: their dependencies and outcomes are in account-deletion-types.ts, the
// refusals' catalogue codes in account-deletion-refusals.ts, the pseudonym, audit record and prechecks they share
// in account-deletion-steps.ts, the erasure in account-deletion-erase.ts; the user's own deletion in
// account-deletion-own.ts (its re-authentication in account-deletion-reauthentication.ts), an administrator's in
// account-deletion-by-admin.ts, the restore links and eraseDue in account-deletion-grace.ts.
import type { AccountDeletionDeps, OwnedTeam } from "./account-deletion-types.ts";
import { createAccountDeletionSteps } from "./account-deletion-steps.ts";
import { createAccountErasure } from "./account-deletion-erase.ts";
import { createOwnDeletion } from "./account-deletion-own.ts";
import { createAdminDeletion } from "./account-deletion-by-admin.ts";
import { createDeletionGracePeriod } from "./account-deletion-grace.ts";

export type {
  OwnedTeam,
  DeletionProof,
  DeletionRequest,
  OwnDeletionResult,
  AdminDeletionResult,
  RestoreResult,
  EraseDueResult,
  AccountDeletionDeps,
} from "./account-deletion-types.ts";
export { ownDeletionRefusal, adminDeletionRefusal } from "./account-deletion-refusals.ts";
export { ERASE_BATCH } from "./account-deletion-grace.ts";

export function createAccountDeletion(deps: AccountDeletionDeps) {
  const steps = createAccountDeletionSteps(deps);
  const erase = createAccountErasure(deps, steps);
  return {
    pseudonymOf: steps.pseudonymOf,
    graceDays: deps.settings.graceDays,

    /** the teams that keep the user from deleting their account (they own them, with other members) */
    blockingTeams: async (userId: string): Promise<OwnedTeam[]> => (await deps.queries.accountDeletion.teamsOf(userId)).owned,

    ...createOwnDeletion(deps, steps, erase),
    ...createAdminDeletion(deps, steps, erase),
    ...createDeletionGracePeriod(deps, erase),
  };
}

export type AccountDeletion = ReturnType<typeof createAccountDeletion>;
