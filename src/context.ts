// Builds the one CoreContext at start: config, stores, queries, services (wiring/services.ts) and the OIDC
// provider. Tests build one too (test/helpers), with their own database, Redis prefix and issuer.
import type { Config } from "./config/load.ts";
import { openDatabase, type Database } from "./db/postgres.ts";
import { persistenceWarning, redisPersistence } from "./db/redis-persistence.ts";
import { openRedis, throttled, type RedisClient } from "./db/redis.ts";
import { createReadiness, type ReadinessCheck } from "./db/readiness.ts";
import { systemClock, type Clock } from "./lib/clock.ts";
import { createRedisClock } from "./lib/redis-clock.ts";
import type { RandomSource } from "./lib/crypto.ts";
import { createAccessLogger, createLogger, stdoutDestination, type Logger } from "./lib/logger.ts";
import { createTelemetry, type Telemetry } from "./lib/telemetry.ts";
import { createViews, type Views } from "./lib/views.ts";
import { createQueries, type Queries } from "./queries/index.ts";
import { countAuditWrites } from "./services/audit-metrics.ts";
import type { Outbox } from "./services/outbox/outbox.ts";
import { createDelivery } from "./services/outbox/delivery.ts";
import { startWebhookWorker, type WebhookDispatcher } from "./services/webhooks/index.ts";
import { importPlugins } from "./plugins/loader.ts";
import { countIssuedTokens } from "./oidc/token-metrics.ts";
import { createBackchannelDelivery, retryFailedBackchannelLogouts } from "./oidc/backchannel-notifier.ts";
import { createTokenClaims, type TokenClaims } from "./oidc/token-claims.ts";
import { createTeamClaims } from "./oidc/team-claims.ts";
import { createIdpClaim } from "./oidc/idp-claim.ts";
import { ACCOUNT_CLIENT_ID } from "./oidc/configuration.ts";
import { createClientAdapterClass } from "./oidc/client-adapter.ts";
import { createProviderHost, type ProviderHost } from "./oidc/provider-host.ts";
import { createUnavailableGuard } from "./oidc/unavailable.ts";
import { offlineAccessWithoutPrompt } from "./oidc/offline-access.ts";
import { authorizationPostAsGet } from "./oidc/authorization-post.ts";
import { jwtIntrospectionFor } from "./oidc/jwt-introspection.ts";
import { createSessionTracking } from "./oidc/session-tracking.ts";
import { createServices, type Services } from "./wiring/services.ts";
import { createBrandStore } from "./services/branding.ts";

export type { Services } from "./wiring/services.ts";

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

/** `clock` and `random`: tests move time and choose the codes people would type */
export async function createContext(
  config: Config,
  opts: { log?: Logger; clock?: Clock; random?: RandomSource } = {},
): Promise<CoreContext> {
  const destination = stdoutDestination();
  const log = opts.log ?? createLogger(config.logLevel, destination);
  const accessLog = createAccessLogger(config.logLevel, destination);
  // plugins are configuration: a bad one stops the start before anything is opened
  const plugins = await importPlugins(config.plugins);
  const db = await openDatabase({
    url: config.database.url,
    dataDir: config.dataDir,
    poolSize: config.database.poolSize,
    connectTimeoutMs: config.database.connectTimeoutMs,
    queryTimeoutMs: config.database.queryTimeoutMs,
  });
  const redisHandle = await openRedis({
    ...config.redis,
    onError: throttled((err) => log.warn({ err: { message: err.message } }, "redis connection error; reconnecting")),
  }).catch(async (err: unknown) => {
    await db.close();
    throw err;
  });
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

  // the branding administrators set (else BRAND_*), for pages and emails alike (services/branding.ts)
  const brand = createBrandStore({ queries: queries.branding, defaults: config.brand, issuer: config.issuer, clock, log });
  const views = createViews({ cache: config.env !== "development", brand: brand.current });
  const delivery = createDelivery(config, queries.outbox, clock, log, views.render, telemetry, async () => (await brand.current()).name);
  const services = createServices(config, queries, redisHandle.redis, clock, delivery, log, opts.random, brand);
  await services.keys.ensureKeys();
  await services.permissionSync.start(plugins).catch(async (err: unknown) => {
    await redisHandle.close();
    await db.close();
    throw err;
  });
  // relying parties register through any process; the others pick their codes up from the table
  const permissionRefresh = setInterval(() => {
    services.permissionSync.refresh().catch((err: unknown) => log.error({ err }, "reading registered permissions failed"));
  }, config.keys.refreshSeconds * 1000);
  permissionRefresh.unref();

  const tokenClaims = createTokenClaims();
  // the account pages sign in through their own client and never need a team
  const teamClaims = createTeamClaims({
    teams: services.teams,
    store: services.oidcStore,
    exemptClients: [ACCOUNT_CLIENT_ID],
    audience: {
      apiAudience: `${config.issuer}/api`,
      namespaceOf: async (clientId) => (await services.clients.find(clientId))?.permissionNamespace ?? null,
    },
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
    config,
    accounts: services.accounts,
    renderPage: views.render,
    tokenClaims,
    teams: teamClaims,
    idp: idpClaim,
    keys: services.keys,
    log,
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
  const webhookDispatcher = startWebhookWorker({
    config,
    queries: queries.webhooks,
    endpoints: services.webhooks,
    clock,
    log,
    outbox: delivery.outbox,
    telemetry,
  });
  delivery.outbox.start();
  services.retention.start(); // the CLI never starts it (`gatehouse retention run` is one pass)

  return {
    config,
    log,
    accessLog,
    clock,
    db,
    redis: redisHandle.redis,
    queries,
    services,
    tokenClaims,
    views,
    oidc,
    outbox: delivery.outbox,
    telemetry,
    webhookDispatcher,
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
