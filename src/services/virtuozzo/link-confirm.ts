// The new Owner's confirmation after an ownership transfer (linking.ts): the transfer suspended the team's link
// (it was the previous Owner's); the stored credentials are verified again, then the link is the new Owner's,
// its cached session purged and virtuozzo.link.confirmed audited (naming the previous Owner).
import { worded } from "../../lib/i18n/refusal.ts";
import type { TeamActorRef } from "../team-roles.ts";
import type { PlatformCheck } from "./link-platform-check.ts";
import { NOT_LINKED, type LinkSteps } from "./link-steps.ts";
import type { ActingRequest, LinkingDeps, LinkView, VirtuozzoRefusal } from "./link-types.ts";

export function createLinkConfirm({ links }: LinkingDeps, check: PlatformCheck, steps: LinkSteps) {
  const { record, ownerOnly, purgeAndSignOut } = steps;
  return {
    /** the new Owner takes over the suspended link: the stored credential checked again, then theirs */
    async confirm(
      teamId: string,
      by: TeamActorRef,
      request?: ActingRequest,
    ): Promise<{ outcome: "confirmed"; view: LinkView } | VirtuozzoRefusal> {
      const actor = await ownerOnly(teamId, by, "confirm");
      if ("outcome" in actor) return actor;
      const link = await links.find(teamId);
      if (!link) return NOT_LINKED();
      const checked = await check.verify(link.platformUrl, link.login, steps.unseal(teamId, link.credential));
      if (checked.outcome !== "ok") {
        await record("virtuozzo.link.refused", "failure", { userId: actor.userId, actorId: actor.userId }, request, {
          teamId,
          reason: checked.outcome,
          action: "confirm",
        });
        return checked.outcome === "credentials_refused" ? { ...checked, ...worded("team.refusal.vzStoredCredentials") } : checked;
      }
      await links.confirm(teamId, actor.userId, checked.groupType);
      await purgeAndSignOut(teamId, link.platformUrl, { clearMarker: true }); // the stored credentials work again
      await record("virtuozzo.link.confirmed", "success", { userId: actor.userId, actorId: actor.userId }, request, {
        teamId,
        previousOwner: link.linkedById,
      });
      return { outcome: "confirmed", view: { link: { ...link, linkedById: actor.userId, groupType: checked.groupType }, state: "active" } };
    },
  };
}
