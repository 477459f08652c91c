// Builds the one CoreContext at start: config, stores, queries, services and the OIDC provider. Tests build
// one too (test/helpers), with their own database, Redis prefix and issuer.
import type { Config } from "./config/load.ts";
import { openDatabase, type Database } from "./db/postgres.ts";
import { persistenceWarning, redisPersistence } from "./db/redis-persistence.ts";
import { openRedis, throttled, type RedisClient } from "./db/redis.ts";
import { systemClock, type Clock } from "./lib/clock.ts";
import { createRedisClock } from "./lib/redis-clock.ts";
import { cryptoRandom, type RandomSource } from "./lib/crypto.ts";
import { createAccessLogger, createLogger, stdoutDestination, type Logger } from "./lib/logger.ts";
import { createQueries, type Queries } from "./queries/index.ts";
import { createPasswordService } from "./services/passwords.ts";
import { createAccountService } from "./services/accounts.ts";
import { createClientService } from "./services/clients.ts";
import { createKeyRotation, type KeyRotation } from "./services/key-rotation.ts";
import { createClientAdmin, type ClientAdmin } from "./services/client-admin.ts";
import { createPasswordChange, type PasswordChange } from "./services/password-change.ts";
import { createSigningKeyService } from "./services/signing-keys.ts";
import { createAuditService } from "./services/audit.ts";
import { countAuditWrites } from "./services/audit-metrics.ts";
import { createTelemetry, type Telemetry } from "./lib/telemetry.ts";
import { countIssuedTokens } from "./oidc/token-metrics.ts";
import { createLockoutService } from "./services/lockout.ts";
import { createSignInLocks } from "./services/sign-in-locks.ts";
import { createUnlockLinks, type UnlockLinks } from "./services/unlock-links.ts";
import { createMagicLinks, type MagicLinks } from "./services/magic-links/index.ts";
import { createMfaRequirements, type MfaRequirements } from "./services/mfa-requirements.ts";
import type { Mailer } from "./services/mail/mailer.ts";
import { createNotifications, type Notifications } from "./services/notifications.ts";
import { createPasswordPolicy, type PasswordPolicy } from "./services/password-policy.ts";
import { createBreachCheck } from "./services/password-breach.ts";
import { createRegistrationService, type RegistrationService } from "./services/registration.ts";
import { createTotpService, type TotpService } from "./services/totp.ts";
import { createCredentialService, type CredentialService } from "./services/credentials.ts";
import { createPasswordResetService, type PasswordResetService } from "./services/password-reset.ts";
import { createEmailChangeService, type EmailChangeService } from "./services/email-change.ts";
import { createGeo, type Geo } from "./services/request/geo.ts";
import { createSessionEvents, type SessionEvents } from "./services/session-events.ts";
import { createBackchannelDelivery, retryFailedBackchannelLogouts } from "./oidc/backchannel-notifier.ts";
import type { Outbox } from "./services/outbox/outbox.ts";
import { createDelivery, type Delivery } from "./services/outbox/delivery.ts";
import { createOutboxAdmin, type OutboxAdmin } from "./services/outbox/admin.ts";
import { createBackchannelQueue, type BackchannelQueue } from "./services/outbox/backchannel.ts";
import { startWebhookWorker, webhookEndpointsFor, type WebhookDispatcher, type WebhookEndpoints } from "./services/webhooks/index.ts";
import { createTeamService, type TeamService } from "./services/teams.ts";
import { createTeamAccess, createTeamRoleService, type TeamRoleService } from "./services/team-roles.ts";
import { createTeamMemberService, type TeamMemberService } from "./services/team-members.ts";
import { createInvitationService, type InvitationService } from "./services/invitations.ts";
import { createOwnershipService, type OwnershipService } from "./services/ownership.ts";
import { createPermissionRegistry, type PermissionRegistry } from "./authz/registry.ts";
import { CORE_OWNER, CORE_PERMISSIONS } from "./authz/core-permissions.ts";
import { importPlugins } from "./plugins/loader.ts";
import { createPermissionSync, type PermissionSync } from "./services/permission-sync.ts";
import { createSystemRoleService, type SystemRoleService } from "./services/system-roles.ts";
import { createRequestDescriber } from "./services/request/describe.ts";
import { createSessionRecords, type SessionRecords } from "./services/sessions/records.ts";
import { createTrustedDevices, type TrustedDevices } from "./services/devices/trusted-devices.ts";
import { createRiskService, type RiskService } from "./services/risk/index.ts";
import { createAuditLog, type AuditLog } from "./services/audit-log.ts";
import { createAnalytics, type Analytics } from "./services/analytics.ts";
import { createRetention, type Retention } from "./services/retention/index.ts";
import { userAdminFor, type UserAdmin } from "./services/user-admin.ts";
import { createTeamAdmin, type TeamAdmin } from "./services/team-admin.ts";
import { createAccountDeletion, type AccountDeletion } from "./services/account-deletion.ts";
import { createAccountExport, type AccountExport } from "./services/account-export.ts";
import { createTokenClaims, type TokenClaims } from "./oidc/token-claims.ts";
import { createTeamClaims } from "./oidc/team-claims.ts";
import { createIdpClaim } from "./oidc/idp-claim.ts";
import { ACCOUNT_CLIENT_ID } from "./oidc/configuration.ts";
import { createRedisAdapterFactory, type RedisAdapterClass } from "./oidc/redis-adapter.ts";
import { createClientAdapterClass } from "./oidc/client-adapter.ts";
import { createProviderHost, type ProviderHost } from "./oidc/provider-host.ts";
import { createUnavailableGuard } from "./oidc/unavailable.ts";
import { offlineAccessWithoutPrompt } from "./oidc/offline-access.ts";
import { authorizationPostAsGet } from "./oidc/authorization-post.ts";
import { jwtIntrospectionFor } from "./oidc/jwt-introspection.ts";
import { createSessionTracking } from "./oidc/session-tracking.ts";
import { createViews, type Views } from "./lib/views.ts";
import { createReadiness, type ReadinessCheck } from "./db/readiness.ts";
import { createPasskeys, type Passkeys } from "./services/passkeys/index.ts";
import { createVirtuozzo, type Virtuozzo } from "./services/virtuozzo/index.ts";
import { createConnectorAdmin, type ConnectorAdmin } from "./services/federation/connectors.ts";
import { createUpstream, type Upstream } from "./services/federation/upstream.ts";
import { createFederatedAccounts, type FederatedAccounts } from "./services/federation/identities.ts";
import { createFederatedLinking, type FederatedLinking } from "./services/federation/linking.ts";

