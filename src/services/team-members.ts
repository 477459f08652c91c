// A team's members: who they are, changing a member's role, removing a member (their tokens for this team die)
// and leaving. The Owner's role never changes here and the Owner is never removed (only an ownership transfer
// moves it); nobody but the Owner gives a role with more than their own. Every change is audited.
import type { TeamQueries, TeamRole } from "../queries/teams.ts";
import type { OwnershipTransferQueries } from "../queries/ownership-transfers.ts";
import type { Clock } from "../lib/clock.ts";
import type { AuditService } from "./audit.ts";
import type { RequestInfo } from "./notifications.ts";
import {
  OWNER_ROLE,
  TEAM_PERMISSIONS,
  forbidden,
  invalid,
  type TeamAccess,
  type TeamActor,
  type TeamActorRef,
  type TeamRefusal,
} from "./team-roles.ts";
import { requestOf } from "./admin-actor.ts";

export type MemberView = {
  userId: string;
  username: string;
  email: string;
  name: string | null;
  role: TeamRole;
  isOwner: boolean;
  joinedAt: Date;
};

export function createTeamMemberService(deps: {
  teams: TeamQueries;
  transfers: OwnershipTransferQueries;
  access: TeamAccess;
  audit: AuditService;
  clock: Clock;
  /** revokes the user's grants (and so tokens) that speak for the team: oidcStore.revokeTeamGrants */
  revokeTeamGrants: (userId: string, teamId: string) => Promise<number>;
}) {
  const { teams, transfers, access, audit, clock } = deps;

  async function membersManager(teamId: string, by: TeamActorRef): Promise<TeamActor | TeamRefusal> {
    const actor = await access.actor(teamId, by);
    if (!actor) return { outcome: "not_found" };
    if (!access.may(actor, TEAM_PERMISSIONS.members)) return forbidden("team.refusal.manageMembers");
    return actor;
  }

  /** the target's membership, when the actor may touch it at all */
  async function target(actor: TeamActor, userId: string, action: "change the role of" | "remove") {
    const member = await teams.membership(actor.team.id, userId);
    if (!member) return { outcome: "not_found" } as const;
    if (member.role.key === OWNER_ROLE) {
      return forbidden(action === "remove" ? "team.refusal.ownerNotRemovable" : "team.refusal.ownerRoleFixed");
    }
    // a role that holds more than the actor's is out of their reach (or a member manager could demote a Manager)
    if (access.beyond(actor, member.role.permissions).length) {
      return forbidden(action === "remove" ? "team.refusal.cannotRemoveMember" : "team.refusal.cannotChangeMember", {
        role: member.role.name,
      });
    }
    return member;
  }

  const record = (
    type: string,
    actor: TeamActor,
    targetId: string,
    request: RequestInfo | undefined,
    data: Record<string, string | number>,
  ) =>
    audit.record({
      type,
      outcome: "success",
      userId: targetId,
      actorId: actor.userId,
      ...requestOf(request),
      data: { teamId: actor.team.id, ...data },
    });

  return {
    /** the members with their roles (members whose role has gatehouse.team.read) */
    async list(teamId: string, by: TeamActorRef): Promise<{ outcome: "ok"; actor: TeamActor; members: MemberView[] } | TeamRefusal> {
      const actor = await access.actor(teamId, by);
      if (!actor) return { outcome: "not_found" };
      if (!access.may(actor, TEAM_PERMISSIONS.read)) return forbidden("team.refusal.seeMembers");
      const rows = await teams.members(teamId);
      const members = rows.map((m) => ({
        userId: m.userId,
        username: m.user.username,
        email: m.user.email,
        name: m.user.name,
        role: m.role,
        isOwner: m.role.key === OWNER_ROLE,
        joinedAt: m.createdAt,
      }));
      return { outcome: "ok", actor, members };
    },

    /** gives a member another role: never Owner, never to the Owner, never beyond the actor's own permissions */
    async changeRole(
      teamId: string,
      by: TeamActorRef,
      userId: string,
      roleId: string,
      request?: RequestInfo,
    ): Promise<{ outcome: "changed" | "unchanged"; role: TeamRole } | TeamRefusal> {
      const actor = await membersManager(teamId, by);
      if ("outcome" in actor) return actor;
      const member = await target(actor, userId, "change the role of");
      if ("outcome" in member) return member;
      const role = await teams.role(teamId, roleId);
      if (!role) return invalid("roleId", "team.refusal.chooseTeamRole");
      if (role.key === OWNER_ROLE) return forbidden("team.refusal.oneOwner");
      if (!access.canAssign(actor, role)) return forbidden("team.refusal.cannotGive", { role: role.name });
      if (member.roleId === role.id) return { outcome: "unchanged", role };
      // the statement itself refuses an Owner (someone may have become Owner since the check)
      if (!(await teams.setNonOwnerRole(teamId, userId, role.id))) return forbidden("team.refusal.ownerRoleFixed");
      await record("team.member.role_changed", actor, userId, request, { from: member.role.key, to: role.key, roleId: role.id });
      return { outcome: "changed", role };
    },

    /** removes a member (not the Owner) and revokes every grant and token they hold for this team */
    async remove(
      teamId: string,
      by: TeamActorRef,
      userId: string,
      request?: RequestInfo,
    ): Promise<{ outcome: "removed"; revokedGrants: number } | TeamRefusal> {
      const actor = await membersManager(teamId, by);
      if ("outcome" in actor) return actor;
      if (userId === actor.userId && !actor.viaAdmin) return forbidden("team.refusal.leaveYourself");
      const member = await target(actor, userId, "remove");
      if ("outcome" in member) return member;
      if (!(await teams.removeNonOwner(teamId, userId))) return { outcome: "not_found" };
      return {
        outcome: "removed",
        revokedGrants: await afterLeaving(actor, userId, "team.member.removed", request, { role: member.role.key }),
      };
    },

    /** the user leaves a team; the Owner must transfer ownership first */
    async leave(
      teamId: string,
      userId: string,
      request?: RequestInfo,
    ): Promise<{ outcome: "left"; revokedGrants: number } | { outcome: "owner_must_transfer" } | { outcome: "not_found" }> {
      const actor = await access.actor(teamId, userId);
      if (!actor) return { outcome: "not_found" };
      if (actor.isOwner || !(await teams.removeNonOwner(teamId, userId))) return { outcome: "owner_must_transfer" };
      return { outcome: "left", revokedGrants: await afterLeaving(actor, userId, "team.member.left", request, { role: actor.role.key }) };
    },
  };

  /** after a membership ends: its team tokens die, a transfer to it is cancelled, and it is audited */
  async function afterLeaving(
    actor: TeamActor,
    userId: string,
    type: string,
    request: RequestInfo | undefined,
    data: Record<string, string>,
  ): Promise<number> {
    const revoked = await deps.revokeTeamGrants(userId, actor.team.id);
    await transfers.cancel(actor.team.id, clock.now(), userId);
    await record(type, actor, userId, request, { ...data, revokedGrants: revoked });
    return revoked;
  }
}

export type TeamMemberService = ReturnType<typeof createTeamMemberService>;
