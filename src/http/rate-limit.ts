// Rate limits in front of credential endpoints (rate-limiter-flexible, in Redis so every process shares them).
// Over the limit: 429 with Retry-After and a clear page. If the limit store fails, the request is refused
// (fail closed), never let through unchecked.
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { RedisClient } from "../db/redis.ts";
import { RETRY_AFTER_SECONDS } from "../db/unavailable.ts";
import { catalogueError } from "./errors.ts";

export type RateLimit = { consume(key: string): Promise<void> };

function limit(limiter: RateLimiterAbstract, what: string): RateLimit {
  return {
    async consume(key) {
      try {
        await limiter.consume(key);
      } catch (err) {
        if (err instanceof RateLimiterRes) {
          const seconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
          throw catalogueError("rate_limited", { retryAfter: seconds }, { what, wait: `${seconds} second${seconds === 1 ? "" : "s"}` });
        }
        throw Object.assign(catalogueError("rate_limit_unavailable", { retryAfter: RETRY_AFTER_SECONDS }), { cause: err });
      }
    },
  };
}

export function createRateLimits(opts: {
  redis: RedisClient;
  embedded: boolean;
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
}) {
  const make = (keyPrefix: string, points: number, duration: number) =>
    opts.embedded
      ? new RateLimiterMemory({ keyPrefix, points, duration }) // the in-process development store
      : new RateLimiterRedis({ storeClient: opts.redis, keyPrefix, points, duration });
  return {
    loginPerIp: limit(make("rl:login:ip", opts.loginPerIp, 60), "sign-in attempts from your network"),
    loginPerIdentifier: limit(make("rl:login:id", opts.loginPerIdentifier, 60), "sign-in attempts for this account"),
    accountPerIp: limit(make("rl:account:ip", opts.accountPerIp, 60), "requests from your network"),
    accountPerIdentifier: limit(make("rl:account:id", opts.accountPerIdentifier, 3600), "emails to this address"),
    strengthPerIp: limit(make("rl:strength:ip", opts.strengthPerIp, 60), "password checks from your network"),
    invitesPerUser: limit(make("rl:invites:user", opts.invitesPerUser, 3600), "invitations sent from your account"),
    resetPerIp: limit(make("rl:reset:ip", opts.resetPerIp, 60), "password reset requests from your network"),
    resetPerIdentifier: limit(make("rl:reset:id", opts.resetPerIdentifier, 3600), "password reset requests for this account"),
    codePerUser: limit(make("rl:code:user", opts.codePerUser, 60), "code attempts for this account"),
    codePerIp: limit(make("rl:code:ip", opts.codePerIp, 60), "code attempts from your network"),
    deviceCodePerUser: limit(make("rl:device:user", opts.deviceCodePerUser, 3600), "device approval emails for this account"),
    deviceCodePerIp: limit(make("rl:device:ip", opts.deviceCodePerIp, 60), "device approval attempts from your network"),
    riskLinkPerIp: limit(make("rl:risk:ip", opts.riskLinkPerIp, 60), "sign-in approval requests from your network"),
    riskHoldPerUser: limit(make("rl:risk:user", opts.riskHoldPerUser, 3600), "sign-in confirmation emails for this account"),
    exportPerUser: limit(make("rl:export:user", opts.exportPerUser, 3600), "data exports for this account"),
    magicLinkPerIp: limit(make("rl:magic:ip", opts.magicLinkPerIp, 60), "sign-in link requests from your network"),
    magicLinkPerIdentifier: limit(make("rl:magic:id", opts.magicLinkPerIdentifier, 3600), "sign-in links for this address"),
  };
}

export type RateLimits = ReturnType<typeof createRateLimits>;
