// The shape of the settings: what each variable parses to (schema.ts) and the Config object load.ts builds from them.
import type { z } from "zod";
import type { settings, SettingName } from "./schema.ts";
import type { Brand } from "../lib/brand.ts";

/** the environment as given (process.env or a test's object) */
export type Env = Record<string, string | undefined>;

/** every setting parsed by its schema (defaults applied) */
export type Parsed = { [K in SettingName]: z.output<(typeof settings)[K]["schema"]> };

export type Config = {
  env: "development" | "production" | "test";
  isProduction: boolean;
  /** server processes (cluster workers) sharing the port */
  workers: number;
  /** seconds /readyz reports draining before a SIGTERM stops the listener */
  shutdownDelaySeconds: number;
  host: string;
  port: number;
  /** the management port serving /metrics alone; undefined = /metrics on `port` */
  metricsPort: number | undefined;
  issuer: string;
  dataDir: string;
  database: { url?: string; poolSize: number; connectTimeoutMs: number; queryTimeoutMs: number };
  redis: { url?: string; cluster: boolean; keyPrefix: string; commandTimeoutMs: number; connectTimeoutMs: number };
  secrets: { cookieKeys: string[]; masterKey: Buffer; generatedIn?: string };
  trustProxy: boolean;
  proxyHops: number;
  /** hosts besides the issuer's that production answers (http/issuer-host.ts) */
  allowedHosts: string[];
  logLevel: Parsed["LOG_LEVEL"];
  bodyLimit: string;
  tokens: {
    signingAlg: Parsed["SIGNING_ALG"];
    accessTokenTtl: number;
    idTokenTtl: number;
    codeTtl: number;
    refreshTokenTtl: number;
    refreshReuseGrace: number;
    refreshReuseDetection: number;
    clientCredentialsTtl: number;
    /** resource indicator -> its shorter access-token lifetime (RESOURCE_ACCESS_TOKEN_TTL) */
    resourceAccessTokenTtl: Record<string, number>;
  };
  session: {
    ttl: number;
    rememberTtl: number;
    interactionTtl: number;
    grantTtl: number;
    /** seconds; 0 = no idle timeout */
    idleTimeout: number;
    /** how often, at most, last-active is written (seconds) */
    activityResolution: number;
    singleSession: boolean;
  };
  deviceApproval: {
    policy: Parsed["DEVICE_APPROVAL"];
    codeTtl: number;
    maxAttempts: number;
    resendCooldown: number;
    trustedTtl: number;
    failuresPerUser: number;
  };
  /** suspicious-login rules (empty = none) and their thresholds */
  risk: {
    /** RISK_ACTION: hold, or let a sign-in with a second factor through (flows/login/gate-risk.ts) */ action: "hold" | "second_factor";
    rules: ("new_country" | "impossible_travel" | "new_network")[];
    travelMaxKmh: number;
    travelMinKm: number;
    holdTtl: number;
    /** days sign-in places are kept (RETENTION_LOGIN_LOCATIONS_DAYS; 0 = forever) */ keepDays: number;
  };
  keys: { refreshSeconds: number };
  resourceServers: string[];
  /** plugin modules (absolute paths) loaded at start */
  plugins: string[];
  outboundAllowPrivate: boolean;
  argon2: { memoryCost: number; timeCost: number; parallelism: number; maxConcurrency: number; maxQueue: number };
  mail: { smtpUrl?: string; from: string };
  /** the outbox of emails and back-channel logouts (services/outbox/) */
  outbox: { maxAttempts: number; retryBaseMs: number; pollMs: number };
  /** webhook deliveries (services/webhooks/) */
  webhooks: { timeoutMs: number; disableAfterFailures: number };
  /** breachCheck: the optional online check (services/password-breach.ts) */
  passwordPolicy: {
    minLength: number;
    minScore: number;
    history: number;
    breachCheck: { mode: "off" | "hibp"; url: string; timeoutMs: number };
  };
  /** the retention job (services/retention/): every period in days, 0 = keep forever; intervalMinutes 0 = no scheduled passes */
  retention: {
    intervalMinutes: number;
    sessionsDays: number;
    loginLocationsDays: number;
    expiredTokensDays: number;
    outboxDeadDays: number;
    auditDays: number;
    batchSize: number;
  };
  passwordResetTtl: number;
  /** account deletion (#21): days a deleted account stays restorable; 0 = erased at once */
  accountDeletion: { graceDays: number };
  totpIssuer: string;
  /** the WebAuthn relying party name (RP ID and origin come from the issuer) */
  passkeyRpName: string;
  /** seconds to wait for an upstream identity provider (services/federation/) */
  federationTimeout: number;
  /** DNS_SERVERS: where team domain verification looks up TXT records (empty: the system's; services/federation/team-domains.ts) */
  dnsServers: string[];
  /** the Virtuozzo plugin (plugins/virtuozzo, services/virtuozzo/): off unless VIRTUOZZO_ENABLED */
  virtuozzo: {
    enabled: boolean;
    platformUrls: string[];
    allowedGroupTypes: string[];
    safetyWindowSeconds: number;
    sessionTtlSeconds: number;
    timeoutMs: number;
  };
  /** MAGIC_LINKS: "Email me a sign-in link" (services/magic-links/) */
  magicLinks: { enabled: boolean };
  /** .mmdb files for approximate locations; empty = locations off */
  geoipDatabases: string[];
  /** DASHBOARD_TIME_ZONE: the zone of the admin dashboard's calendar days */
  dashboardTimeZone: string;
  /** BRAND_*: product name, logo and colours of pages and emails (lib/brand.ts) */
  brand: Brand;
  /** DEFAULT_LOCALE: the sign-in pages' language when the request names none we have (lib/i18n) */
  defaultLocale: "en" | "de" | "fr";
  lockout: { threshold: number; baseSeconds: number; maxSeconds: number; networkThreshold: number; unlockTtl: number };
  rateLimits: {
    loginPerIp: number;
    loginPerIdentifier: number;
    accountPerIp: number;
    accountPerIdentifier: number;
    strengthPerIp: number;
    invitesPerUser: number;
    resetPerIp: number;
    resetPerIdentifier: number;
    codePerUser: number;
    codePerIp: number;
    deviceCodePerUser: number;
    deviceCodePerIp: number;
    riskLinkPerIp: number;
    riskHoldPerUser: number;
    exportPerUser: number;
    magicLinkPerIp: number;
    magicLinkPerIdentifier: number;
  };
  emailVerificationTtl: number;
  invitationTtl: number;
  ownershipTransferTtl: number;
  bootstrapAdmin?: { email: string; password: string };
};