export type Services = {
  passwords: ReturnType<typeof createPasswordService>;
  accounts: ReturnType<typeof createAccountService>;
  lockout: ReturnType<typeof createLockoutService>;
  /** the unlock links of lockout emails (issued when a lock starts, used at /unlock) */
  unlockLinks: UnlockLinks;
  magicLinks: MagicLinks;
  mfaRequirements: MfaRequirements;
  mailer: Mailer;
  passwordPolicy: PasswordPolicy;
  registration: RegistrationService;
  totp: TotpService;
  /** passkeys and security keys (WebAuthn): registration, sign-in assertions, list/rename/remove */
  passkeys: Passkeys;
  credentials: CredentialService;
  passwordReset: PasswordResetService;
  emailChange: EmailChangeService;
  geo: Geo;
  notifications: Notifications;
  /** "a user's sessions ended": back-channel logouts are queued from here (backchannelLogouts) */
  sessionEvents: SessionEvents;
  /** back-channel logouts through the outbox: sessions ended here, and sign-outs the provider failed to tell */
  backchannelLogouts: BackchannelQueue;
  /** the outbox for administrators: what waits, dead letters, retry and discard (services/outbox/admin.ts) */
  outbox: OutboxAdmin;
  /** webhook endpoints for administrators (services/webhooks/) */
  webhooks: WebhookEndpoints;
  /** every registered permission (core at build, plugins and relying parties later) */
  permissions: PermissionRegistry;
  /** the registry and the permissions table in step: start sync, relying parties' registrations */
  permissionSync: PermissionSync;
  /** the admin area's roles, users' system role, canAdmin(user, code) */
  systemRoles: SystemRoleService;
  teams: TeamService;
  /** a team's custom roles and the rules on granting (team-roles.ts) */
  teamRoles: TeamRoleService;
  /** role changes, removal and leaving (team-members.ts) */
  teamMembers: TeamMemberService;
  /** team and administrator invitations; acceptForUser is Door B of registration */
  invitations: InvitationService;
  ownership: OwnershipService;
  /** oidc-provider's storage (sessions, grants, tokens in Redis); also ends all sessions of a user */
  oidcStore: RedisAdapterClass;
  clients: ReturnType<typeof createClientService>;
  /** each SSO session's record (device, place, started, last active, clients), timeouts and revocation */
  sessions: SessionRecords;
  /** browsers a user approved, and the emailed device approval codes */
  devices: TrustedDevices;
  /** suspicious-login rules, the sign-in history they compare with, and held sign-ins */
  risk: RiskService;
  keys: ReturnType<typeof createSigningKeyService>;
  /** "rotate the signing keys now" for the admin page, the API and the CLI (key-rotation.ts) */
  keyRotation: KeyRotation;
  /** the admins' client actions for page, API and CLI (client-admin.ts) */
  clientAdmin: ClientAdmin;
  /** "change my password" (password-change.ts) */
  passwordChange: PasswordChange;
  audit: ReturnType<typeof createAuditService>;
  /** provider admins' user search, details and actions, and CSV import (user-admin.ts); made on first use */
  userAdmin: UserAdmin;
  /** provider admins' team search; acting on a team goes through the team services with asAdmin(id) (team-admin.ts) */
  teamAdmin: TeamAdmin;
  /** the audit log read back: filters, pages, CSV export */
  auditLog: AuditLog;
  /** the retention job: removes rows past their period (services/retention/); createContext starts its schedule, the CLI runs single passes */
  retention: Retention;
  /** login analytics from the audit events and session records */
  analytics: Analytics;
  /** deleting an account: the user's own, an admin's, the grace period's restore links and eraseDue (account-deletion.ts) */
  accountDeletion: AccountDeletion;
  /** "export my data" (account-export.ts) */
  accountExport: AccountExport;
  /** the Virtuozzo plugin (#19): team links, team-scoped platform sessions, the Door A group-type check (services/virtuozzo/) */
  virtuozzo: Virtuozzo;
  /** upstream identity providers: the admins' connector actions for page, API and CLI (services/federation/connectors.ts) */
  connectors: ConnectorAdmin;
  /** the protocol with upstream identity providers (services/federation/upstream.ts) */
  upstream: Upstream;
  /** whose account an upstream sign-in is: known identity, just-in-time account, or a link that needs proof (services/federation/identities.ts) */
  federatedAccounts: FederatedAccounts;
  /** linking an upstream identity to an existing account once the account proves itself (services/federation/linking.ts) */
  federatedLinking: FederatedLinking;
};

