// What the parts of the provider admins' user administration (user-admin.ts) share: their dependencies, the
// acting admin and the surface they act through, and the outcomes every user action may answer (with the
// catalogue codes of its refusals).
import type { AccountService } from "./accounts.ts";
import type { TeamService } from "./teams.ts";
import type { LockoutService } from "./lockout.ts";
import type { TotpService } from "./totp.ts";
import type { PasswordResetService } from "./password-reset.ts";
import type { SystemRoleService } from "./system-roles.ts";
import type { SessionEvents } from "./session-events.ts";
import type { Notifications } from "./notifications.ts";
import type { AuditService } from "./audit.ts";
import type { Clock } from "../lib/clock.ts";
import type { Queries } from "../queries/index.ts";
import type { SessionRecords } from "./sessions/records.ts";
import type { TrustedDevices } from "./devices/trusted-devices.ts";
import type { Passkeys } from "./passkeys/index.ts";
import type { SessionStore } from "./sessions/session-store.ts";
import type { ErrorCode } from "../lib/error-catalogue.ts";
import type { AdminActor, SurfaceActor } from "./admin-actor.ts";

const REFUSAL_CODES: Record<string, ErrorCode> = {
  not_found: "user.not_found",
  self: "user.cannot_disable_self",
  last_super_admin: "user.last_super_admin",
  outranked: "user.outranked",
};
/** the catalogue code of a refusal every user action may answer (lib/error-catalogue.ts); null for a success */
export const refusalCode = (outcome: string): ErrorCode | null => REFUSAL_CODES[outcome] ?? null;

export type { AdminActor };
/** the acting admin and the surface they act through (every event the use cases record names it as data.via) */
export type UserAdminActor = SurfaceActor;
export type NotFound = { outcome: "not_found" };
/** the target's system role holds more than the acting admin's */
export type Outranked = { outcome: "outranked" };

export type UserAdminDeps = {
  queries: Pick<Queries, "users" | "auditEvents" | "teams">;
  clock: Clock;
  services: {
    accounts: AccountService;
    teams: TeamService;
    sessions: SessionRecords;
    devices: TrustedDevices;
    lockout: LockoutService;
    totp: TotpService;
    passwordReset: PasswordResetService;
    systemRoles: SystemRoleService;
    oidcStore: SessionStore;
    sessionEvents: SessionEvents;
    notifications: Notifications;
    audit: AuditService;
    passkeys: Passkeys;
  };
};
