// Every setting Gatehouse reads, with a one-line description each; docs/configuration.md is generated from here.
import { z } from "zod";

const seconds = (def: number) => z.coerce.number().int().positive().default(def);
const bool = (def: boolean) =>
  z.enum(["true", "false", "1", "0"]).default(def ? "true" : "false").transform((v) => v === "true" || v === "1");
const list = z.string().default("").transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean));

/** One entry per environment variable: its zod type and what it is for. */
export const settings = {
  NODE_ENV: { schema: z.enum(["development", "production", "test"]).default("development"), doc: "development (embedded defaults allowed), production (everything external and required) or test" },
  WORKERS: { schema: z.union([z.literal("auto"), z.coerce.number().int().min(1).max(64)]).default(1), doc: "Server processes sharing the port (Node cluster); \"auto\" = one per CPU core. More than 1 needs DATABASE_URL and REDIS_URL" },
  HOST: { schema: z.string().min(1).default("0.0.0.0"), doc: "Address the HTTP server listens on" },
  PORT: { schema: z.coerce.number().int().min(0).max(65535).default(3000), doc: "Port the HTTP server listens on (0 picks a free one)" },
  ISSUER: { schema: z.url().optional(), doc: "Public base URL of this provider, the `iss` of every token (https required in production; default http://localhost:PORT)" },
  DATA_DIR: { schema: z.string().min(1).default(".data"), doc: "Folder for development state: embedded Postgres files and generated development secrets" },
  DATABASE_URL: { schema: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL").optional(), doc: "PostgreSQL connection URL; unset in development runs an embedded PGlite in DATA_DIR" },
  DATABASE_POOL_SIZE: { schema: z.coerce.number().int().min(1).max(200).default(10), doc: "Connections in the Postgres pool of each process" },
  REDIS_URL: { schema: z.string().regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL").optional(), doc: "Redis connection URL; unset in development uses an in-process store" },
  REDIS_CLUSTER: { schema: bool(false), doc: "Treat REDIS_URL as one seed node of a Redis Cluster" },
  REDIS_KEY_PREFIX: { schema: z.string().default("gh:"), doc: "Prefix of every Redis key Gatehouse writes" },
  COOKIE_KEYS: { schema: list.pipe(z.array(z.string().min(32, "each key needs at least 32 characters"))), doc: "Comma-separated keys that sign cookies, newest first (each >= 32 characters); generated into DATA_DIR in development" },
  MASTER_KEY: { schema: z.string().regex(/^[A-Za-z0-9+/_-]{43}=?$/, "must be 32 random bytes in base64 (openssl rand -base64 32)").optional(), doc: "32 bytes (base64) that encrypt signing keys and other secrets at rest; generated into DATA_DIR in development" },
  TRUST_PROXY: { schema: bool(false), doc: "Trust X-Forwarded-For/-Proto from a reverse proxy in front of Gatehouse" },
  PROXY_HOPS: { schema: z.coerce.number().int().min(1).max(10).default(1), doc: "With TRUST_PROXY: how many proxies sit in front; the client IP is taken that many entries from the right of X-Forwarded-For, so a client cannot choose it" },
  LOG_LEVEL: { schema: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"), doc: "Minimum level of the JSON logs" },
  BODY_LIMIT: { schema: z.string().regex(/^\d+(b|kb|mb)$/i, "like 64kb").default("64kb"), doc: "Largest request body accepted by Gatehouse's own forms and API" },
  SIGNING_ALG: { schema: z.enum(["ES256", "ES384", "PS256", "RS256", "EdDSA"]).default("ES256"), doc: "Algorithm of the signing keys for ID and access tokens" },
  KEY_REFRESH_SECONDS: { schema: seconds(60), doc: "How often each process reloads signing keys from Postgres (picks up rotations made elsewhere)" },
  ACCESS_TOKEN_TTL: { schema: seconds(900), doc: "Lifetime of access tokens, seconds" },
  ID_TOKEN_TTL: { schema: seconds(3600), doc: "Lifetime of ID tokens, seconds" },
  AUTHORIZATION_CODE_TTL: { schema: z.coerce.number().int().positive().max(600, "at most 600 (RFC 9700)").default(60), doc: "Lifetime of authorization codes, seconds (at most 600)" },
  REFRESH_TOKEN_TTL: { schema: seconds(14 * 86400), doc: "Absolute lifetime of a refresh token chain, seconds (rotation does not extend it)" },
  REFRESH_REUSE_GRACE_SECONDS: { schema: z.coerce.number().int().min(0).max(60).default(5), doc: "A rotated refresh token presented again within this many seconds is refused without revoking the grant (concurrent refresh); later reuse revokes the grant" },
  REFRESH_REUSE_DETECTION_SECONDS: { schema: seconds(86400), doc: "How long a rotated refresh token is remembered to detect its reuse (reuse revokes the grant); older ones are simply unknown. Bounds Redis memory of long refresh chains" },
  CLIENT_CREDENTIALS_TTL: { schema: seconds(900), doc: "Lifetime of client_credentials access tokens, seconds" },
  SESSION_TTL: { schema: seconds(86400), doc: "Lifetime of a sign-in session without Remember me, seconds" },
  SESSION_REMEMBER_TTL: { schema: seconds(30 * 86400), doc: "Lifetime of a sign-in session with Remember me, seconds" },
  INTERACTION_TTL: { schema: seconds(600), doc: "How long a login or consent page stays valid, seconds" },
  GRANT_TTL: { schema: seconds(30 * 86400), doc: "Lifetime of a consent grant, seconds" },
  OUTBOUND_ALLOW_PRIVATE: { schema: bool(false), doc: "Let Gatehouse's outgoing requests (back-channel logout, client JWKS) reach loopback and private addresses; off, they are refused (SSRF protection)" },
  RESOURCE_SERVERS: { schema: list.pipe(z.array(z.url())), doc: "Comma-separated resource indicators (API audiences) tokens may be issued for; default ISSUER/api" },
  ARGON2_MEMORY_KIB: { schema: z.coerce.number().int().min(19456, "OWASP minimum is 19456").default(19456), doc: "argon2id memory cost in KiB (OWASP minimum 19456)" },
  ARGON2_TIME_COST: { schema: z.coerce.number().int().min(2, "OWASP minimum is 2").default(2), doc: "argon2id iterations" },
  ARGON2_PARALLELISM: { schema: z.coerce.number().int().min(1).max(16).default(1), doc: "argon2id lanes" },
  ARGON2_MAX_CONCURRENCY: { schema: z.coerce.number().int().min(1).max(64).optional(), doc: "Password hashes computed at once per process (default: CPU cores - 1, at least 1), so hashing never starves token signing" },
  ARGON2_MAX_QUEUE: { schema: z.coerce.number().int().min(1).max(100_000).default(100), doc: "Password checks allowed to wait for a free hashing slot; beyond that, sign-in answers 503 (try again) instead of queueing without bound" },
  PASSWORD_MIN_LENGTH: { schema: z.coerce.number().int().min(8, "at least 8 (NIST 800-63B)").max(64).default(12), doc: "Shortest password accepted, in characters (no composition rules; long passphrases welcome)" },
  PASSWORD_MIN_SCORE: { schema: z.coerce.number().int().min(0).max(4).default(3), doc: "Lowest zxcvbn strength score (0-4) a new password must reach" },
  EMAIL_VERIFICATION_TTL: { schema: seconds(86400), doc: "Lifetime of an email verification link, seconds" },
  RATE_LIMIT_ACCOUNT_PER_IP: { schema: z.coerce.number().int().min(1).default(20), doc: "Registrations, verification resends and confirmations per minute from one IP address (then 429)" },
  LOCKOUT_THRESHOLD: { schema: z.coerce.number().int().min(1).max(100).default(5), doc: "Consecutive failed sign-ins (per account, or per identifier when none matches) that lock it" },
  LOCKOUT_BASE_SECONDS: { schema: seconds(600), doc: "First lock's length; each further THRESHOLD failures doubles it" },
  LOCKOUT_MAX_SECONDS: { schema: seconds(86400), doc: "Longest lock" },
  RATE_LIMIT_LOGIN_PER_IP: { schema: z.coerce.number().int().min(1).default(30), doc: "Sign-in attempts per minute from one IP address (then 429)" },
  RATE_LIMIT_LOGIN_PER_IDENTIFIER: { schema: z.coerce.number().int().min(1).default(10), doc: "Sign-in attempts per minute for one email or username (then 429)" },
  SMTP_URL: { schema: z.string().regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL").optional(), doc: "Where mail is sent (smtp[s]://user:pass@host:port); required in production. Unset in development: mail goes to the development mailbox at /dev/mailbox" },
  MAIL_FROM: { schema: z.string().min(3).optional(), doc: "From address of every email, e.g. \"Gatehouse <no-reply@example.com>\" (default: no-reply@ the issuer's host)" },
  ADMIN_EMAIL: { schema: z.email().optional(), doc: "With ADMIN_PASSWORD: create this first admin at start if no admin exists" },
  ADMIN_PASSWORD: { schema: z.string().min(12, "at least 12 characters").optional(), doc: "Password of ADMIN_EMAIL's account, used only when that account is created" },
} as const;

export type SettingName = keyof typeof settings;
