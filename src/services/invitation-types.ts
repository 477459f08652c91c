// What the parts of the invitations service (invitations.ts) share: their dependencies, the options of a call
// that sends an email, and what a link is for or why it no longer works, and what accepting it answers.
import type { Clock } from "../lib/clock.ts";
import type { InvitationQueries } from "../queries/invitations.ts";
import type { Team, TeamQueries, TeamRole } from "../queries/teams.ts";
import type { User, UserQueries } from "../queries/users.ts";
import type { PermissionQueries, SystemRole } from "../queries/permissions.ts";
import type { PermissionRegistry } from "../authz/registry.ts";
import type { AuditService } from "./audit.ts";
import type { Notifications, RequestInfo } from "./notifications.ts";
import type { TeamAccess } from "./team-roles.ts";

export type InvitationDeps = {
  invitations: InvitationQueries;
  teams: TeamQueries;
  users: UserQueries;
  permissions: PermissionQueries;
  registry: PermissionRegistry;
  access: TeamAccess;
  audit: AuditService;
  notifications: Notifications;
  clock: Clock;
  issuer: string;
  ttlSeconds: number;
};

export type PendingInvitation = { id: string; email: string; role: TeamRole; invitedBy: string | null; expiresAt: Date; createdAt: Date };
export type SendOptions = {
  request?: RequestInfo;
  /** runs before an email goes out, with the normalized address (the per-address email budget); may throw */
  beforeSend?: (emailNormalized: string) => Promise<void>;
};

export type InvalidLinkReason = "unknown" | "used" | "revoked" | "expired";
export type InvitationDetails =
  | { kind: "team"; id: string; email: string; team: Team; role: TeamRole; invitedBy: string | null; expiresAt: Date }
  | { kind: "admin"; id: string; email: string; systemRole: SystemRole; invitedBy: string | null; expiresAt: Date };
export type InspectResult = { outcome: "valid"; invitation: InvitationDetails } | { outcome: "invalid"; reason: InvalidLinkReason };

export type AcceptResult =
  | { outcome: "joined"; team: Team; role: TeamRole }
  | { outcome: "system_role_set"; systemRole: SystemRole }
  | { outcome: "already_member"; team: Team }
  | { outcome: "already_admin" }
  /** signed in with another address than the invited one */
  | { outcome: "wrong_account"; invitedEmail: string }
  /** the account's address is not verified yet (accept after verification) */
  | { outcome: "unverified" }
  | { outcome: "invalid"; reason: InvalidLinkReason };

export type AcceptingUser = Pick<User, "id" | "emailNormalized" | "emailVerified" | "systemRole">;