export type CoreContext = {
  config: Config;
  log: Logger;
  /** one line per request, fixed non-secret fields only (see createAccessLogger) */
  accessLog: Logger;
  clock: Clock;
  db: Database;
  redis: RedisClient;
  embedded: { database: boolean; redis: boolean };
  queries: Queries;
  services: Services;
  tokenClaims: TokenClaims;
  views: Views;
  /** whether Postgres and Redis answer (and whether Redis persists its data): what /readyz reports */
  readiness: ReadinessCheck;
  oidc: ProviderHost;
  /** the outbox's queue and worker (started here, stopped by close) */
  outbox: Outbox;
  /** turns audit events into webhook messages (started here, stopped by close) */
  webhookDispatcher: WebhookDispatcher;
  /** this process's counters for /metrics (lib/telemetry.ts) */
  telemetry: Telemetry;
  close(): Promise<void>;
};

/** the services, built from config, queries and Redis (the CLI uses this without the provider) */
export function createServices(config: Config, queries: Queries, redis: RedisClient, clock: Clock, delivery: Delivery, log: Logger, random: RandomSource = cryptoRandom): Services {
  const { mailer } = delivery;
  const passwords = createPasswordService(config.argon2);
  const lockout = createLockoutService({ redis, clock, settings: config.lockout });
  const geo = createGeo({ files: config.geoipDatabases, log });
  const notifications = createNotifications(mailer, createRequestDescriber(geo), clock);
  const passwordPolicy = createPasswordPolicy(config.passwordPolicy, { breachCheck: createBreachCheck(config.passwordPolicy.breachCheck, log) });
  const sessionEvents = createSessionEvents();
  const clients = createClientService({ queries: queries.clients, clock });
  const backchannelLogouts = createBackchannelQueue({ outbox: delivery.outbox, hasLogoutUri: async (id) => Boolean((await clients.find(id))?.backchannelLogoutUri), log });
  sessionEvents.onSessionsEnded(backchannelLogouts.sessionsEnded);
  const oidcStore = createRedisAdapterFactory({
    redis,
    clock,
    refreshReuseGrace: config.tokens.refreshReuseGrace,
    refreshReuseDetection: config.tokens.refreshReuseDetection,
    grantIndexTtl: Math.max(config.session.grantTtl, config.tokens.refreshTokenTtl, config.session.rememberTtl),
  });
  const totp = createTotpService({ credentials: queries.credentials, redis, clock, masterKey: config.secrets.masterKey, issuer: config.totpIssuer });
  const historySize = config.passwordPolicy.history;
  const audit = createAuditService(queries.auditEvents);
  // unknown permission codes are a bug everywhere but production, where they are simply not granted
  const permissions = createPermissionRegistry({ strict: !config.isProduction });
  permissions.register(CORE_OWNER, CORE_OWNER, CORE_PERMISSIONS);
  const credentials = createCredentialService({
    users: queries.users, credentials: queries.credentials, passwords, policy: passwordPolicy, lockout, notifications, clock, historySize,
    endSessions: async (userId, keep) => {
      const ended = await oidcStore.endUserSessions(userId, keep);
      sessionEvents.sessionsEnded(userId, ended);
      return ended;
    },
  });
  const teams = createTeamService({ teams: queries.teams, registry: permissions });
  const teamAccess = createTeamAccess({ teams: queries.teams, registry: permissions });
  const teamWork = { teams: queries.teams, access: teamAccess, audit, clock };
  const unlockLinks = createUnlockLinks({ redis, clock, users: queries.users, lockout, audit, issuer: config.issuer, ttlSeconds: config.lockout.unlockTtl });
  const locks = createSignInLocks({ lockout, devices: queries.trustedDevices, audit, notifications, unlockLinks, clock, log });
  const accounts = createAccountService({ users: queries.users, passwords, locks, audit, clock });
  let deletion: AccountDeletion | undefined;
  const keys = createSigningKeyService({
    queries: queries.signingKeys,
    masterKey: config.secrets.masterKey,
    clock,
    alg: config.tokens.signingAlg,
    // every token a key signed must still verify after rotation: the longest token lifetime, plus the time
    // other processes may keep signing with it before they reload keys, plus 10 minutes
    retireAfterSeconds: Math.max(config.tokens.accessTokenTtl, config.tokens.idTokenTtl, config.tokens.clientCredentialsTtl) + config.keys.refreshSeconds + 600,
  });
  // upstream identity providers on loopback or private addresses: outside production, or OUTBOUND_ALLOW_PRIVATE (SSRF)
  const upstreamAllowPrivate = !config.isProduction || config.outboundAllowPrivate;
  const connectors = createConnectorAdmin({ queries: queries.upstreamConnectors, audit, masterKey: config.secrets.masterKey, clock, allowPrivate: upstreamAllowPrivate });
  const virtuozzo = createVirtuozzo({
    links: queries.virtuozzoLinks, teams: queries.teams, access: teamAccess, audit, redis, clock, log, masterKey: config.secrets.masterKey,
    settings: config.virtuozzo, clientExists: async (id) => Boolean(await clients.find(id)),
  });
  const services: Services = {
    passwords,
    passwordPolicy,
    registration: createRegistrationService({
      users: queries.users, verifications: queries.emailVerifications, registrations: queries.registrations, passwords, policy: passwordPolicy, notifications, audit, clock,
      issuer: config.issuer, verificationTtlSeconds: config.emailVerificationTtl, teams, teamQueries: queries.teams, redis,
      masterKey: config.secrets.masterKey,
      // the Virtuozzo plugin's billing check at Door A (#19): off with the plugin
      ...(config.virtuozzo.enabled ? { doorA: virtuozzo.doorA } : {}),
    }),
    totp,
    passkeys: createPasskeys({ passkeys: queries.passkeys, users: queries.users, redis, audit, notifications, clock, issuer: config.issuer, rpName: config.passkeyRpName }),
    credentials,
    passwordReset: createPasswordResetService({
      users: queries.users, credentials: queries.credentials, credentialService: credentials, passwords, totp, lockout, notifications, accounts, audit, clock,
      issuer: config.issuer, ttlSeconds: config.passwordResetTtl, historySize,
    }),
    emailChange: createEmailChangeService({ changes: queries.emailChanges, users: queries.users, notifications, accounts, audit, clock, issuer: config.issuer, ttlSeconds: config.emailVerificationTtl }),
    geo,
    notifications,
    sessionEvents,
    backchannelLogouts,
    outbox: createOutboxAdmin({ queries: queries.outbox, audit, clock, wake: delivery.outbox.wake }),
    webhooks: webhookEndpointsFor(config, queries.webhooks, audit, clock),
    permissions,
    permissionSync: createPermissionSync({ registry: permissions, audit, permissions: queries.permissions, teams: queries.teams, clients: { find: (id) => queries.clients.findById(id) }, log }),
    systemRoles: createSystemRoleService({ permissions: queries.permissions, registry: permissions, audit, users: queries.users }),
    teams,
    teamRoles: createTeamRoleService({ ...teamWork, registry: permissions }),
    teamMembers: createTeamMemberService({ ...teamWork, transfers: queries.ownershipTransfers, revokeTeamGrants: (userId, teamId) => oidcStore.revokeTeamGrants(userId, teamId) }),
    invitations: createInvitationService({
      ...teamWork, invitations: queries.invitations, users: queries.users, permissions: queries.permissions, registry: permissions, notifications,
      issuer: config.issuer, ttlSeconds: config.invitationTtl,
    }),
    ownership: createOwnershipService({
      ...teamWork, transfers: queries.ownershipTransfers, users: queries.users, notifications, issuer: config.issuer, ttlSeconds: config.ownershipTransferTtl,
      // the Virtuozzo plugin (#19): a new Owner's team has no platform session until they confirm the link
      ...(config.virtuozzo.enabled ? { onOwnerChanged: (teamId: string) => virtuozzo.ownerChanged(teamId) } : {}),
    }),
    oidcStore,
    lockout,
    unlockLinks,
    mfaRequirements: createMfaRequirements({ queries: queries.mfaRequirements }),
    magicLinks: createMagicLinks({ redis, clock, random, issuer: config.issuer, audit, users: queries.users, notifications, log }),
    mailer,
    accounts,
    passwordChange: createPasswordChange({ accounts, credentials, audit }),
    clients,
    sessions: createSessionRecords({ queries: queries.userSessions, store: oidcStore, redis, clock, geo, sessionEvents, audit, settings: config.session, log }),
    devices: createTrustedDevices({ queries: queries.trustedDevices, redis, clock, notifications, audit, masterKey: config.secrets.masterKey, settings: config.deviceApproval, geo, random }),
    risk: createRiskService({ queries: queries.loginLocations, redis, clock, geo, notifications, audit, settings: config.risk, issuer: config.issuer, log }),
    keys,
    keyRotation: createKeyRotation({ keys, audit }),
    clientAdmin: createClientAdmin({ clients, audit }),
    audit,
    get userAdmin(): UserAdmin { return userAdminFor(this, { queries, clock }); },
    teamAdmin: createTeamAdmin({ directory: queries.teamDirectory, teams: queries.teams }),
    auditLog: createAuditLog(queries.auditEvents, audit),
    retention: createRetention({
      queries: queries.retention, redis, clock, log, settings: config.retention,
      // on the same schedule and lock: erasing the accounts whose deletion grace period has ended (#21 item 1;
      // at most ERASE_BATCH a call, so one call a pass: the next pass takes the rest)
      extraTasks: [{ name: "deleted_accounts", removeBatch: async (now) => (await services.accountDeletion.eraseDue(now)).erased }],
    }),
    analytics: createAnalytics({ queries: queries.loginAnalytics, counts: queries.adminCounts, clock }),
    get accountDeletion(): AccountDeletion {
      const self = this as Services;
      return (deletion ??= createAccountDeletion({
        queries, clock, settings: { graceDays: config.accountDeletion.graceDays, issuer: config.issuer, masterKey: config.secrets.masterKey },
        services: { accounts, totp, oidcStore, sessionEvents, notifications, audit, systemRoles: self.systemRoles, lockout, passkeys: self.passkeys },
      }));
    },
    accountExport: createAccountExport({ queries: queries.accountExport, audit, clock, issuer: config.issuer }),
    virtuozzo,
    connectors,
    upstream: createUpstream({ redis, connectors, audit, issuer: config.issuer, timeoutSeconds: config.federationTimeout, allowPrivate: upstreamAllowPrivate }),
    federatedLinking: createFederatedLinking({ redis, queries: queries.upstreamConnectors, audit, clock }),
    federatedAccounts: createFederatedAccounts({ queries: queries.upstreamConnectors, users: queries.users, clock, random: () => String(random.int(1000, 10000)) }),
  };
  return services;
}

