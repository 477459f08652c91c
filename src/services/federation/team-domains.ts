// A team's email domains (#17 item 3, enterprise SSO per team): the team's Owner (or a provider admin acting on
// the team) adds a domain, publishes the TXT record `_gatehouse.<domain>` = `gatehouse-domain-verification=<token>`
// and asks Gatehouse to verify it; then attaches an enabled upstream connector (home-realm discovery routes the
// domain's addresses there: home-realm.ts), may require SSO for the domain, and maps upstream groups to team roles
// (group-roles.ts). A domain is verified by one team at most. One use case for the team pages, the REST API and
// the CLI; every change is audited (team.domain.*).
// This file puts the use case together (the readers and removal are here): the shared types are in
// team-domain-types.ts, a domain's name in team-domain-names.ts, its TXT record and the DNS look-ups in
// team-domain-dns.ts, the Owner check, the view and the audit record in team-domain-steps.ts; adding is
// team-domain-add.ts, verifying team-domain-verify.ts, a change (connector, SSO, roles) team-domain-update.ts.
import type { RequestInfo } from "../notifications.ts";
import { OWNER_ROLE, type TeamActor, type TeamActorRef, type TeamRefusal } from "../team-roles.ts";
import type { DomainChoices, DomainView, TeamDomainsDeps } from "./team-domain-types.ts";
import { createTeamDomainSteps } from "./team-domain-steps.ts";
import { createTeamDomainAdd } from "./team-domain-add.ts";
import { createTeamDomainVerify } from "./team-domain-verify.ts";
import { createTeamDomainUpdate } from "./team-domain-update.ts";

export { RECORD_PREFIX, TXT_PREFIX, dnsTxtLookup, type TxtLookup } from "./team-domain-dns.ts";
export { normalizeDomain, domainOfEmail } from "./team-domain-names.ts";
export { MAX_GROUP_ROLES } from "./team-domain-update.ts";
export type { DomainRefusal, DomainView, DomainChange, DomainChoices } from "./team-domain-types.ts";

export function createTeamDomains(deps: TeamDomainsDeps) {
  const { domains } = deps;
  const steps = createTeamDomainSteps(deps);
  const { owner, record, view, mine } = steps;
  const { add } = createTeamDomainAdd(deps, steps);
  const { verify } = createTeamDomainVerify(deps, steps);
  const { update } = createTeamDomainUpdate(deps, steps);

  return {
    async list(
      teamId: string,
      by: TeamActorRef,
    ): Promise<{ outcome: "ok"; actor: TeamActor; domains: DomainView[]; choices: DomainChoices } | TeamRefusal> {
      const actor = await owner(teamId, by);
      if ("outcome" in actor) return actor;
      const [rows, connectors, roles] = await Promise.all([domains.listOf(teamId), deps.connectors.enabled(), deps.teams.roles(teamId)]);
      const choices = {
        connectors: connectors.map((c) => ({ slug: c.slug, name: c.name })),
        roles: roles.filter((r) => r.key !== OWNER_ROLE).map((r) => ({ key: r.key, name: r.name })),
      };
      return { outcome: "ok", actor, domains: await Promise.all(rows.map(view)), choices };
    },

    async get(teamId: string, by: TeamActorRef, id: string): Promise<{ outcome: "ok"; domain: DomainView } | TeamRefusal> {
      const found = await mine(teamId, by, id);
      return "outcome" in found ? found : { outcome: "ok", domain: await view(found.row) };
    },

    add,
    verify,
    update,

    async remove(teamId: string, by: TeamActorRef, id: string, request: RequestInfo): Promise<{ outcome: "removed" } | TeamRefusal> {
      const found = await mine(teamId, by, id);
      if ("outcome" in found) return found;
      if (!(await domains.remove(teamId, id))) return { outcome: "not_found" };
      await record("team.domain.removed", found.actor, found.row, request, { wasVerified: Boolean(found.row.verifiedAt) });
      return { outcome: "removed" };
    },
  };
}

export type TeamDomains = ReturnType<typeof createTeamDomains>;
