// The Owner links (or re-links) the team to a platform account (linking.ts): the platform chosen, the credentials
// verified against it first (a refusal stores nothing and is audited), then the password sealed and stored, the
// sessions of an earlier account purged and signed out, and virtuozzo.linked audited.
import type { TeamActorRef } from "../team-roles.ts";
import type { PlatformCheck } from "./link-platform-check.ts";
import type { LinkSteps } from "./link-steps.ts";
import type { ActingRequest, Credentials, LinkingDeps, LinkView, VirtuozzoRefusal } from "./link-types.ts";

export function createLinkCreate({ links }: LinkingDeps, check: PlatformCheck, steps: LinkSteps) {
  const { record, ownerOnly, purgeAndSignOut } = steps;
  return {
    /** the Owner links (or re-links) the team: verified first; a refusal stores nothing */
    async link(
      teamId: string,
      by: TeamActorRef,
      creds: Credentials,
      request?: ActingRequest,
    ): Promise<{ outcome: "linked"; view: LinkView } | VirtuozzoRefusal> {
      const actor = await ownerOnly(teamId, by, "link");
      if ("outcome" in actor) return actor;
      const platformUrl = check.platformOf(creds.platformUrl);
      if (typeof platformUrl !== "string") return platformUrl;
      const checked = await check.verify(platformUrl, creds.login, creds.password);
      if (checked.outcome !== "ok") {
        await record("virtuozzo.link.refused", "failure", { userId: actor.userId, actorId: actor.userId }, request, {
          teamId,
          reason: checked.outcome,
          ...(checked.outcome === "group_refused" ? { groupType: checked.groupType } : {}),
        });
        return checked;
      }
      const previous = await links.find(teamId);
      const link = await links.save({
        teamId,
        platformUrl,
        login: creds.login,
        credential: steps.seal(teamId, creds.password),
        groupType: checked.groupType,
        linkedById: actor.userId,
      });
      // sessions of an earlier account are not this one's (signed out where they were made); an earlier refusal is forgotten
      await purgeAndSignOut(teamId, previous?.platformUrl ?? platformUrl, { clearMarker: true });
      await record("virtuozzo.linked", "success", { userId: actor.userId, actorId: actor.userId }, request, {
        teamId,
        platformUrl,
        groupType: checked.groupType,
        accountUid: checked.uid,
      });
      return { outcome: "linked", view: { link, state: "active" } };
    },
  };
}
