// Invitations by email: to a team with a role (Owner/Manager, gatehouse.team.invitations.manage) or to the admin
// area with a system role. Links carry 32 random bytes (only the SHA-256 kept), work once, for INVITATION_TTL;
// a resend makes a new link and ends the old one. Accepting needs the invited address: a signed-in user
// (`acceptForUser`, also Door B of registration) joins with the invited role; nothing changes otherwise.
//
// This file puts the parts together: their dependencies and outcomes are in invitation-types.ts, the link,
// inviter name, audit record and team actor they share in invitation-steps.ts; inviting to a team and resending
// in team-invitation-send.ts, a team's pending ones in team-invitation-pending.ts, inviting to the admin area in
// admin-invitation-send.ts, a link's look in invitation-lookup.ts and its acceptance in invitation-acceptance.ts.
import type { InvitationDeps } from "./invitation-types.ts";
import { createInvitationSteps } from "./invitation-steps.ts";
import { createTeamInvitationSending } from "./team-invitation-send.ts";
import { createPendingTeamInvitations } from "./team-invitation-pending.ts";
import { createAdminInvitationSending } from "./admin-invitation-send.ts";
import { createInvitationLookup } from "./invitation-lookup.ts";
import { createInvitationAcceptance } from "./invitation-acceptance.ts";

export type {
  PendingInvitation,
  SendOptions,
  InvalidLinkReason,
  InvitationDetails,
  InspectResult,
  AcceptResult,
  AcceptingUser,
} from "./invitation-types.ts";

export function createInvitationService(deps: InvitationDeps) {
  const steps = createInvitationSteps(deps);
  const { inspect } = createInvitationLookup(deps, steps);
  return {
    ...createTeamInvitationSending(deps, steps),
    ...createPendingTeamInvitations(deps, steps),
    ...createAdminInvitationSending(deps, steps),
    inspect,
    ...createInvitationAcceptance(deps, steps, inspect),
  };
}

export type InvitationService = ReturnType<typeof createInvitationService>;
