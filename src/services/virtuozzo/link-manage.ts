// Looking after a team's existing platform link (linking.ts): its status (for the Owner, a provider admin, or a
// role with virtuozzo.link.manage), unlinking (the Owner or a provider admin; the cached session purged and
// signed out), and the relying parties whose client_credentials tokens may get the team's session (the Owner).
import { worded } from "../../lib/i18n/refusal.ts";
import type { TeamActorRef } from "../team-roles.ts";
import { VIRTUOZZO_PERMISSIONS } from "./permissions.ts";
import { NOT_LINKED, type LinkSteps } from "./link-steps.ts";
import type { ActingRequest, LinkingDeps, LinkView, VirtuozzoRefusal } from "./link-types.ts";

export function createLinkManage(deps: LinkingDeps, steps: LinkSteps) {
  const { links } = deps;
  const { record, ownerOnly, purgeAndSignOut } = steps;
  return {
    /** the link and whether it is active (Owner, provider admin, or a role with virtuozzo.link.manage) */
    async linkStatus(teamId: string, by: TeamActorRef): Promise<{ outcome: "ok"; view: LinkView | null } | VirtuozzoRefusal> {
      const actor = await deps.access.actor(teamId, by);
      if (!actor || !(actor.isOwner || actor.viaAdmin || deps.access.may(actor, VIRTUOZZO_PERMISSIONS.linkManage)))
        return { outcome: "forbidden", ...worded("team.refusal.vzRoleLacks", { permission: VIRTUOZZO_PERMISSIONS.linkManage }) };
      const link = await links.find(teamId);
      if (!link) return { outcome: "ok", view: null };
      const owner = await deps.teams.ownerOf(teamId);
      return { outcome: "ok", view: { link, state: owner?.userId === link.linkedById ? "active" : "suspended" } };
    },

    /** the Owner (or a provider admin) removes the link; its session is purged and signed out */
    async unlink(teamId: string, by: TeamActorRef, request?: ActingRequest): Promise<{ outcome: "unlinked" } | VirtuozzoRefusal> {
      const actor = await ownerOnly(teamId, by, "unlink", { admin: true });
      if ("outcome" in actor) return actor;
      const link = await links.find(teamId);
      if (!link) return NOT_LINKED();
      await links.remove(teamId);
      await purgeAndSignOut(teamId, link.platformUrl);
      await record("virtuozzo.unlinked", "success", { userId: actor.userId, actorId: actor.userId }, request, {
        teamId,
        ...(actor.viaAdmin ? { viaAdmin: true } : {}),
      });
      return { outcome: "unlinked" };
    },

    /** the Owner chooses which relying parties' client_credentials tokens may get the team's session */
    async setClients(
      teamId: string,
      by: TeamActorRef,
      clientIds: string[],
      request?: ActingRequest,
    ): Promise<{ outcome: "set"; clientIds: string[] } | VirtuozzoRefusal> {
      const actor = await ownerOnly(teamId, by, "authorize clients for");
      if ("outcome" in actor) return actor;
      const unique = [...new Set(clientIds)];
      for (const id of unique)
        if (!(await deps.clientExists(id))) return { outcome: "invalid", field: "clientIds", ...worded("team.refusal.noClient", { id }) };
      if (!(await links.setClients(teamId, unique))) return NOT_LINKED();
      await record("virtuozzo.clients.changed", "success", { userId: actor.userId, actorId: actor.userId }, request, {
        teamId,
        clients: unique.join(","),
      });
      return { outcome: "set", clientIds: unique };
    },
  };
}
