// What administrators and operators run: key rotation, client actions, the audit log and analytics, retention,
// webhooks, and the upstream identity providers of federation (#17).
import { createKeyRotation } from "../services/key-rotation.ts";
import { createClientAdmin } from "../services/client-admin.ts";
import { createAuditLog } from "../services/audit-log.ts";
import { createAnalytics } from "../services/analytics.ts";
import { createRetention } from "../services/retention/index.ts";
import { webhookEndpointsFor } from "../services/webhooks/index.ts";
import { createConnectorAdmin } from "../services/federation/connectors.ts";
import { createUpstream } from "../services/federation/upstream.ts";
import { createSamlUpstream, withSaml } from "../services/federation/saml.ts";
import { createFederatedAccounts } from "../services/federation/identities.ts";
import { createFederatedLinking } from "../services/federation/linking.ts";
import { createTeamDomains, dnsTxtLookup } from "../services/federation/team-domains.ts";
import { createHomeRealm } from "../services/federation/home-realm.ts";
import { createGroupRoles } from "../services/federation/group-roles.ts";
import { createTeamAccess } from "../services/team-roles.ts";
import type { AccountServices } from "./account-services.ts";
import type { CoreServices } from "./core-services.ts";
import type { ServiceInputs } from "./inputs.ts";

export function createOperationServices(
  { config, queries, redis, clock, log, random }: ServiceInputs,
  core: CoreServices,
  accounts: AccountServices,
) {
  const { audit, keys, clients } = core;
  // upstream identity providers on loopback or private addresses: outside production, or OUTBOUND_ALLOW_PRIVATE (SSRF)
  const allowPrivate = !config.isProduction || config.outboundAllowPrivate;
  const connectors = createConnectorAdmin({
    queries: queries.upstreamConnectors,
    audit,
    masterKey: config.secrets.masterKey,
    clock,
    allowPrivate,
  });
  const saml = createSamlUpstream({ redis, connectors, issuer: config.issuer });
  // enterprise SSO per team (#17 item 3): who may change a team's domains is decided as for its other settings
  const teamAccess = createTeamAccess({ teams: queries.teams, registry: core.permissions });
  const homeRealm = createHomeRealm({ domains: queries.teamDomains, teams: queries.teams, connectors });
  return {
    /** "rotate the signing keys now" for the admin page, the API and the CLI (key-rotation.ts) */
    keyRotation: createKeyRotation({ keys, audit }),
    /** the admins' client actions for page, API and CLI (client-admin.ts) */
    clientAdmin: createClientAdmin({ clients, audit }),
    /** the audit log read back: filters, pages, CSV export */
    auditLog: createAuditLog(queries.auditEvents, audit),
    /** login analytics from the audit events and session records */
    analytics: createAnalytics({ queries: queries.loginAnalytics, counts: queries.adminCounts, clock }),
    /** the retention job: removes rows past their period (services/retention/); createContext starts its schedule, the CLI runs single passes */
    retention: createRetention({
      queries: queries.retention,
      redis,
      clock,
      log,
      settings: config.retention,
      // on the same schedule and lock: erasing the accounts whose deletion grace period has ended (#21 item 1;
      // at most ERASE_BATCH a call, so one call a pass: the next pass takes the rest)
      extraTasks: [{ name: "deleted_accounts", removeBatch: async (now) => (await accounts.accountDeletion.eraseDue(now)).erased }],
    }),
    /** webhook endpoints for administrators (services/webhooks/) */
    webhooks: webhookEndpointsFor(config, queries.webhooks, audit, clock),
    /** upstream identity providers: the admins' connector actions for page, API and CLI (services/federation/connectors.ts) */
    connectors,
    /** the protocol with upstream identity providers (services/federation/upstream.ts) */
    upstream: withSaml(
      createUpstream({ redis, connectors, audit, issuer: config.issuer, timeoutSeconds: config.federationTimeout, allowPrivate }),
      saml,
    ),
    /** the SAML 2.0 service provider of saml connectors (services/federation/saml.ts): SP metadata, ACS */
    saml,
    /** linking an upstream identity to an existing account once the account proves itself (services/federation/linking.ts) */
    federatedLinking: createFederatedLinking({ redis, queries: queries.upstreamConnectors, audit, clock }),
    /** whose account an upstream sign-in is: known identity, just-in-time account, or a link that needs proof (services/federation/identities.ts) */
    federatedAccounts: createFederatedAccounts({
      queries: queries.upstreamConnectors,
      users: queries.users,
      clock,
      random: () => String(random.int(1000, 10000)),
    }),
    /** a team's email domains: DNS TXT verification, the connector they route to, SSO required, group -> role (services/federation/team-domains.ts) */
    teamDomains: createTeamDomains({
      domains: queries.teamDomains,
      teams: queries.teams,
      access: teamAccess,
      connectors,
      audit,
      clock,
      lookup: dnsTxtLookup(config.dnsServers),
      onChange: homeRealm.forget,
    }),
    /** home-realm discovery and "SSO required" at sign-in (services/federation/home-realm.ts) */
    homeRealm,
    /** just-in-time team membership from upstream groups (services/federation/group-roles.ts) */
    groupRoles: createGroupRoles({ domains: queries.teamDomains, audit }),
  };
}

export type OperationServices = ReturnType<typeof createOperationServices>;
