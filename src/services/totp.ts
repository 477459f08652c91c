// TOTP second factor (RFC 6238 via otplib: SHA-1, 30 s, 6 digits, one step of drift either way) and backup
// codes. Secrets are 160 random bits, encrypted at rest with the master key (bound to the user). A code's time
// step is used once: one atomic Redis script keeps the last accepted step per user and refuses that step and
// older ones, so a replay in the same step, or parallel replays, fail. Ten backup codes are shown once, stored
// as SHA-256, each usable once. Enrollment: a pending secret in Redis (15 minutes) until a valid code confirms it.
import type { Redis } from "ioredis";
import { lazyModule } from "../lib/lazy-module.ts";
import { createHmac, randomBytes } from "node:crypto";
import type { RedisClient } from "../db/redis.ts";
import type { Clock } from "../lib/clock.ts";
import { decryptSecret, encryptSecret } from "../lib/crypto.ts";
import type { CredentialQueries } from "../queries/credentials.ts";
import type { User } from "../queries/users.ts";

/** otplib and the QR code maker, loaded when a second factor is first checked or enrolled */
const otp = lazyModule(() => import("otplib"));
const qrCode = lazyModule(() => import("qrcode"));

const PERIOD = 30;
const PENDING_TTL = 900;
export const BACKUP_CODE_COUNT = 10;
// 32 symbols without look-alikes (no o, 1, l, i): 10 of them carry 50 bits
const BACKUP_ALPHABET = "abcdefghjkmnpqrstuvwxyz023456789";

// KEYS: the user's last accepted step; ARGV: the step, TTL. 1 when the step is newer (and now recorded), else 0.
const USE_STEP = `
local last = tonumber(redis.call('GET', KEYS[1]) or '-1')
if tonumber(ARGV[1]) <= last then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1`;
type Commands = { gatehouseTotpUseStep(key: string, step: number, ttl: number): Promise<number> };

export type Enrollment = { secret: string; uri: string; qrSvg: string };
export type CodeCheck = { outcome: "ok"; method: "totp" | "backup"; backupCodesLeft?: number } | { outcome: "invalid" };

/** "123 456" -> "123456"; "ABCDE-FGHJK" -> "abcdefghjk" */
const normalizeCode = (code: string) =>
  code
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s-]+/g, "");
export const isTotpFormat = (code: string) => /^\d{6}$/.test(normalizeCode(code));
/** whether the account has TOTP turned on (a confirmed, stored secret) */
export const totpEnabled = (user: Pick<User, "totpSecretEncrypted">) => Boolean(user.totpSecretEncrypted);
/** "JBSWY3DPEHPK3PXP" -> "JBSW Y3DP EHPK 3PXP": easier to read out and type into an app */
export const groupForReading = (secret: string, size = 4) => secret.match(new RegExp(`.{1,${size}}`, "g"))?.join(" ") ?? "";

