// What the parts of deleting an account (account-deletion.ts) share: their dependencies, the proof a user gives
// and the request a deletion came with, and the outcomes of each way of deleting and restoring an account.
import type { Clock } from "../lib/clock.ts";
import type { UserQueries } from "../queries/users.ts";
import type { AccountDeletionQueries, OwnedTeam } from "../queries/account-deletion.ts";
import type { AccountService } from "./accounts.ts";
import type { AuditService } from "./audit.ts";
import type { LockoutService } from "./lockout.ts";
import type { Notifications } from "./notifications.ts";
import type { SessionEvents } from "./session-events.ts";
import type { SessionStore } from "./sessions/session-store.ts";
import type { SystemRoleService } from "./system-roles.ts";
import type { TotpService } from "./totp.ts";
import type { Passkeys } from "./passkeys/index.ts";
import type { LockRequest } from "./sign-in-locks.ts";

export type { OwnedTeam };

/**
 * what proves it is the user: their password, or (without a password) a TOTP or backup code, or a passkey's
 * answer (`response`, the browser's JSON) to the challenge issued for the account session `binding`
 */
export type DeletionProof = { password?: string; code?: string; passkey?: { response: string; binding: string } };
/** where the request came from and through which surface ("account_page", "api", "admin_page", "cli") */
export type DeletionRequest = LockRequest & { via: string };

/** the refusals that keep the account as it is, whoever deletes it */
export type Refused = { outcome: "not_found" } | { outcome: "owns_teams"; teams: OwnedTeam[] } | { outcome: "last_super_admin" };
export type OwnDeletionResult =
  | { outcome: "deleted" }
  | { outcome: "scheduled"; dueAt: Date }
  | {
      outcome:
        | "reauth_required"
        | "wrong_password"
        | "wrong_code"
        | "locked"
        | "no_factor"
        | "deletion_pending"
        | "passkey_refused"
        | "passkey_required";
    }
  | Refused;
export type AdminDeletionResult = { outcome: "deleted"; teamsDeleted: number } | { outcome: "self" } | { outcome: "outranked" } | Refused;
export type RestoreResult =
  { outcome: "restored"; user: { id: string; username: string; email: string } } | { outcome: "invalid" | "expired" };
export type EraseDueResult = { erased: number; failed: { userId: string; reason: string }[] };

export type AccountDeletionDeps = {
  queries: { accountDeletion: AccountDeletionQueries; users: UserQueries };
  clock: Clock;
  settings: { graceDays: number; issuer: string; masterKey: Buffer };
  services: {
    accounts: Pick<AccountService, "confirmPassword" | "recordFailure" | "isLocked">;
    totp: Pick<TotpService, "verifyCode">;
    oidcStore: Pick<SessionStore, "endUserSessions">;
    sessionEvents: SessionEvents;
    notifications: Notifications;
    audit: AuditService;
    systemRoles: Pick<SystemRoleService, "outranks">;
    lockout: Pick<LockoutService, "reset">;
    passkeys: Pick<Passkeys, "authentication" | "enrolled">;
  };
};
