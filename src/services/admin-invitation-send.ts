// Sending invitations to the admin area (invitations.ts): no team, a system role instead. The actor's system role must
// allow gatehouse.admin.invitations.manage and cover the invited one; audited as admin.invitation.created.
import type { Invitation } from "../queries/invitations.ts";
import { normalizeEmail } from "./identifiers.ts";
import { forbidden, invalid, type TeamRefusal } from "./team-roles.ts";
import type { InvitationDeps, SendOptions } from "./invitation-types.ts";
import { EMAIL, type InvitationSteps } from "./invitation-steps.ts";

const ADMIN_INVITATIONS = "gatehouse.admin.invitations.manage";

export function createAdminInvitationSending(deps: InvitationDeps, steps: InvitationSteps) {
  const { invitations, users, notifications, clock } = deps;
  const { linkFor, newLink, displayName, record } = steps;
  return {
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
  };
}
