// Trusted devices and the emailed device approval codes: whether this browser (its device cookie) is trusted
// for a user, trusting it (a fresh random 32-byte cookie value at every trust, only its sha256 stored, a label
// from the user agent, IP and country; other users' trusts of the same browser move to the new value), the
// Devices page's list and revocations, and sending and checking the codes (device-codes.ts, with the per-user
// count of wrong codes). The HTTP layer owns the cookie itself and the rate limits (passed in as `spend`).
import type { RedisClient } from "../../db/redis.ts";
import type { Clock } from "../../lib/clock.ts";
import type { Config } from "../../config/load.ts";
import { randomToken, sha256 } from "../../lib/crypto.ts";
import type { TrustedDeviceQueries, TrustedDeviceRow } from "../../queries/trusted-devices.ts";
import type { User } from "../../queries/users.ts";
import type { Notifications, RequestInfo } from "../notifications.ts";
import type { AuditService } from "../audit.ts";
import type { NewAuditEvent } from "../../queries/audit-events.ts";
import type { Geo } from "../request/geo.ts";
import { describeUserAgent } from "../request/user-agent.ts";
import type { RandomSource } from "../../lib/crypto.ts";
import { createDeviceCodes, FAILURE_WINDOW, type AccountStatus, type ResendResult, type VerifyResult } from "./device-codes.ts";

export type TrustedDeviceDeps = {
  queries: TrustedDeviceQueries;
  redis: RedisClient;
  clock: Clock;
  notifications: Notifications;
  audit: AuditService;
  masterKey: Buffer;
  settings: Config["deviceApproval"];
  geo: Geo;
  /** where the emailed codes come from (default: the CSPRNG) */
  random?: RandomSource;
};

export type TrustedDevice = Omit<TrustedDeviceRow, "tokenHash" | "userId"> & { current: boolean };
/** how a browser came to be trusted */
export type TrustedHow = "code" | "totp" | "passkey";
type Request = RequestInfo & { clientId?: string };
type EventData = NonNullable<NewAuditEvent["data"]>;

/** the device cookie's value: 32 random bytes, base64url; anything else is ignored */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;
export const isDeviceToken = (value: unknown): value is string => typeof value === "string" && TOKEN_SHAPE.test(value);

