// The types a team's email domains (team-domains.ts) share between their parts: what the use case needs (its
// dependencies), a domain as the Owner sees it, a change to it, the choices offered, and the refusals.
import type { ConnectorRow } from "../../queries/upstream-connectors.ts";
import type { TeamQueries } from "../../queries/teams.ts";
import type { GroupRole, TeamDomainQueries, TeamDomainRow } from "../../queries/team-domains.ts";
import type { AuditService } from "../audit.ts";
import type { TeamAccess, TeamRefusal } from "../team-roles.ts";
import type { Worded } from "../../lib/i18n/refusal.ts";
import type { TxtLookup } from "./team-domain-dns.ts";

/** a refusal beyond the team's own: the domain is another team's, or its TXT record does not prove it */
export type DomainRefusal =
  TeamRefusal | ({ outcome: "conflict" } & Worded) | ({ outcome: "unverified" } & Worded) | ({ outcome: "dns_unavailable" } & Worded);

export type DomainView = TeamDomainRow & {
  recordName: string;
  recordValue: string;
  connector: { slug: string; name: string; enabled: boolean } | null;
};
export type DomainChange = { connector?: string | null; ssoRequired?: boolean; defaultRole?: string | null; groupRoles?: GroupRole[] };

type ConnectorPort = {
  find(id: string): Promise<ConnectorRow | null>;
  findBySlug(slug: string): Promise<ConnectorRow | null>;
  enabled(): Promise<ConnectorRow[]>;
};
/** what the Owner may choose from: the enabled providers and the team's roles but Owner */
export type DomainChoices = { connectors: { slug: string; name: string }[]; roles: { key: string; name: string }[] };

export type TeamDomainsDeps = {
  domains: TeamDomainQueries;
  teams: Pick<TeamQueries, "roleByKey" | "roles">;
  access: Pick<TeamAccess, "actor">;
  connectors: ConnectorPort;
  audit: Pick<AuditService, "record">;
  clock: { now(): Date };
  lookup: TxtLookup;
  /** a domain was added, verified, changed or removed (home-realm.ts reads its list of routed domains again) */
  onChange?: () => void;
};