/** `clock` and `random`: tests move time and choose the codes people would type */
export async function createContext(config: Config, opts: { log?: Logger; clock?: Clock; random?: RandomSource } = {}): Promise<CoreContext> {
  const destination = stdoutDestination();
  const log = opts.log ?? createLogger(config.logLevel, destination);
  const accessLog = createAccessLogger(config.logLevel, destination);
  // plugins are configuration: a bad one stops the start before anything is opened
  const plugins = await importPlugins(config.plugins);
  const db = await openDatabase({ url: config.database.url, dataDir: config.dataDir, poolSize: config.database.poolSize, connectTimeoutMs: config.database.connectTimeoutMs, queryTimeoutMs: config.database.queryTimeoutMs });
  const redisHandle = await openRedis({ ...config.redis, onError: throttled((err) => log.warn({ err: { message: err.message } }, "redis connection error; reconnecting")) }).catch(async (err: unknown) => { await db.close(); throw err; });
  if (config.isProduction && !redisHandle.embedded) {
    const warning = persistenceWarning(await redisPersistence(redisHandle.redis));
    if (warning) log.warn(warning);
  }
  // one clock for every process on this Redis (lib/redis-clock.ts); the in-process store has only this process
  const redisClock = opts.clock || redisHandle.embedded ? undefined : await createRedisClock(redisHandle.redis, { log });
  const clock: Clock = opts.clock ?? redisClock ?? systemClock;
  const telemetry = createTelemetry();
  // audit events are counted for /metrics as they are written (services/audit-metrics.ts)
  const queries = countAuditWrites(createQueries(db.prisma, db.sql), telemetry);

  const views = createViews({ cache: config.env !== "development", brand: config.brand });
  const delivery = createDelivery(config, queries.outbox, clock, log, views.render, telemetry);
  const services = createServices(config, queries, redisHandle.redis, clock, delivery, log, opts.random);
  await services.keys.ensureKeys();
  await services.permissionSync.start(plugins).catch(async (err: unknown) => { await redisHandle.close(); await db.close(); throw err; });
  // relying parties register through any process; the others pick their codes up from the table
  const permissionRefresh = setInterval(() => {
    services.permissionSync.refresh().catch((err: unknown) => log.error({ err }, "reading registered permissions failed"));
  }, config.keys.refreshSeconds * 1000);
  permissionRefresh.unref();

  const tokenClaims = createTokenClaims();
  // the account pages sign in through their own client and never need a team
  const teamClaims = createTeamClaims({
    teams: services.teams, store: services.oidcStore, exemptClients: [ACCOUNT_CLIENT_ID],
    audience: { apiAudience: `${config.issuer}/api`, namespaceOf: async (clientId) => (await services.clients.find(clientId))?.permissionNamespace ?? null },
  });
  tokenClaims.register(teamClaims.accessTokenClaims);
  // the upstream identity provider a session signed in through, in its tokens (oidc/idp-claim.ts)
  const idpClaim = createIdpClaim(redisHandle.redis, Math.max(config.session.rememberTtl, config.session.grantTtl));
  tokenClaims.register(idpClaim.contributor);
  const RedisAdapter = services.oidcStore;
  const ClientAdapter = createClientAdapterClass(services.clients);
  const unavailable = createUnavailableGuard(log);
  const trackSessions = createSessionTracking({ sessions: services.sessions, log });
  const offlineAccess = offlineAccessWithoutPrompt((clientId) => services.clients.find(clientId));
  const introspectJwts = jwtIntrospectionFor({ config, clock, log, services });
  const oidc = await createProviderHost({
    config, accounts: services.accounts, renderPage: views.render, tokenClaims, teams: teamClaims, idp: idpClaim, keys: services.keys, log,
    adapter: (name: string) => unavailable.adapter(name === "Client" ? new ClientAdapter(name) : new RedisAdapter(name), name),
    unavailable,
    prepare: (provider) => {
      provider.use(unavailable.retryAfter);
      trackSessions(provider);
      idpClaim.install(provider);
      authorizationPostAsGet()(provider);
      offlineAccess(provider);
      introspectJwts(provider);
      retryFailedBackchannelLogouts(services.backchannelLogouts)(provider);
      countIssuedTokens(telemetry)(provider);
    },
  });
  // a rotation through this process (page or API) makes its provider sign with the new key at once
  services.keyRotation.onRotated(() => oidc.refreshKeys());
  // this process delivers both kinds: emails (the mailer's handler) and back-channel logouts (through the provider)
  delivery.outbox.handle("backchannel_logout", createBackchannelDelivery({ host: oidc, log }));
  const webhookDispatcher = startWebhookWorker({ config, queries: queries.webhooks, endpoints: services.webhooks, clock, log, outbox: delivery.outbox, telemetry });
  delivery.outbox.start();
  services.retention.start(); // the CLI never starts it (`gatehouse retention run` is one pass)

  return {
    config, log, accessLog, clock, db, redis: redisHandle.redis, queries, services, tokenClaims, views, oidc, outbox: delivery.outbox, telemetry, webhookDispatcher,
    readiness: createReadiness({ pingDatabase: () => queries.ping(), redis: redisHandle.redis, embeddedRedis: redisHandle.embedded }),
    embedded: { database: db.embedded, redis: redisHandle.embedded },
    async close() {
      clearInterval(permissionRefresh);
      oidc.stop();
      redisClock?.stop();
      await services.backchannelLogouts.settled();
      await services.accounts.settled(); // lockout emails started just before (sign-in-locks.ts) reach the outbox
      await services.magicLinks.settled(); // and magic-link emails
      await services.retention.stop(); // a pass in progress ends after its current batch
      await webhookDispatcher.stop(); // staged audit events wait in Postgres for the next start
      await delivery.outbox.stop(); // sends in flight finish; the rest waits in Postgres for the next start
      await redisHandle.close();
      await db.close();
    },
  };
}
