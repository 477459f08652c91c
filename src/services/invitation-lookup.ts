// Looking at an invitation link (invitations.ts): what it is for (team and role, or system role, with the
// inviter's name), or why it no longer works. A look changes nothing.
import { sha256 } from "../lib/crypto.ts";
import type { Invitation, InvitationWithTeam } from "../queries/invitations.ts";
import type { InspectResult, InvalidLinkReason, InvitationDeps, InvitationDetails } from "./invitation-types.ts";
import type { InvitationSteps } from "./invitation-steps.ts";

/** why a link no longer works at `at`, or null while it does */
export function reasonOf(row: Invitation | null, at: Date): InvalidLinkReason | null {
  if (!row) return "unknown";
  if (row.acceptedAt) return "used";
  if (row.revokedAt) return "revoked";
  if (row.expiresAt <= at) return "expired";
  return null;
}

export function createInvitationLookup(deps: InvitationDeps, { inviterName }: InvitationSteps) {
  const { invitations, clock } = deps;

  async function details(row: InvitationWithTeam): Promise<InvitationDetails | null> {
    const base = { id: row.id, email: row.email, invitedBy: await inviterName(row.invitedById), expiresAt: row.expiresAt };
    if (row.team && row.role) return { kind: "team", ...base, team: row.team, role: row.role };
    const systemRole = row.systemRole ? await deps.permissions.systemRole(row.systemRole) : null;
    return systemRole ? { kind: "admin", ...base, systemRole } : null;
  }

  return {
    /** what a link is for (team and role, or system role), or why it no longer works */
    async inspect(tokenValue: string): Promise<InspectResult> {
      const row = await invitations.findByTokenHash(sha256(tokenValue));
      const reason = reasonOf(row, clock.now());
      if (reason) return { outcome: "invalid", reason };
      const invitation = await details(row!);
      return invitation ? { outcome: "valid", invitation } : { outcome: "invalid", reason: "unknown" };
    },
  };
}
