// The steps the parts of the invitations service (invitations.ts) share: the address check, a new link (32
// random bytes, only the SHA-256 kept, working for INVITATION_TTL) and its URL, the inviter's name as an email
// says it, the audit record, and for a team's invitations the acting member (who needs
// gatehouse.team.invitations.manage) and the invitation email.
import { randomToken, sha256 } from "../lib/crypto.ts";
import type { Invitation } from "../queries/invitations.ts";
import type { TeamRole } from "../queries/teams.ts";
import type { User } from "../queries/users.ts";
import type { RequestInfo } from "./notifications.ts";
import { requestOf } from "./admin-actor.ts";
import { TEAM_PERMISSIONS, forbidden, type TeamActor, type TeamActorRef, type TeamRefusal } from "./team-roles.ts";
import type { InvitationDeps } from "./invitation-types.ts";

/** what an invited address must look like (and it has at most 320 characters) */
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function createInvitationSteps(deps: InvitationDeps) {
  const { users, access, audit, notifications, clock } = deps;

  const linkFor = (token: string) => `${deps.issuer}/invitations/${token}`;
  const newLink = () => {
    const token = randomToken(32);
    return { token, tokenHash: sha256(token), expiresAt: new Date(clock.now().getTime() + deps.ttlSeconds * 1000) };
  };
  const displayName = (u: Pick<User, "name" | "username"> | null | undefined) => (u ? u.name?.trim() || u.username : null);
  const inviterName = async (id: string | null) => displayName(id ? await users.findById(id) : null);

  const record = (
    type: string,
    actorId: string | null,
    request: RequestInfo | undefined,
    data: Record<string, string | null>,
    userId: string | null = actorId,
  ) => audit.record({ type, outcome: "success", userId, actorId, ...requestOf(request), data });

  /** the team's acting member, when they may manage its invitations; otherwise the refusal */
  async function inviter(teamId: string, by: TeamActorRef): Promise<TeamActor | TeamRefusal> {
    const actor = await access.actor(teamId, by);
    if (!actor) return { outcome: "not_found" };
    if (!access.may(actor, TEAM_PERMISSIONS.invitations)) return forbidden("team.refusal.invite");
    return actor;
  }

  /** the team invitation's email, with the link for `token` */
  async function sendTeamEmail(actor: TeamActor, invitation: Invitation, role: TeamRole, token: string) {
    await notifications.invitation(invitation.email, {
      teamName: actor.team.name,
      roleName: role.name,
      inviter: (await inviterName(actor.userId)) ?? "A team member",
      link: linkFor(token),
      ttlSeconds: deps.ttlSeconds,
    });
  }

  return { linkFor, newLink, displayName, inviterName, record, inviter, sendTeamEmail };
}

export type InvitationSteps = ReturnType<typeof createInvitationSteps>;
