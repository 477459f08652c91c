// The steps a team's email domains (team-domains.ts) share between their actions: the Owner-only check (or a
// provider admin acting on the team), one of the team's domains found, the domain as the Owner sees it (with
// its TXT record and connector), and the audit record (team.domain.*), which also tells home-realm.ts.
import type { TeamDomainRow } from "../../queries/team-domains.ts";
import type { RequestInfo } from "../notifications.ts";
import { forbidden, type TeamActor, type TeamActorRef, type TeamRefusal } from "../team-roles.ts";
import { RECORD_PREFIX, TXT_PREFIX } from "./team-domain-dns.ts";
import type { DomainView, TeamDomainsDeps } from "./team-domain-types.ts";

export function createTeamDomainSteps(deps: TeamDomainsDeps) {
  const { domains, access, audit } = deps;

  /** the Owner, or a provider admin acting on the team; members with another role: forbidden; others: not_found */
  async function owner(teamId: string, by: TeamActorRef): Promise<TeamActor | TeamRefusal> {
    const actor = await access.actor(teamId, by);
    if (!actor) return { outcome: "not_found" };
    if (!actor.isOwner && !actor.viaAdmin) return forbidden("team.refusal.onlyOwnerDomains");
    return actor;
  }
  const record = (
    type: string,
    actor: TeamActor,
    row: TeamDomainRow,
    request: RequestInfo,
    data: Record<string, string | boolean | string[]> = {},
    outcome: "success" | "failure" = "success",
  ) => {
    deps.onChange?.();
    // a provider admin (or the CLI, "cli") acting on the team is the actor only: the event is about the team
    return audit.record({
      type,
      outcome,
      userId: actor.viaAdmin ? null : actor.userId,
      actorId: actor.userId,
      ip: request.ip,
      userAgent: request.userAgent,
      data: { teamId: actor.team.id, domain: row.domain, ...data },
    });
  };

  async function view(row: TeamDomainRow): Promise<DomainView> {
    const c = row.connectorId ? await deps.connectors.find(row.connectorId) : null;
    return {
      ...row,
      recordName: `${RECORD_PREFIX}.${row.domain}`,
      recordValue: `${TXT_PREFIX}${row.verificationToken}`,
      connector: c ? { slug: c.slug, name: c.name, enabled: c.enabled } : null,
    };
  }
  async function mine(teamId: string, by: TeamActorRef, id: string): Promise<{ actor: TeamActor; row: TeamDomainRow } | TeamRefusal> {
    const actor = await owner(teamId, by);
    if ("outcome" in actor) return actor;
    const row = await domains.find(teamId, id);
    return row ? { actor, row } : { outcome: "not_found" };
  }

  return { owner, record, view, mine };
}

export type TeamDomainSteps = ReturnType<typeof createTeamDomainSteps>;
