// Ownership transfer: the Owner picks a member, who gets an emailed link (32 random bytes, SHA-256 at rest,
// single use, OWNERSHIP_TRANSFER_TTL). Accepting, signed in as that member, swaps the roles in one transaction
// (the old Owner becomes Manager). One pending transfer per team: a new one cancels the old; the Owner can
// cancel. A provider admin (the admin area, the admin API) can start and cancel a team's transfer for its
// Owner, never to themselves: the member still accepts by the emailed link, and the Owner is emailed that an
// administrator started (or cancelled) it. Started, accepted and cancelled transfers are audited with who acted.
import { randomToken, sha256 } from "../lib/crypto.ts";
import type { Clock } from "../lib/clock.ts";
import type { OwnershipTransfer, OwnershipTransferQueries } from "../queries/ownership-transfers.ts";
import type { Team, TeamQueries } from "../queries/teams.ts";
import type { User, UserQueries } from "../queries/users.ts";
import type { AuditService } from "./audit.ts";
import type { Notifications, RequestInfo } from "./notifications.ts";
import { forbidden, invalid, type TeamAccess, type TeamActor, type TeamActorRef, type TeamRefusal } from "./team-roles.ts";
import { requestOf } from "./admin-actor.ts";

export type TransferLinkReason = "unknown" | "used" | "cancelled" | "expired";
export type PendingTransfer = { transfer: OwnershipTransfer; to: Pick<User, "id" | "username" | "email" | "name"> };
export type TransferDetails = {
  transfer: OwnershipTransfer;
  team: Team;
  from: Pick<User, "id" | "username" | "name"> | null;
  to: Pick<User, "id" | "username" | "name" | "email">;
};

