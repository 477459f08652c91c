// Accepting an invitation (invitations.ts): it needs the invited address, verified. A signed-in user
// (`acceptForUser`, also Door B of registration) joins the team with the invited role, or gets the invited system
// role when they have none; nothing changes otherwise. Audited as team.invitation.accepted or admin.invitation.accepted.
import { sha256 } from "../lib/crypto.ts";
import type { RequestInfo } from "./notifications.ts";
import { normalizeEmail } from "./identifiers.ts";
import type { AcceptingUser, AcceptResult, InspectResult, InvitationDeps, InvitationDetails } from "./invitation-types.ts";
import type { InvitationSteps } from "./invitation-steps.ts";
import { reasonOf } from "./invitation-lookup.ts";

/** `inspect`: the link's look (invitation-lookup.ts), which accepting starts from, so a dead link is refused alike */
export function createInvitationAcceptance(
  deps: InvitationDeps,
  { record }: InvitationSteps,
  inspect: (tokenValue: string) => Promise<InspectResult>,
) {
  const { invitations, teams, clock } = deps;
  return {
    /**
     * `user` accepts: the invited address must be theirs (and verified). A team invitation joins them with the
     * invited role (already a member: nothing changes, the link stays usable); an administrator invitation sets
     * their system role when they have none. Door B of registration calls this once the new account is verified.
     */
    async acceptForUser(tokenValue: string, user: AcceptingUser, request?: RequestInfo): Promise<AcceptResult> {
      const inspected = await inspect(tokenValue);
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
