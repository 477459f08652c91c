// Invitations by email: to a team with a role (Owner/Manager, gatehouse.team.invitations.manage) or to the admin
// area with a system role. Links carry 32 random bytes (only the SHA-256 kept), work once, for INVITATION_TTL;
// a resend makes a new link and ends the old one. Accepting needs the invited address: a signed-in user
// (`acceptForUser`, also Door B of registration) joins with the invited role; nothing changes otherwise.
import { randomToken, sha256 } from "../lib/crypto.ts";
import type { Clock } from "../lib/clock.ts";
import type { Invitation, InvitationQueries, InvitationWithTeam } from "../queries/invitations.ts";
import type { Team, TeamQueries, TeamRole } from "../queries/teams.ts";
import type { User, UserQueries } from "../queries/users.ts";
import type { PermissionQueries, SystemRole } from "../queries/permissions.ts";
import type { PermissionRegistry } from "../authz/registry.ts";
import type { AuditService } from "./audit.ts";
import type { Notifications, RequestInfo } from "./notifications.ts";
import { normalizeEmail } from "./identifiers.ts";
import {
  TEAM_PERMISSIONS,
  forbidden,
  invalid,
  type TeamAccess,
  type TeamActor,
  type TeamActorRef,
  type TeamRefusal,
} from "./team-roles.ts";
import { requestOf } from "./admin-actor.ts";

const ADMIN_INVITATIONS = "gatehouse.admin.invitations.manage";
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

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

