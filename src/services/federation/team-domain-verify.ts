// A team's email domain verified (team-domains.ts): the TXT record `_gatehouse.<domain>` looked up; verified only
// when one of its strings is exactly the domain's value and no other team verified the domain first. A silent
// DNS, a missing or a different record are refused and audited as team.domain.verification_failed.
import { isUniqueViolation } from "../../queries/upstream-connectors.ts";
import type { RequestInfo } from "../notifications.ts";
import type { TeamActorRef } from "../team-roles.ts";
import { worded } from "../../lib/i18n/refusal.ts";
import { RECORD_PREFIX, TXT_PREFIX } from "./team-domain-dns.ts";
import type { TeamDomainSteps } from "./team-domain-steps.ts";
import type { DomainRefusal, DomainView, TeamDomainsDeps } from "./team-domain-types.ts";

export function createTeamDomainVerify(deps: TeamDomainsDeps, { record, view, mine }: TeamDomainSteps) {
  const { domains } = deps;
  return {
    /** looks the TXT record up; verified only when one of its strings is exactly the domain's value */
    async verify(
      teamId: string,
      by: TeamActorRef,
      id: string,
      request: RequestInfo,
    ): Promise<{ outcome: "verified"; domain: DomainView } | DomainRefusal> {
      const found = await mine(teamId, by, id);
      if ("outcome" in found) return found;
      const { actor, row } = found;
      if (row.verifiedAt) return { outcome: "verified", domain: await view(row) };
      const name = `${RECORD_PREFIX}.${row.domain}`;
      const expected = `${TXT_PREFIX}${row.verificationToken}`;
      let values: string[];
      try {
        values = await deps.lookup(name);
      } catch (err) {
        await record(
          "team.domain.verification_failed",
          actor,
          row,
          request,
          { reason: "dns_unavailable", detail: String((err as { code?: string }).code ?? "error") },
          "failure",
        );
        return { outcome: "dns_unavailable", ...worded("team.refusal.dnsSilent", { name }) };
      }
      if (!values.some((v) => v.trim() === expected)) {
        await record(
          "team.domain.verification_failed",
          actor,
          row,
          request,
          { reason: values.length ? "txt_mismatch" : "txt_missing" },
          "failure",
        );
        return {
          outcome: "unverified",
          ...worded(values.length ? "team.refusal.txtMismatch" : "team.refusal.txtMissing", { name, value: expected }),
        };
      }
      const taken = await domains.findVerified(row.domain);
      if (taken && taken.id !== row.id) return { outcome: "conflict", ...worded("team.refusal.domainElsewhere", { domain: row.domain }) };
      try {
        const verified = await domains.markVerified(row.id, deps.clock.now());
        await record("team.domain.verified", actor, verified, request);
        return { outcome: "verified", domain: await view(verified) };
      } catch (err) {
        if (isUniqueViolation(err)) return { outcome: "conflict", ...worded("team.refusal.domainElsewhere", { domain: row.domain }) };
        throw err;
      }
    },
  };
}
