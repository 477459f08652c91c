// Sending a team's invitations (invitations.ts): an Owner or Manager (gatehouse.team.invitations.manage) invites
// an address with a role they may assign, one pending invitation per address, or resends a pending one (a new link
// and expiry; the old link stops working). Each is audited as team.invitation.created or .resent.
import type { Invitation } from "../queries/invitations.ts";
import { normalizeEmail } from "./identifiers.ts";
import { forbidden, invalid, type TeamActorRef, type TeamRefusal } from "./team-roles.ts";
import type { InvitationDeps, SendOptions } from "./invitation-types.ts";
import { EMAIL, type InvitationSteps } from "./invitation-steps.ts";

export function createTeamInvitationSending(deps: InvitationDeps, steps: InvitationSteps) {
  const { invitations, teams, users, access, clock } = deps;
  const { newLink, record, inviter, sendTeamEmail } = steps;
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
  };
}
