// Home-realm discovery and "SSO required" (#17 item 3): an email address whose domain a team verified and routed
// to an upstream connector signs in there (the login page's "Continue with single sign-on", or an empty
// password), and a domain that requires SSO refuses password and magic-link sign-in for its addresses, except for
// the team's Owner (break-glass). What this says about an address depends on its domain only, never on whether an
// account exists: the domain's own settings are all it reveals.
import { shortLived } from "../../lib/short-lived.ts";
import type { ConnectorRow } from "../../queries/upstream-connectors.ts";
import type { TeamDomainQueries } from "../../queries/team-domains.ts";
import type { TeamQueries } from "../../queries/teams.ts";
import { domainOfEmail } from "./team-domains.ts";

/** why a password or a link is refused: the domain's team requires its provider */
export type SsoRequirement = { domain: string; teamName: string; connectorName: string | null };

/**
 * how long a process trusts its list of routed domains: every password sign-in asks "does this address's domain
 * require SSO", and the list answers without a query. A change made through this process applies at once
 * (`forget`); one made through another process (a second worker, the CLI) within this many milliseconds
 */
export const ROUTED_DOMAINS_TTL_MS = 5_000;

export function createHomeRealm(deps: {
  domains: Pick<TeamDomainQueries, "findVerified" | "routedDomains">;
  teams: Pick<TeamQueries, "findById" | "ownerOf">;
  connectors: { find(id: string): Promise<ConnectorRow | null> };
  now?: () => number;
}) {
  const routed = shortLived(
    async () => {
      const rows = await deps.domains.routedDomains();
      return {
        any: rows.some((r) => r.connectorId !== null),
        ssoRequired: new Set(rows.filter((r) => r.ssoRequired).map((r) => r.domain)),
      };
    },
    ROUTED_DOMAINS_TTL_MS,
    deps.now ?? Date.now,
  );
  const routedDomains = routed.get;
  const domainOf = (email: string) => (email.includes("@") ? domainOfEmail(email) : null);
  const verifiedRow = async (email: string) => {
    const domain = domainOf(email);
    return domain ? deps.domains.findVerified(domain) : null;
  };
  /** whether the address's domain may require SSO (the list says so): only then is its row read */
  const mayRequire = async (email: string) => {
    const domain = domainOf(email);
    return domain !== null && (await routedDomains()).ssoRequired.has(domain);
  };

  async function requirement(email: string): Promise<SsoRequirement | null> {
    if (!(await mayRequire(email))) return null;
    const row = await verifiedRow(email);
    if (!row?.ssoRequired) return null;
    const [team, c] = await Promise.all([deps.teams.findById(row.teamId), row.connectorId ? deps.connectors.find(row.connectorId) : null]);
    return { domain: row.domain, teamName: team?.name ?? row.domain, connectorName: c?.name ?? null };
  }

  return {
    /** whether any team routed a domain to a provider: the sign-in page's "Continue with single sign-on" */
    offered: async (): Promise<boolean> => (await routedDomains()).any,

    /** a domain's routing or requirement changed through this process: the next sign-in reads the list again */
    forget: routed.forget,

    /** the enabled connector an address's domain is routed to, or null (not an address, no verified domain, none attached) */
    async discover(identifier: string): Promise<ConnectorRow | null> {
      const row = await verifiedRow(identifier.trim());
      const c = row?.connectorId ? await deps.connectors.find(row.connectorId) : null;
      return c?.enabled ? c : null;
    },

    /** the address's domain requires SSO (whoever holds the address): for refusals that must not tell accounts apart */
    requiredForAddress: (identifier: string): Promise<SsoRequirement | null> => requirement(identifier.trim()),

    /**
     * whether this account may not use a password or an emailed link: its address's domain requires SSO and it is
     * not the Owner of the team that verified the domain (the break-glass account)
     */
    async blocks(user: { id: string; email: string }): Promise<SsoRequirement | null> {
      if (!(await mayRequire(user.email))) return null;
      const row = await verifiedRow(user.email);
      if (!row?.ssoRequired) return null;
      const owner = await deps.teams.ownerOf(row.teamId);
      if (owner?.userId === user.id) return null;
      return requirement(user.email);
    },

    /**
     * an upstream sign-in through another connector than the one the domain requires: refused too (or any provider
     * would do), unless the account is the team's Owner
     */
    async blocksUpstream(user: { id: string; email: string }, connectorId: string): Promise<SsoRequirement | null> {
      const row = await verifiedRow(user.email);
      if (!row?.ssoRequired || row.connectorId === connectorId) return null;
      return this.blocks(user);
    },
  };
}

export type HomeRealm = ReturnType<typeof createHomeRealm>;