function newBackupCode(): string {
  const bytes = randomBytes(10);
  const chars = [...bytes].map((b) => BACKUP_ALPHABET[b & 31]).join("");
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

export function createTotpService(deps: {
  credentials: CredentialQueries;
  redis: RedisClient;
  clock: Clock;
  masterKey: Buffer;
  issuer: string;
}) {
  const { credentials, clock, masterKey } = deps;
  const redis = deps.redis as Redis & Commands;
  redis.defineCommand("gatehouseTotpUseStep", { numberOfKeys: 1, lua: USE_STEP });
  const purpose = (userId: string) => `totp:${userId}`;
  const pendingKey = (userId: string) => `totp:{user:${userId}}:pending`;
  const stepKey = (userId: string) => `totp:{user:${userId}}:step`;
  // keyed (HMAC with a key derived from the master key): 50-bit codes must not be brute-forced from a dump
  const backupKey = createHmac("sha256", masterKey).update("gatehouse backup codes v1").digest();
  const backupHash = (userId: string, code: string) =>
    createHmac("sha256", backupKey)
      .update(`${userId}:${normalizeCode(code)}`)
      .digest("base64url");

  async function enrollmentFor(user: Pick<User, "id" | "email">, secret: string): Promise<Enrollment> {
    const [{ generateURI }, { default: QRCode }] = await Promise.all([otp(), qrCode()]);
    const uri = generateURI({ issuer: deps.issuer, label: user.email, secret });
    return { secret, uri, qrSvg: await QRCode.toString(uri, { type: "svg", margin: 1, width: 200, errorCorrectionLevel: "M" }) };
  }

  /** checks a 6-digit code against the secret at ±1 step, then claims its step (once, atomically) */
  async function checkTotp(userId: string, secret: string, code: string): Promise<boolean> {
    const token = normalizeCode(code);
    if (!/^\d{6}$/.test(token)) return false;
    const epoch = clock.epoch();
    const result = await (await otp()).verify({ secret, token, epoch, period: PERIOD, epochTolerance: PERIOD });
    if (!result.valid) return false;
    const step = Math.floor(epoch / PERIOD) + result.delta;
    return (await redis.gatehouseTotpUseStep(stepKey(userId), step, PERIOD * 4)) === 1;
  }

  const newBackupCodes = () => Array.from({ length: BACKUP_CODE_COUNT }, newBackupCode);

  return {
    enabled: totpEnabled,

    /** a pending secret (kept 15 minutes, replaced by a new call), with its otpauth URI and QR code */
    async beginEnrollment(user: Pick<User, "id" | "email">): Promise<Enrollment> {
      const secret = (await otp()).generateSecret({ length: 20 });
      await redis.set(pendingKey(user.id), encryptSecret(masterKey, secret, purpose(user.id)), "EX", PENDING_TTL);
      return enrollmentFor(user, secret);
    },

    /** the enrollment started earlier, or null when there is none (or it expired) */
    async pendingEnrollment(user: Pick<User, "id" | "email">): Promise<Enrollment | null> {
      const sealed = await redis.get(pendingKey(user.id));
      return sealed ? enrollmentFor(user, decryptSecret(masterKey, sealed, purpose(user.id))) : null;
    },

    /** a valid code for the pending secret turns TOTP on and returns the backup codes (shown once) */
    async confirmEnrollment(
      user: Pick<User, "id">,
      code: string,
    ): Promise<{ outcome: "enabled"; backupCodes: string[] } | { outcome: "invalid" } | { outcome: "expired" }> {
      const sealed = await redis.get(pendingKey(user.id));
      if (!sealed) return { outcome: "expired" };
      const secret = decryptSecret(masterKey, sealed, purpose(user.id));
      if (!(await checkTotp(user.id, secret, code))) return { outcome: "invalid" };
      const backupCodes = newBackupCodes();
      // claim the pending secret: of two parallel confirmations one turns 2FA on, the other finds it gone
      if ((await redis.del(pendingKey(user.id))) !== 1) return { outcome: "expired" };
      await credentials.enableTotp(
        user.id,
        encryptSecret(masterKey, secret, purpose(user.id)),
        backupCodes.map((c) => backupHash(user.id, c)),
        clock.now(),
      );
      return { outcome: "enabled", backupCodes };
    },

    /** a TOTP code (6 digits) or a backup code; each works once */
    async verifyCode(user: Pick<User, "id" | "totpSecretEncrypted">, code: string): Promise<CodeCheck> {
      if (!user.totpSecretEncrypted) return { outcome: "invalid" };
      if (isTotpFormat(code)) {
        const secret = decryptSecret(masterKey, user.totpSecretEncrypted, purpose(user.id));
        return (await checkTotp(user.id, secret, code)) ? { outcome: "ok", method: "totp" } : { outcome: "invalid" };
      }
      const normalized = normalizeCode(code);
      if (normalized.length !== 10 || [...normalized].some((c) => !BACKUP_ALPHABET.includes(c))) return { outcome: "invalid" };
      if (!(await credentials.useBackupCode(user.id, backupHash(user.id, normalized), clock.now()))) return { outcome: "invalid" };
      return { outcome: "ok", method: "backup", backupCodesLeft: await credentials.unusedBackupCodes(user.id) };
    },

    /** new backup codes (the old ones stop working), shown once */
    async regenerateBackupCodes(userId: string): Promise<string[]> {
      const codes = newBackupCodes();
      await credentials.replaceBackupCodes(
        userId,
        codes.map((c) => backupHash(userId, c)),
        clock.now(),
      );
      return codes;
    },

    remainingBackupCodes: (userId: string) => credentials.unusedBackupCodes(userId),

    /** turns TOTP off (the caller checked password and code, or an admin decided) */
    async disable(userId: string): Promise<void> {
      await credentials.disableTotp(userId);
      await redis.del(pendingKey(userId));
    },
  };
}

export type TotpService = ReturnType<typeof createTotpService>;
