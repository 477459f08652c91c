// Whose failures a sign-in attempt counts against, and whether it is locked out (OWASP "device cookies"): a
// browser holding a live trusted-device cookie for the user is judged by that device's own count, so wrong
// passwords typed anywhere else never lock its owner out, and its own wrong passwords never lock the account for
// others. Every other browser is judged by the account's progressive lockout (per normalized identifier when no
// account matches) and, for a first factor, by its network's (IPv4 /24, IPv6 /64; public addresses only), so one
// network cannot guess cheaply by rotating accounts. A lock of the account emails its owner, once per lock, with a single-use unlock
// link (unlock-links.ts); locks of a device or a network are audited only.
import { isIP } from "node:net";
import type { Clock } from "../lib/clock.ts";
import { sha256 } from "../lib/crypto.ts";
import type { TrustedDeviceQueries } from "../queries/trusted-devices.ts";
import type { User } from "../queries/users.ts";
import type { AuditService } from "./audit.ts";
import { isDeviceToken } from "./devices/trusted-devices.ts";
import type { LockoutService, LockSubject } from "./lockout.ts";
import type { Notifications, RequestInfo } from "./notifications.ts";
import { isSpecialUseAddress } from "./request/geo.ts";
import { expandIpv6 } from "./risk/rules/new-network.ts";
import type { UnlockLinks } from "./unlock-links.ts";

/** the request of a credential check; `deviceToken`: the browser's trusted-device cookie, as sent */
export type LockRequest = RequestInfo & { clientId?: string | null; deviceToken?: string | undefined };
export type FailedFactor = "password" | "code";
/** a failure recorded; lockedUntil is set when this failure started a lock of the account (the owner was told) */
export type RecordedFailure = { failures: number; lockedUntil?: Date };

/** whose count judges an attempt: the user's trusted device, or the account (or identifier) and its network */
export type LockScope =
  | { kind: "device"; deviceId: string }
  | { kind: "untrusted"; subject: LockSubject; network: string | null };
export type LockedBy = "account" | "device" | "network";
export type LockCheck = { lockedBy: LockedBy | null; failures: number };

/** a user id no account has: unknown identifiers look their device cookie up as known ones do (same work) */
const NO_USER = "00000000-0000-0000-0000-000000000000";

/**
 * the network an address counts in: "81.2.69.0/24", "2a02:6b8:1:2::/64". Null without an address, and for
 * loopback, private and other special-use ones: behind a proxy without TRUST_PROXY every sign-in comes from one
 * such address, and one attacker would lock every untrusted sign-in out
 */
export function lockoutNetworkOf(ip: string | null): string | null {
  if (!ip || isSpecialUseAddress(ip)) return null;
  const plain = /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip) ? ip.slice(7) : ip;
  if (isIP(plain) === 4) return `${plain.split(".").slice(0, 3).join(".")}.0/24`;
  const groups = isIP(plain) === 6 ? expandIpv6(plain) : null;
  return groups ? `${groups.slice(0, 4).map((g) => g.toString(16)).join(":")}::/64` : null;
}

export function createSignInLocks(deps: {
  lockout: LockoutService; devices: Pick<TrustedDeviceQueries, "findLive">; audit: AuditService;
  notifications: Pick<Notifications, "lockedOut">; unlockLinks: Pick<UnlockLinks, "issue">; clock: Clock;
}) {
  const { lockout, audit } = deps;
  const locked = (type: "account" | "device" | "network", userId: string | null, until: Date, failures: number, request: LockRequest, data: Record<string, string | number | boolean>) =>
    audit.record({
      type: "login.locked", outcome: "failure", userId, ip: request.ip, userAgent: request.userAgent, clientId: request.clientId ?? null,
      data: { scope: type, until: until.toISOString(), failures, ...data },
    });

  /** the account is locked now: audited, and its owner emailed (with an unlock link when passwords did it) */
  async function accountLocked(user: User, until: Date, failures: number, request: LockRequest, factor: FailedFactor): Promise<void> {
    await locked("account", user.id, until, failures, request, { factor });
    // wrong codes mean someone has the password: the owner should reset it (which also unlocks), not just unlock
    const unlock = factor === "password" ? await deps.unlockLinks.issue(user) : null;
    await deps.notifications.lockedOut(user, { until, attempts: failures, factor, ...(unlock ? { unlockLink: unlock.link, unlockTtl: unlock.ttlSeconds } : {}) }, request);
  }

  return {
    /**
     * the scope of an attempt at `subject` (the user's, or an unknown identifier's); `firstFactor`: the attempt
     * also counts toward its network's lock (a first factor from a browser the account does not trust)
     */
    async scope(userId: string | null, subject: LockSubject, request: LockRequest, firstFactor: boolean): Promise<LockScope> {
      if (isDeviceToken(request.deviceToken)) {
        const device = await deps.devices.findLive(userId ?? NO_USER, sha256(request.deviceToken), deps.clock.now());
        if (device && userId) return { kind: "device", deviceId: device.id };
      }
      return { kind: "untrusted", subject, network: firstFactor && lockout.countsNetworks ? lockoutNetworkOf(request.ip) : null };
    },

    /** whether the scope is locked (the account's lock first) and the failures counted against it so far */
    async check(scope: LockScope): Promise<LockCheck> {
      if (scope.kind === "device") {
        const device = await lockout.status({ deviceId: scope.deviceId });
        return { lockedBy: device.lockedUntil ? "device" : null, failures: device.failures };
      }
      const [account, network] = await Promise.all([lockout.status(scope.subject), scope.network ? lockout.networkLockedUntil(scope.network) : null]);
      return { lockedBy: account.lockedUntil ? "account" : network ? "network" : null, failures: account.failures };
    },

    /** counts a failed credential check (`user`: the account tried, null for an unknown identifier) */
    async recordFailure(scope: LockScope, user: User | null, request: LockRequest, factor: FailedFactor): Promise<RecordedFailure> {
      if (scope.kind === "device") {
        const failure = await lockout.recordFailure({ deviceId: scope.deviceId });
        if (failure.lockedNow && failure.lockedUntil) await locked("device", user?.id ?? null, failure.lockedUntil, failure.failures, request, { factor, deviceId: scope.deviceId });
        return { failures: failure.failures };
      }
      const [account, network] = await Promise.all([lockout.recordFailure(scope.subject), scope.network ? lockout.recordNetworkFailure(scope.network) : null]);
      if (network?.lockedNow && network.lockedUntil) await locked("network", null, network.lockedUntil, network.failures, request, { network: scope.network! });
      if (!account.lockedNow || !account.lockedUntil) return { failures: account.failures };
      if (user) await accountLocked(user, account.lockedUntil, account.failures, request, factor);
      else await locked("account", null, account.lockedUntil, account.failures, request, { factor, knownAccount: false });
      return { failures: account.failures, lockedUntil: account.lockedUntil };
    },

    /** every factor passed: the count of the scope starts over (a network's never does: it only drains) */
    async succeeded(scope: LockScope): Promise<void> {
      await lockout.reset(scope.kind === "device" ? { deviceId: scope.deviceId } : scope.subject);
    },
  };
}

export type SignInLocks = ReturnType<typeof createSignInLocks>;
