// The services every other group builds on: hashing and the password rule, lockout counting, locations,
// notifications, the audit writer, the permission registry, clients, signing keys, oidc-provider's store and
// the sessions-ended events that queue back-channel logouts.
import { createPasswordService } from "../services/passwords.ts";
import { createPasswordPolicy } from "../services/password-policy.ts";
import { createBreachCheck } from "../services/password-breach.ts";
import { createLockoutService } from "../services/lockout.ts";
import { createGeo } from "../services/request/geo.ts";
import { createRequestDescriber } from "../services/request/describe.ts";
import { createNotifications } from "../services/notifications.ts";
import { createSessionEvents } from "../services/session-events.ts";
import { createClientService } from "../services/clients.ts";
import { createBackchannelQueue } from "../services/outbox/backchannel.ts";
import { createOutboxAdmin } from "../services/outbox/admin.ts";
import { createAuditService } from "../services/audit.ts";
import { createSigningKeyService } from "../services/signing-keys.ts";
import { createTotpService } from "../services/totp.ts";
import { createBrandingAdmin } from "../services/branding.ts";
import { createUserList } from "../services/user-list.ts";
import { createTeamList } from "../services/team-list.ts";
import { createPermissionRegistry } from "../authz/registry.ts";
import { CORE_OWNER, CORE_PERMISSIONS } from "../authz/core-permissions.ts";
import { createRedisAdapterFactory } from "../oidc/redis-adapter.ts";
import type { ServiceInputs } from "./inputs.ts";

export function createCoreServices({ config, queries, redis, clock, delivery, log, brand }: ServiceInputs) {
  const geo = createGeo({ files: config.geoipDatabases, log });
  const sessionEvents = createSessionEvents();
  const audit = createAuditService(queries.auditEvents);
  const clients = createClientService({ queries: queries.clients, clock });
  const backchannelLogouts = createBackchannelQueue({
    outbox: delivery.outbox,
    hasLogoutUri: async (id) => Boolean((await clients.find(id))?.backchannelLogoutUri),
    log,
  });
  sessionEvents.onSessionsEnded(backchannelLogouts.sessionsEnded);
  // unknown permission codes are a bug everywhere but production, where they are simply not granted
  const permissions = createPermissionRegistry({ strict: !config.isProduction });
  permissions.register(CORE_OWNER, CORE_OWNER, CORE_PERMISSIONS);
  return {
    passwords: createPasswordService(config.argon2),
    passwordPolicy: createPasswordPolicy(config.passwordPolicy, { breachCheck: createBreachCheck(config.passwordPolicy.breachCheck, log) }),
    lockout: createLockoutService({ redis, clock, settings: config.lockout }),
    geo,
    notifications: createNotifications(delivery.mailer, createRequestDescriber(geo), clock),
    mailer: delivery.mailer,
    /** "a user's sessions ended": back-channel logouts are queued from here (backchannelLogouts) */
    sessionEvents,
    /** back-channel logouts through the outbox: sessions ended here, and sign-outs the provider failed to tell */
    backchannelLogouts,
    /** the outbox for administrators: what waits, dead letters, retry and discard (services/outbox/admin.ts) */
    outbox: createOutboxAdmin({ queries: queries.outbox, audit, clock, wake: delivery.outbox.wake }),
    audit,
    /** every registered permission (core at build, plugins and relying parties later) */
    permissions,
    clients,
    /** the instance's and clients' branding as pages and emails show it (cached; services/branding.ts) */
    brand,
    /** administrators' branding use case (page, API, CLI) */
    branding: createBrandingAdmin({
      store: brand,
      queries: queries.branding,
      audit,
      clock,
      clientExists: async (id) => Boolean(await clients.find(id)),
    }),
    /** the admin user list in a chosen order (sortable table; services/user-list.ts) */
    userList: createUserList({ queries: queries.adminLists, audit }),
    /** the admin teams list in a chosen order (sortable table; services/team-list.ts) */
    teamList: createTeamList({ queries: queries.adminLists }),
    /** oidc-provider's storage (sessions, grants, tokens in Redis); also ends all sessions of a user */
    oidcStore: createRedisAdapterFactory({
      redis,
      clock,
      refreshReuseGrace: config.tokens.refreshReuseGrace,
      refreshReuseDetection: config.tokens.refreshReuseDetection,
      grantIndexTtl: Math.max(config.session.grantTtl, config.tokens.refreshTokenTtl, config.session.rememberTtl),
    }),
    totp: createTotpService({
      credentials: queries.credentials,
      redis,
      clock,
      masterKey: config.secrets.masterKey,
      issuer: config.totpIssuer,
    }),
    keys: createSigningKeyService({
      queries: queries.signingKeys,
      masterKey: config.secrets.masterKey,
      clock,
      alg: config.tokens.signingAlg,
      // every token a key signed must still verify after rotation: the longest token lifetime, plus the time
      // other processes may keep signing with it before they reload keys, plus 10 minutes
      retireAfterSeconds:
        Math.max(config.tokens.accessTokenTtl, config.tokens.idTokenTtl, config.tokens.clientCredentialsTtl) +
        config.keys.refreshSeconds +
        600,
    }),
  };
}

export type CoreServices = ReturnType<typeof createCoreServices>;
