// Just-in-time team membership from an upstream sign-in (#17 item 3): an address in a domain a team verified and
// routed to this very connector (the upstream verified the address and the connector trusts it) makes its account
// a member of that team, with the role the first matching group mapping names (the upstream's `groups`, OIDC
// claim or SAML attribute), else the domain's default role, else Developer. On later sign-ins the role follows
// the groups when the domain maps any (never the Owner's role, never to Owner). Audited: team.member.joined and
// team.member.role_changed with via "sso".
import type { ConnectorRow } from "../../queries/upstream-connectors.ts";
import type { GroupRole, TeamDomainQueries } from "../../queries/team-domains.ts";
import { isUniqueViolation } from "../../queries/upstream-connectors.ts";
import type { AuditService } from "../audit.ts";
import type { UpstreamProfile } from "./claims.ts";
import { domainOfEmail } from "./team-domains.ts";

export const DEFAULT_SSO_ROLE = "developer";

/** the role key for these groups: the first mapping (in the Owner's order) whose group the user is in */
export function roleForGroups(mapping: GroupRole[], groups: readonly string[], fallback: string): string {
  const mine = new Set(groups);
  return mapping.find((m) => mine.has(m.group))?.role ?? fallback;
}

type Request = { ip: string | null; userAgent: string | null; clientId?: string | null };

export function createGroupRoles(deps: {
  domains: Pick<TeamDomainQueries, "findVerified" | "ensureMembership">;
  audit: Pick<AuditService, "record">;
}) {
  return {
    /** after the account of an upstream sign-in is known: its membership of the domain's team, made or brought in line */
    async afterUpstreamSignIn(c: ConnectorRow, profile: UpstreamProfile, userId: string, request: Request): Promise<void> {
      if (!profile.email || !profile.emailVerified || !c.trustEmailVerified) return;
      const domain = domainOfEmail(profile.email);
      const row = domain ? await deps.domains.findVerified(domain) : null;
      if (!row || row.connectorId !== c.id) return;
      const role = roleForGroups(row.groupRoles, profile.groups ?? [], row.defaultRoleKey ?? DEFAULT_SSO_ROLE);
      let change;
      try {
        change = await deps.domains.ensureMembership(row.teamId, userId, role, row.groupRoles.length > 0);
      } catch (err) {
        // a parallel sign-in of the same account made the membership first: it is there, nothing more to do
        if (isUniqueViolation(err)) return;
        throw err;
      }
      if (change.outcome === "unchanged") return;
      const data = {
        teamId: row.teamId,
        via: "sso",
        connector: c.slug,
        domain: row.domain,
        ...(change.outcome === "changed" ? { from: change.from, to: change.role } : { role: change.role }),
      };
      await deps.audit.record({
        type: change.outcome === "joined" ? "team.member.joined" : "team.member.role_changed",
        outcome: "success",
        userId,
        actorId: userId,
        ip: request.ip,
        userAgent: request.userAgent,
        clientId: request.clientId ?? null,
        data,
      });
    },
  };
}

export type GroupRoles = ReturnType<typeof createGroupRoles>;