export function createOwnershipService(deps: {
  transfers: OwnershipTransferQueries;
  teams: TeamQueries;
  users: UserQueries;
  access: TeamAccess;
  audit: AuditService;
  notifications: Notifications;
  clock: Clock;
  issuer: string;
  ttlSeconds: number;
  /**
   * after the Owner changed (a transfer accepted): e.g. the Virtuozzo plugin purges the team's platform session and
   * signs it out (wired in context.ts while the plugin is on). Its failure does not undo the accepted transfer
   */
  onOwnerChanged?: (teamId: string) => Promise<void>;
}) {
  const { transfers, teams, users, access, audit, notifications, clock } = deps;
  const displayName = (u: Pick<User, "name" | "username">) => u.name?.trim() || u.username;
  /** a person as the Owner's notice names them: display name and username, or the username alone */
  const named = (u: Pick<User, "name" | "username">) => (u.name?.trim() ? `${u.name.trim()} (${u.username})` : u.username);

  /** an admin started or cancelled a transfer: the Owner hears who did it and for which member */
  async function tellOwner(actor: TeamActor & { ownerId: string }, memberId: string, change: "started" | "cancelled"): Promise<void> {
    const [owner, admin, member] = await Promise.all([
      users.findById(actor.ownerId),
      users.findById(actor.userId),
      users.findById(memberId),
    ]);
    if (!owner || !member) return;
    await notifications.ownershipTransferByAdmin(owner, {
      change,
      teamName: actor.team.name,
      admin: admin ? named(admin) : "An administrator",
      member: named(member),
    });
  }

  /** the Owner, or an admin acting for the team; `ownerId` is the Owner's id either way */
  async function owner(teamId: string, by: TeamActorRef): Promise<(TeamActor & { ownerId: string }) | TeamRefusal> {
    const actor = await access.actor(teamId, by);
    if (!actor) return { outcome: "not_found" };
    if (actor.isOwner) return { ...actor, ownerId: actor.userId };
    if (!actor.viaAdmin) return forbidden("team.refusal.onlyOwnerTransfers");
    const current = await teams.ownerOf(teamId);
    return current ? { ...actor, ownerId: current.userId } : { outcome: "not_found" };
  }

  const record = (type: string, userId: string, actorId: string, request: RequestInfo | undefined, data: Record<string, string | number>) =>
    audit.record({ type, outcome: "success", userId, actorId, ...requestOf(request), data });

  function reasonOf(row: OwnershipTransfer | null, at: Date): TransferLinkReason | null {
    if (!row) return "unknown";
    if (row.acceptedAt) return "used";
    if (row.cancelledAt) return "cancelled";
    if (row.expiresAt <= at) return "expired";
    return null;
  }

  return {
    /** the Owner asks a member to take over; an earlier pending transfer of the team is cancelled */
    async start(
      teamId: string,
      by: TeamActorRef,
      toUserId: string,
      request?: RequestInfo,
    ): Promise<{ outcome: "started"; transfer: OwnershipTransfer; replaced: number } | TeamRefusal> {
      const actor = await owner(teamId, by);
      if ("outcome" in actor) return actor;
      if (toUserId === actor.ownerId)
        return invalid("toUserId", actor.viaAdmin ? "team.refusal.memberIsOwner" : "team.refusal.alreadyOwner");
      if (actor.viaAdmin && toUserId === actor.userId) return forbidden("admin.team.selfTransfer");
      const member = await teams.membership(teamId, toUserId);
      const user = member ? await users.findById(toUserId) : null;
      if (!member || !user || user.disabled) return invalid("toUserId", "team.refusal.chooseMember");
      const token = randomToken(32);
      const now = clock.now();
      const { transfer, cancelled } = await transfers.start(
        {
          teamId,
          fromUserId: actor.ownerId,
          toUserId,
          tokenHash: sha256(token),
          expiresAt: new Date(now.getTime() + deps.ttlSeconds * 1000),
        },
        now,
      );
      const from = await users.findById(actor.userId);
      const asker = from ? displayName(from) : "The Owner";
      await notifications.ownershipTransfer(user, {
        teamName: actor.team.name,
        owner: actor.viaAdmin ? `${asker} (an administrator)` : asker,
        link: `${deps.issuer}/account/teams/${actor.team.slug}/transfer/accept/${token}`,
        ttlSeconds: deps.ttlSeconds,
      });
      if (actor.viaAdmin) await tellOwner(actor, toUserId, "started");
      await record("team.ownership.transfer_started", toUserId, actor.userId, request, {
        teamId,
        transferId: transfer.id,
        replaced: cancelled,
        from: actor.ownerId,
        ...(actor.viaAdmin ? { viaAdmin: 1 } : {}),
      });
      return { outcome: "started", transfer, replaced: cancelled };
    },

    /** the team's pending transfer (Owner only), or null */
    async pending(
      teamId: string,
      by: TeamActorRef,
    ): Promise<{ outcome: "ok"; actor: TeamActor; pending: PendingTransfer | null } | TeamRefusal> {
      const actor = await owner(teamId, by);
      if ("outcome" in actor) return actor;
      const transfer = await transfers.pendingForTeam(teamId, clock.now());
      const to = transfer ? await users.findById(transfer.toUserId) : null;
      return { outcome: "ok", actor, pending: transfer && to ? { transfer, to } : null };
    },

    async cancel(
      teamId: string,
      by: TeamActorRef,
      request?: RequestInfo,
    ): Promise<{ outcome: "cancelled" } | { outcome: "none_pending" } | TeamRefusal> {
      const actor = await owner(teamId, by);
      if ("outcome" in actor) return actor;
      const pending = await transfers.pendingForTeam(teamId, clock.now());
      if (!pending || !(await transfers.cancel(teamId, clock.now()))) return { outcome: "none_pending" };
      if (actor.viaAdmin) await tellOwner(actor, pending.toUserId, "cancelled");
      await record("team.ownership.transfer_cancelled", pending.toUserId, actor.userId, request, { teamId, transferId: pending.id });
      return { outcome: "cancelled" };
    },

    /** what a link is about, for the team `slug` only, or why it no longer works */
    async inspect(
      slug: string,
      tokenValue: string,
    ): Promise<{ outcome: "valid"; details: TransferDetails } | { outcome: "invalid"; reason: TransferLinkReason }> {
      const row = await transfers.findByTokenHash(sha256(tokenValue));
      const team = row ? await teams.findById(row.teamId) : null;
      if (!row || !team || team.slug !== slug) return { outcome: "invalid", reason: "unknown" };
      const reason = reasonOf(row, clock.now());
      if (reason) return { outcome: "invalid", reason };
      const [from, to] = await Promise.all([users.findById(row.fromUserId), users.findById(row.toUserId)]);
      if (!to) return { outcome: "invalid", reason: "unknown" };
      return { outcome: "valid", details: { transfer: row, team, from, to } };
    },

    /** the invited member accepts: they become Owner and the old Owner Manager, together */
    async accept(
      slug: string,
      tokenValue: string,
      user: Pick<User, "id">,
      request?: RequestInfo,
    ): Promise<{ outcome: "accepted"; team: Team } | { outcome: "wrong_account" } | { outcome: "invalid"; reason: TransferLinkReason }> {
      const inspected = await this.inspect(slug, tokenValue);
      if (inspected.outcome !== "valid") return inspected;
      const { transfer, team } = inspected.details;
      if (transfer.toUserId !== user.id) return { outcome: "wrong_account" };
      const result = await transfers.accept(sha256(tokenValue), user.id, clock.now());
      if (result.outcome !== "accepted") {
        // the Owner cancelled, the member left or the Owner changed in between: the link no longer applies
        const again = await transfers.findByTokenHash(sha256(tokenValue));
        return { outcome: "invalid", reason: reasonOf(again, clock.now()) ?? "unknown" };
      }
      await record("team.ownership.transfer_accepted", user.id, user.id, request, {
        teamId: team.id,
        transferId: transfer.id,
        from: transfer.fromUserId,
      });
      await deps.onOwnerChanged?.(team.id);
      return { outcome: "accepted", team };
    },
  };
}

export type OwnershipService = ReturnType<typeof createOwnershipService>;