export function createInvitationService(deps: {
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
}) {
  const { invitations, teams, users, access, audit, notifications, clock } = deps;

  const linkFor = (token: string) => `${deps.issuer}/invitations/${token}`;
  const newLink = () => {
    const token = randomToken(32);
    return { token, tokenHash: sha256(token), expiresAt: new Date(clock.now().getTime() + deps.ttlSeconds * 1000) };
  };
  const displayName = (u: Pick<User, "name" | "username"> | null | undefined) => (u ? u.name?.trim() || u.username : null);
  const inviterName = async (id: string | null) => displayName(id ? await users.findById(id) : null);

  async function inviter(teamId: string, by: TeamActorRef): Promise<TeamActor | TeamRefusal> {
    const actor = await access.actor(teamId, by);
    if (!actor) return { outcome: "not_found" };
    if (!access.may(actor, TEAM_PERMISSIONS.invitations)) return forbidden("team.refusal.invite");
    return actor;
  }

  const record = (
    type: string,
    actorId: string | null,
    request: RequestInfo | undefined,
    data: Record<string, string | null>,
    userId: string | null = actorId,
  ) => audit.record({ type, outcome: "success", userId, actorId, ...requestOf(request), data });

  async function sendTeamEmail(actor: TeamActor, invitation: Invitation, role: TeamRole, token: string) {
    await notifications.invitation(invitation.email, {
      teamName: actor.team.name,
      roleName: role.name,
      inviter: (await inviterName(actor.userId)) ?? "A team member",
      link: linkFor(token),
      ttlSeconds: deps.ttlSeconds,
    });
  }

  function reasonOf(row: Invitation | null, at: Date): InvalidLinkReason | null {
    if (!row) return "unknown";
    if (row.acceptedAt) return "used";
    if (row.revokedAt) return "revoked";
    if (row.expiresAt <= at) return "expired";
    return null;
  }

  async function details(row: InvitationWithTeam): Promise<InvitationDetails | null> {
    const base = { id: row.id, email: row.email, invitedBy: await inviterName(row.invitedById), expiresAt: row.expiresAt };
    if (row.team && row.role) return { kind: "team", ...base, team: row.team, role: row.role };
    const systemRole = row.systemRole ? await deps.permissions.systemRole(row.systemRole) : null;
    return systemRole ? { kind: "admin", ...base, systemRole } : null;
  }

  return {
    /** invites an address to the team with a role the actor may assign; one pending invitation per address */
    async invite(
      teamId: string,
      by: TeamActorRef,
      input: { email: string; roleId: string },
      opts: SendOptions = {},
    ): Promise<{ outcome: "sent"; invitation: Invitation } | TeamRefusal> {
      const actor = await inviter(teamId, by);
      if ("outcome" in actor) return actor;
      const email = input.email.normalize("NFC").trim();
      if (!EMAIL.test(email) || email.length > 320) return invalid("email", "team.invitations.emailInvalid");
      const role = await teams.role(teamId, input.roleId);
      if (!role) return invalid("roleId", "team.refusal.chooseTeamRole");
      if (!access.canAssign(actor, role)) {
        return role.key === "owner" ? forbidden("team.refusal.inviteOwner") : forbidden("team.refusal.cannotInviteAs", { role: role.name });
      }
      const emailNormalized = normalizeEmail(email);
      const existing = await users.findByEmailNormalized(emailNormalized);
      if (existing && (await teams.membership(teamId, existing.id))) return invalid("email", "team.refusal.alreadyMember", { email });
      if (await invitations.pendingForTeamAndEmail(teamId, emailNormalized, clock.now()))
        return invalid("email", "team.refusal.alreadyInvited", { email });
      await opts.beforeSend?.(emailNormalized);
      const link = newLink();
      const invitation = await invitations.create({
        teamId,
        roleId: role.id,
        systemRole: null,
        email,
        emailNormalized,
        tokenHash: link.tokenHash,
        invitedById: actor.userId,
        expiresAt: link.expiresAt,
      });
      await sendTeamEmail(actor, invitation, role, link.token);
      await record("team.invitation.created", actor.userId, opts.request, { teamId, invitationId: invitation.id, email, role: role.key });
      return { outcome: "sent", invitation };
    },

    /** the team's pending invitations, newest first */
    async list(
      teamId: string,
      by: TeamActorRef,
    ): Promise<{ outcome: "ok"; actor: TeamActor; invitations: PendingInvitation[] } | TeamRefusal> {
      const actor = await inviter(teamId, by);
      if ("outcome" in actor) return actor;
      const rows = await invitations.pendingForTeam(teamId, clock.now());
      const names = new Map<string, string | null>();
      for (const id of new Set(rows.map((r) => r.invitedById).filter((v): v is string => Boolean(v)))) names.set(id, await inviterName(id));
      return {
        outcome: "ok",
        actor,
        invitations: rows
          .filter((r) => r.role)
          .map((r) => ({
            id: r.id,
            email: r.email,
            role: r.role!,
            invitedBy: r.invitedById ? (names.get(r.invitedById) ?? null) : null,
            expiresAt: r.expiresAt,
            createdAt: r.createdAt,
          })),
      };
    },

    /** a new link (and a new expiry) for a pending invitation; the old link stops working */
    async resend(
      teamId: string,
      by: TeamActorRef,
      invitationId: string,
      opts: SendOptions = {},
    ): Promise<{ outcome: "resent"; invitation: Invitation } | TeamRefusal> {
      const actor = await inviter(teamId, by);
      if ("outcome" in actor) return actor;
      const pending = await invitations.pendingById(teamId, invitationId, clock.now());
      if (!pending?.role) return { outcome: "not_found" };
      if (!access.canAssign(actor, pending.role)) return forbidden("team.refusal.cannotResendAs", { role: pending.role.name });
      await opts.beforeSend?.(pending.emailNormalized);
      const link = newLink();
      const invitation = await invitations.replaceToken(pending.id, link.tokenHash, link.expiresAt, clock.now());
      if (!invitation) return { outcome: "not_found" };
      await sendTeamEmail(actor, invitation, pending.role, link.token);
      await record("team.invitation.resent", actor.userId, opts.request, { teamId, invitationId: invitation.id, email: invitation.email });
      return { outcome: "resent", invitation };
    },

    async revoke(
      teamId: string,
      by: TeamActorRef,
      invitationId: string,
      request?: RequestInfo,
    ): Promise<{ outcome: "revoked" } | TeamRefusal> {
      const actor = await inviter(teamId, by);
      if ("outcome" in actor) return actor;
      const pending = await invitations.pendingById(teamId, invitationId, clock.now());
      if (!pending || !(await invitations.revoke(pending.id, clock.now()))) return { outcome: "not_found" };
      await record("team.invitation.revoked", actor.userId, request, { teamId, invitationId: pending.id, email: pending.email });
      return { outcome: "revoked" };
    },

    /**
     * an administrator invitation (no team): the actor's system role must allow gatehouse.admin.invitations.manage
     * and cover the invited system role; only for an address whose account has no system role yet
     */
    async inviteAdmin(
      actorId: string,
      input: { email: string; systemRole: string },
      opts: SendOptions = {},
    ): Promise<{ outcome: "sent"; invitation: Invitation } | TeamRefusal> {
      const actor = await users.findById(actorId);
      const actorRole = actor?.systemRole ? await deps.permissions.systemRole(actor.systemRole) : null;
      if (!actor || !actorRole || !deps.registry.can(actorRole.permissions, ADMIN_INVITATIONS))
        return forbidden("team.refusal.inviteAdmins");
      const email = input.email.normalize("NFC").trim();
      if (!EMAIL.test(email) || email.length > 320) return invalid("email", "team.invitations.emailInvalid");
      const role = await deps.permissions.systemRole(input.systemRole);
      if (!role) return invalid("systemRole", "team.refusal.chooseSystemRole");
      const own = new Set(deps.registry.resolve(actorRole.permissions));
      const wider =
        !actorRole.permissions.includes("*") &&
        (role.permissions.includes("*") || deps.registry.resolve(role.permissions).some((c) => !own.has(c)));
      if (wider) return forbidden("team.refusal.cannotInviteAs", { role: role.name });
      const emailNormalized = normalizeEmail(email);
      if ((await users.findByEmailNormalized(emailNormalized))?.systemRole) return invalid("email", "team.refusal.alreadyAdmin", { email });
      if (await invitations.pendingAdminForEmail(emailNormalized, clock.now()))
        return invalid("email", "team.refusal.alreadyInvitedAdmin", { email });
      await opts.beforeSend?.(emailNormalized);
      const link = newLink();
      const invitation = await invitations.create({
        teamId: null,
        roleId: null,
        systemRole: role.key,
        email,
        emailNormalized,
        tokenHash: link.tokenHash,
        invitedById: actor.id,
        expiresAt: link.expiresAt,
      });
      await notifications.invitation(email, {
        systemRoleName: role.name,
        inviter: displayName(actor) ?? "An administrator",
        link: linkFor(link.token),
        ttlSeconds: deps.ttlSeconds,
      });
      await record("admin.invitation.created", actor.id, opts.request, { invitationId: invitation.id, email, systemRole: role.key });
      return { outcome: "sent", invitation };
    },

    /** what a link is for (team and role, or system role), or why it no longer works */
    async inspect(tokenValue: string): Promise<InspectResult> {
      const row = await invitations.findByTokenHash(sha256(tokenValue));
      const reason = reasonOf(row, clock.now());
      if (reason) return { outcome: "invalid", reason };
      const invitation = await details(row!);
      return invitation ? { outcome: "valid", invitation } : { outcome: "invalid", reason: "unknown" };
    },

    /**
     * `user` accepts: the invited address must be theirs (and verified). A team invitation joins them with the
     * invited role (already a member: nothing changes, the link stays usable); an administrator invitation sets
     * their system role when they have none. Door B of registration calls this once the new account is verified.
     */
    async acceptForUser(tokenValue: string, user: AcceptingUser, request?: RequestInfo): Promise<AcceptResult> {
      const inspected = await this.inspect(tokenValue);
      if (inspected.outcome !== "valid") return inspected;
      const { invitation } = inspected;
      if (normalizeEmail(invitation.email) !== user.emailNormalized) return { outcome: "wrong_account", invitedEmail: invitation.email };
      if (!user.emailVerified) return { outcome: "unverified" };
      if (invitation.kind === "team" && (await teams.membership(invitation.team.id, user.id)))
        return { outcome: "already_member", team: invitation.team };
      if (invitation.kind === "admin" && user.systemRole) return { outcome: "already_admin" };
      const result = await invitations.accept(sha256(tokenValue), user.id, clock.now());
      switch (result.outcome) {
        case "joined": {
          if (invitation.kind !== "team") return { outcome: "invalid", reason: "unknown" };
          await record(
            "team.invitation.accepted",
            result.invitation.invitedById,
            request,
            { teamId: result.teamId, invitationId: result.invitation.id, role: invitation.role.key },
            user.id,
          );
          return { outcome: "joined", team: invitation.team, role: invitation.role };
        }
        case "system_role_set": {
          if (invitation.kind !== "admin") return { outcome: "invalid", reason: "unknown" };
          await record(
            "admin.invitation.accepted",
            result.invitation.invitedById,
            request,
            { invitationId: result.invitation.id, systemRole: result.systemRole },
            user.id,
          );
          return { outcome: "system_role_set", systemRole: invitation.systemRole };
        }
        case "already_member":
          return {
            outcome: "already_member",
            team: (await teams.findById(result.teamId)) ?? (invitation as Extract<InvitationDetails, { kind: "team" }>).team,
          };
        case "already_admin":
          return { outcome: "already_admin" };
        default: {
          // used, revoked or expired between the look and the acceptance
          const again = await invitations.findByTokenHash(sha256(tokenValue));
          return { outcome: "invalid", reason: reasonOf(again, clock.now()) ?? "used" };
        }
      }
    },
  };
}

export type InvitationService = ReturnType<typeof createInvitationService>;
