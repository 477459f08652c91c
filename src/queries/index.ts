// All queries, built once from the Prisma client.
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Sql } from "../db/sql.ts";
import { createUserQueries } from "./users.ts";
import { createClientQueries } from "./clients.ts";
import { createSigningKeyQueries } from "./signing-keys.ts";
import { createAuditEventQueries } from "./audit-events.ts";
import { createEmailVerificationQueries } from "./email-verifications.ts";
import { createCredentialQueries } from "./credentials.ts";
import { createEmailChangeQueries } from "./email-changes.ts";
import { createTeamQueries } from "./teams.ts";
import { createPermissionQueries } from "./permissions.ts";
import { createInvitationQueries } from "./invitations.ts";
import { createOwnershipTransferQueries } from "./ownership-transfers.ts";
import { createVirtuozzoLinkQueries } from "./virtuozzo-links.ts";
import { createUserSessionQueries } from "./user-sessions.ts";
import { createTrustedDeviceQueries } from "./trusted-devices.ts";
import { createLoginLocationQueries } from "./login-locations.ts";
import { createLoginAnalyticsQueries } from "./login-analytics.ts";
import { createAdminCountQueries } from "./admin-counts.ts";
import { createTeamDirectoryQueries } from "./team-directory.ts";
import { createSignInQueries } from "./sign-ins.ts";
import { createRegistrationQueries } from "./registrations.ts";
import { createOutboxQueries } from "./outbox.ts";
import { createWebhookQueries } from "./webhooks.ts";
import { createRetentionQueries } from "./retention.ts";
import { createAccountDeletionQueries } from "./account-deletion.ts";
import { createAccountExportQueries } from "./account-export.ts";
import { createPasskeyQueries } from "./passkeys.ts";
import { createMfaRequirementQueries } from "./mfa-requirements.ts";
import { createUpstreamConnectorQueries } from "./upstream-connectors.ts";
import { createTeamDomainQueries } from "./team-domains.ts";
import { createBrandingQueries } from "./branding.ts";
import { createAdminListQueries } from "./admin-lists.ts";

/** `sql`: plain prepared statements over the same pool, for the statements every sign-in and token runs */
export function createQueries(db: PrismaClient, sql: Sql) {
  return {
    users: createUserQueries(db, sql),
    clients: createClientQueries(db),
    signingKeys: createSigningKeyQueries(db),
    auditEvents: createAuditEventQueries(db, sql),
    emailVerifications: createEmailVerificationQueries(db),
    registrations: createRegistrationQueries(db),
    credentials: createCredentialQueries(db),
    emailChanges: createEmailChangeQueries(db),
    teams: createTeamQueries(db, sql),
    permissions: createPermissionQueries(db),
    invitations: createInvitationQueries(db),
    ownershipTransfers: createOwnershipTransferQueries(db),
    virtuozzoLinks: createVirtuozzoLinkQueries(db),
    userSessions: createUserSessionQueries(db, sql),
    trustedDevices: createTrustedDeviceQueries(db),
    loginLocations: createLoginLocationQueries(db, sql),
    loginAnalytics: createLoginAnalyticsQueries(db),
    adminCounts: createAdminCountQueries(db),
    teamDirectory: createTeamDirectoryQueries(db),
    signIns: createSignInQueries(sql),
    outbox: createOutboxQueries(db),
    webhooks: createWebhookQueries(db),
    retention: createRetentionQueries(db),
    accountDeletion: createAccountDeletionQueries(db),
    accountExport: createAccountExportQueries(db),
    passkeys: createPasskeyQueries(db),
    mfaRequirements: createMfaRequirementQueries(db, sql),
    upstreamConnectors: createUpstreamConnectorQueries(db),
    teamDomains: createTeamDomainQueries(db),
    branding: createBrandingQueries(db),
    adminLists: createAdminListQueries(db),
    ping: async () => {
      await db.$queryRaw`SELECT 1`;
    },
  };
}

export type Queries = ReturnType<typeof createQueries>;
