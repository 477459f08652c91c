// A change to a team's verified email domain (team-domains.ts): the upstream connector its addresses are routed
// to (an enabled one), SSO required or not (only with a connector), the default role and the group -> role
// mapping (the team's roles but Owner, at most MAX_GROUP_ROLES). Checked first, then written and audited as
// team.domain.updated with the settings that result.
import type { TeamDomainRow } from "../../queries/team-domains.ts";
import type { RequestInfo } from "../notifications.ts";
import { invalid, OWNER_ROLE, type TeamActor, type TeamActorRef, type TeamRefusal } from "../team-roles.ts";
import type { TeamDomainSteps } from "./team-domain-steps.ts";
import type { DomainChange, DomainRefusal, DomainView, TeamDomainsDeps } from "./team-domain-types.ts";

export const MAX_GROUP_ROLES = 50;

/** checks a change's roles and connector; the row's new fields, or why not */
async function settle(
  deps: TeamDomainsDeps,
  actor: TeamActor,
  row: TeamDomainRow,
  change: DomainChange,
): Promise<Partial<TeamDomainRow> | TeamRefusal> {
  const out: Partial<TeamDomainRow> = {};
  const roleOk = async (key: string) => key !== OWNER_ROLE && Boolean(await deps.teams.roleByKey(actor.team.id, key));
  if (change.connector !== undefined) {
    if (change.connector === null) out.connectorId = null;
    else {
      const c = await deps.connectors.findBySlug(change.connector);
      if (!c?.enabled) return invalid("connector", "team.refusal.chooseProvider");
      out.connectorId = c.id;
    }
  }
  if (change.defaultRole !== undefined) {
    if (change.defaultRole !== null && !(await roleOk(change.defaultRole))) return invalid("defaultRole", "team.refusal.chooseDefaultRole");
    out.defaultRoleKey = change.defaultRole;
  }
  if (change.groupRoles !== undefined) {
    if (change.groupRoles.length > MAX_GROUP_ROLES)
      return invalid("groupRoles", "team.refusal.tooManyMappings", { count: MAX_GROUP_ROLES });
    for (const m of change.groupRoles) {
      if (!m.group.trim() || m.group.length > 256) return invalid("groupRoles", "team.refusal.groupLength");
      if (!(await roleOk(m.role))) return invalid("groupRoles", "team.refusal.notTeamRole", { role: m.role.slice(0, 48) });
    }
    out.groupRoles = change.groupRoles.map((m) => ({ group: m.group.trim(), role: m.role }));
  }
  if (change.ssoRequired !== undefined) out.ssoRequired = change.ssoRequired;
  const connectorId = out.connectorId !== undefined ? out.connectorId : row.connectorId;
  const ssoRequired = out.ssoRequired ?? row.ssoRequired;
  if ((out.connectorId || out.ssoRequired) && !row.verifiedAt) return invalid("domain", "team.refusal.verifyFirst");
  if (ssoRequired && !connectorId) return invalid("ssoRequired", "team.refusal.providerFirst");
  return out;
}

export function createTeamDomainUpdate(deps: TeamDomainsDeps, { record, view, mine }: TeamDomainSteps) {
  return {
    /** the provider the domain's addresses are routed to, SSO required or not, the group -> role mapping */
    async update(
      teamId: string,
      by: TeamActorRef,
      id: string,
      change: DomainChange,
      request: RequestInfo,
    ): Promise<{ outcome: "updated"; domain: DomainView } | DomainRefusal> {
      const found = await mine(teamId, by, id);
      if ("outcome" in found) return found;
      const fields = await settle(deps, found.actor, found.row, change);
      if ("outcome" in fields) return fields;
      const row = await deps.domains.update(id, fields);
      const v = await view(row);
      await record("team.domain.updated", found.actor, row, request, {
        connector: v.connector?.slug ?? "",
        ssoRequired: row.ssoRequired,
        defaultRole: row.defaultRoleKey ?? "",
        groups: row.groupRoles.map((m) => `${m.group}=${m.role}`),
      });
      return { outcome: "updated", domain: v };
    },
  };
}
