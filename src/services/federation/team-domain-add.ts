// A team claims an email domain (team-domains.ts): the name normalized, refused when a team (this one or
// another) has verified it already, then stored unverified with a new TXT token and audited as
// team.domain.added. Pending claims by several teams may exist; the first to verify holds the domain.
import { randomToken } from "../../lib/crypto.ts";
import { isUniqueViolation } from "../../queries/upstream-connectors.ts";
import type { RequestInfo } from "../notifications.ts";
import { invalid, type TeamActorRef } from "../team-roles.ts";
import { worded } from "../../lib/i18n/refusal.ts";
import { normalizeDomain } from "./team-domain-names.ts";
import type { TeamDomainSteps } from "./team-domain-steps.ts";
import type { DomainRefusal, DomainView, TeamDomainsDeps } from "./team-domain-types.ts";

export function createTeamDomainAdd({ domains }: TeamDomainsDeps, { owner, record, view }: TeamDomainSteps) {
  return {
    /** a new, unverified domain with its TXT token (pending claims by several teams may exist; one verifies) */
    async add(
      teamId: string,
      by: TeamActorRef,
      raw: string,
      request: RequestInfo,
    ): Promise<{ outcome: "added"; domain: DomainView } | DomainRefusal> {
      const actor = await owner(teamId, by);
      if ("outcome" in actor) return actor;
      const domain = normalizeDomain(raw);
      if (!domain) return invalid("domain", "team.refusal.domainName");
      const taken = await domains.findVerified(domain);
      if (taken)
        return {
          outcome: "conflict",
          ...worded(taken.teamId === teamId ? "team.refusal.domainVerifiedHere" : "team.refusal.domainElsewhere", { domain }),
        };
      try {
        const row = await domains.create({
          teamId,
          domain,
          verificationToken: randomToken(24),
          createdById: typeof by === "string" ? by : null,
        });
        await record("team.domain.added", actor, row, request);
        return { outcome: "added", domain: await view(row) };
      } catch (err) {
        if (isUniqueViolation(err)) return { outcome: "conflict", ...worded("team.refusal.domainHere", { domain }) };
        throw err;
      }
    },
  };
}
