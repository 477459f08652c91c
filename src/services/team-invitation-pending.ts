// A team's pending invitations (invitations.ts): the list an Owner or Manager (gatehouse.team.invitations.manage)
// sees, and revoking one, audited as team.invitation.revoked.
import type { RequestInfo } from "./notifications.ts";
import type { TeamActor, TeamActorRef, TeamRefusal } from "./team-roles.ts";
import type { InvitationDeps, PendingInvitation } from "./invitation-types.ts";
import type { InvitationSteps } from "./invitation-steps.ts";

export function createPendingTeamInvitations(deps: InvitationDeps, steps: InvitationSteps) {
  const { invitations, clock } = deps;
  const { inviterName, record, inviter } = steps;
  return {
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

    /** ends a pending invitation: its link stops working */
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
  };
}