export function createTrustedDevices(deps: TrustedDeviceDeps) {
  const { queries, clock, audit, settings } = deps;
  const codes = createDeviceCodes({
    redis: deps.redis,
    clock,
    masterKey: deps.masterKey,
    settings,
    ...(deps.random ? { random: deps.random } : {}),
  });
  const event = (type: string, outcome: "success" | "failure", userId: string, request: Request, data: EventData) =>
    audit.record({
      type,
      outcome,
      userId,
      ip: request.ip,
      userAgent: request.userAgent,
      ...(request.clientId ? { clientId: request.clientId } : {}),
      data,
    });

  /** refuses a code send while the user's wrong codes are used up: audited with where it was refused */
  async function refusedForAccount(userId: string, request: Request, stage: "send" | "resend", known?: AccountStatus): Promise<boolean> {
    const account = known ?? (await codes.account(userId));
    if (!account.locked) return false;
    await event("device.code_locked", "failure", userId, request, {
      reason: "account_failures",
      stage,
      failures: account.failures,
      retryInSeconds: account.retryIn,
    });
    return true;
  }

  return {
    policy: settings.policy,

    /** the user's live trusted device for this browser's cookie (its last use is noted), or null */
    async trustedFor(userId: string, token: string | undefined, request: Request): Promise<TrustedDeviceRow | null> {
      if (!isDeviceToken(token)) return null;
      const device = await queries.findLive(userId, sha256(token), clock.now());
      if (device)
        await queries.touch(device.id, clock.now(), request.ip, (await deps.geo.lookup(request.ip).catch(() => null))?.countryCode ?? null);
      return device;
    },

    /**
     * trusts this browser for the user with a fresh cookie value (a value the browser brought is never kept: it
     * could have been planted); the rows of the value it brought (other users who trusted this browser) move to
     * the new one. Returns the value to set
     */
    async trust(
      userId: string,
      token: string | undefined,
      how: TrustedHow,
      request: Request,
      extra: Record<string, number> = {},
    ): Promise<{ token: string; device: TrustedDeviceRow }> {
      const value = randomToken(32);
      const place = await deps.geo.lookup(request.ip).catch(() => null);
      const ua = describeUserAgent(request.userAgent);
      const device = await queries.trust(
        {
          userId,
          tokenHash: sha256(value),
          label: ua.browser || ua.os ? ua.label : "Unknown browser",
          ip: request.ip,
          countryCode: place?.countryCode ?? null,
          expiresAt: new Date(clock.now().getTime() + settings.trustedTtl * 1000),
        },
        isDeviceToken(token) ? sha256(token) : null,
        clock.now(),
      );
      await event("device.trusted", "success", userId, request, {
        how,
        deviceId: device.id,
        label: device.label,
        ...(device.countryCode ? { countryCode: device.countryCode } : {}),
        ...extra,
      });
      return { token: value, device };
    },

    /** the Devices page: the user's live devices, `current` for this browser's */
    async list(userId: string, token: string | undefined): Promise<TrustedDevice[]> {
      const hash = isDeviceToken(token) ? sha256(token) : null;
      return (await queries.listLive(userId, clock.now())).map(({ tokenHash, userId: _u, ...d }) => ({
        ...d,
        current: tokenHash === hash,
      }));
    },

    async revoke(userId: string, deviceId: string, request: Request): Promise<boolean> {
      const device = await queries.revoke(userId, deviceId, clock.now());
      if (device) await event("device.revoked", "success", userId, request, { deviceId, label: device.label, all: false, count: 1 });
      return device !== null;
    },

    async revokeAll(userId: string, request: Request): Promise<number> {
      const count = await queries.revokeAll(userId, clock.now());
      if (count > 0) await event("device.revoked", "success", userId, request, { all: true, count });
      return count;
    },

    /** the user's wrong codes in the last window; `locked`: no code is sent or accepted for now */
    accountStatus: (userId: string): Promise<AccountStatus> => codes.account(userId),

    /**
     * the first code of a sign-in: none while the user's wrong codes are used up (false, audited); else
     * `spend` (rate limits) first, then the challenge and the email (true)
     */
    async sendCode(uid: string, user: User, request: Request, keyTtl: number, spend: () => Promise<void>): Promise<boolean> {
      if (await refusedForAccount(user.id, request, "send")) return false;
      await spend();
      const code = await codes.start(uid, user.id, keyTtl);
      await deps.notifications.deviceCode(user, code, settings.codeTtl, request);
      await event("device.code_sent", "success", user.id, request, { resend: false, ttlSeconds: settings.codeTtl });
      return true;
    },

    /** "send a new code": after the cool-down, replaces the code (attempts carry over); none while the user is locked */
    async resendCode(
      uid: string,
      user: User,
      request: Request,
      spend: () => Promise<void>,
    ): Promise<ResendResult | { outcome: "account_locked"; retryIn: number }> {
      const account = await codes.account(user.id);
      if (account.locked) {
        await refusedForAccount(user.id, request, "resend", account);
        return { outcome: "account_locked", retryIn: account.retryIn };
      }
      const result = await codes.resend(uid, user.id, spend);
      if (result.outcome === "sent") {
        await deps.notifications.deviceCode(user, result.code, settings.codeTtl, request);
        await event("device.code_sent", "success", user.id, request, { resend: true, ttlSeconds: settings.codeTtl });
      }
      return result;
    },

    /** one attempt at the emailed code, audited (never with the code) */
    async checkCode(uid: string, userId: string, code: string, request: Request): Promise<VerifyResult> {
      const result = await codes.verify(uid, userId, code);
      if (result.outcome === "wrong") {
        await event("device.code_failed", "failure", userId, request, {
          attempt: result.attempt,
          attemptsLeft: result.attemptsLeft,
          reason: "wrong_code",
        });
      } else if (result.outcome === "locked" && result.lockedNow) {
        await event("device.code_failed", "failure", userId, request, { attempt: result.attempt, attemptsLeft: 0, reason: "wrong_code" });
        await event("device.code_locked", "failure", userId, request, { reason: "attempts", attempts: result.attempt });
      } else if (result.outcome === "account_locked" && result.lockedNow) {
        await event("device.code_failed", "failure", userId, request, { reason: "wrong_code", failures: result.failures });
        await event("device.code_locked", "failure", userId, request, {
          reason: "account_failures",
          stage: "verify",
          failures: result.failures,
          windowSeconds: FAILURE_WINDOW,
        });
      } else if (result.outcome === "account_locked") {
        await event("device.code_failed", "failure", userId, request, { reason: "account_locked", retryInSeconds: result.retryIn });
      } else if (result.outcome === "locked") {
        await event("device.code_failed", "failure", userId, request, { reason: "locked" });
      } else if (result.outcome === "expired") {
        await event("device.code_failed", "failure", userId, request, { reason: "expired" });
      }
      return result;
    },

    codeStatus: (uid: string) => codes.status(uid),
    dropCode: (uid: string) => codes.drop(uid),
  };
}

export type TrustedDevices = ReturnType<typeof createTrustedDevices>;
