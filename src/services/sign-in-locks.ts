// Whose failures a sign-in attempt counts against, and whether it is locked out (OWASP "device cookies"): a
// browser holding a live trusted-device cookie for the user is judged by that device's own count, so wrong
// passwords typed anywhere else never lock its owner out, and its own wrong passwords never lock the account for
// others. Every other browser is judged by the account's progressive lockout (per normalized identifier when no
// account matches) and, for a first factor, by its network's (IPv4 /24, IPv6 /64; public addresses only), so one
// network cannot guess cheaply by rotating accounts. A first factor's failure counts toward its network whoever's
// count judges it: a shared computer trusted by several users is still seen spraying them.
// The owner is emailed, once per lock, when their account's lock starts (with a single-use unlock link,
// unlock-links.ts, when passwords did it) and when one of their trusted browsers' own lock starts (naming that
// browser, no link: their other browsers are not locked); a network's lock is audited only. The email is handed
// over after the answer (see `later`), so a lock's start takes as long for an account as for an unknown identifier.
import { isIP } from "node:net";
import type { Clock } from "../lib/clock.ts";
import { sha256 } from "../lib/crypto.ts";
import type { TrustedDeviceQueries } from "../queries/trusted-devices.ts";
import type { User } from "../queries/users.ts";
import type { Logger } from "../lib/logger.ts";
import { createTrackedJobs } from "../lib/tracked-jobs.ts";
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

/**
 * whose count judges an attempt: the user's trusted device, or the account (or identifier) and its network.
 * `network`: the network a first factor's failure also counts toward (null: none, or not a first factor); only an
 * untrusted attempt is judged by its lock
 */
export type LockScope =
  | { kind: "device"; deviceId: string; device: TrustedBrowser; network: string | null }
  | { kind: "untrusted"; subject: LockSubject; network: string | null };
/** a trusted browser as its owner's email describes it */
export type TrustedBrowser = { label: string; trustedSince: Date };
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
  return groups
    ? `${groups
        .slice(0, 4)
        .map((g) => g.toString(16))
        .join(":")}::/64`
    : null;
}

/** how long a lockout email that could not be handed over waits before each further try (then it is logged as lost) */
const RETRY_DELAYS_MS = [1000, 5000];

export function createSignInLocks(deps: {
  lockout: LockoutService;
  devices: Pick<TrustedDeviceQueries, "findLive">;
  audit: AuditService;
  notifications: Pick<Notifications, "lockedOut">;
  unlockLinks: Pick<UnlockLinks, "issue">;
  clock: Clock;
  /** where an email that could not be handed over is reported */
  log: Pick<Logger, "warn" | "error">;
  /** the waits between tries of a lockout email (tests: none) */
  retryDelaysMs?: readonly number[];
}) {
  const { lockout, audit } = deps;
  const { log } = deps;
  const retryDelays = deps.retryDelaysMs ?? RETRY_DELAYS_MS;
  const pending = createTrackedJobs();
  const locked = (
    type: "account" | "device" | "network",
    userId: string | null,
    until: Date,
    failures: number,
    request: LockRequest,
    data: Record<string, string | number | boolean>,
  ) =>
    audit.record({
      type: "login.locked",
      outcome: "failure",
      userId,
      ip: request.ip,
      userAgent: request.userAgent,
      clientId: request.clientId ?? null,
      data: { scope: type, until: until.toISOString(), failures, ...data },
    });

  /**
   * The owner's lockout email, handed over after the answer. Awaited, it would make the failure that starts a
   * known account's lock slower than an unknown identifier's (an unlock link in Redis, two templates rendered, an
   * outbox row in Postgres), and a stopwatch would tell which accounts exist. So the answer waits only for what
   * both do (the counts and the `login.locked` audit record), and the email starts on the next turn of the event
   * loop, so not even its synchronous part (the token, the rendering) runs before the answer is written. It is
   * not dropped: it is tracked until its outbox row is written (`settled`: shutdown and tests wait for it); a
   * failure before that (the link in Redis, the rendering) is tried again after each of RETRY_DELAYS_MS and then
   * logged as an error, and an insert Postgres refuses is logged by the mailer, as for every email. Once the row
   * is written it is as durable as any email (retried until delivered, a dead letter at worst). Doing the same
   * work for unknown identifiers instead would mean fake links and rows, and still not the same time.
   */
  function later(userId: string, scope: "account" | "device", send: () => Promise<void>): void {
    const job = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await send();
        } catch (err) {
          const facts = { userId, scope, attempt: attempt + 1, err: { message: String((err as Error)?.message ?? err) } };
          if (attempt >= retryDelays.length) return log.error(facts, "lockout email could not be queued: the owner was not told");
          log.warn(facts, "lockout email could not be queued; it will be retried");
          await new Promise((resolve) => setTimeout(resolve, retryDelays[attempt]));
        }
      }
    });
    pending.track(job);
  }

  /** the account is locked now: audited, and its owner emailed (with an unlock link when passwords did it) */
  async function accountLocked(user: User, until: Date, failures: number, request: LockRequest, factor: FailedFactor): Promise<void> {
    await locked("account", user.id, until, failures, request, { factor });
    later(user.id, "account", async () => {
      // wrong codes mean someone has the password: the owner should reset it (which also unlocks), not just unlock
      const unlock = factor === "password" ? await deps.unlockLinks.issue(user) : null;
      await deps.notifications.lockedOut(
        user,
        { until, attempts: failures, factor, ...(unlock ? { unlockLink: unlock.link, unlockTtl: unlock.ttlSeconds } : {}) },
        request,
      );
    });
  }

  /** one of the user's trusted browsers is locked now: audited, and its owner emailed about that browser (no unlock link) */
  async function deviceLocked(
    user: User | null,
    scope: Extract<LockScope, { kind: "device" }>,
    until: Date,
    failures: number,
    request: LockRequest,
    factor: FailedFactor,
  ): Promise<void> {
    await locked("device", user?.id ?? null, until, failures, request, { factor, deviceId: scope.deviceId });
    if (user)
      later(user.id, "device", () =>
        deps.notifications.lockedOut(user, { until, attempts: failures, factor, device: scope.device }, request),
      );
  }

  /** a failure counted toward a network: its lock, when this one started it, is audited */
  async function networkFailure(network: string | null, request: LockRequest): Promise<void> {
    const failure = network ? await lockout.recordNetworkFailure(network) : null;
    if (failure?.lockedNow && failure.lockedUntil)
      await locked("network", null, failure.lockedUntil, failure.failures, request, { network: network! });
  }

  return {
    /**
     * the scope of an attempt at `subject` (the user's, or an unknown identifier's); `firstFactor`: the attempt's
     * failure also counts toward its network, and a browser the account does not trust is judged by its lock
     */
    async scope(userId: string | null, subject: LockSubject, request: LockRequest, firstFactor: boolean): Promise<LockScope> {
      const network = firstFactor && lockout.countsNetworks ? lockoutNetworkOf(request.ip) : null;
      if (isDeviceToken(request.deviceToken)) {
        const device = await deps.devices.findLive(userId ?? NO_USER, sha256(request.deviceToken), deps.clock.now());
        if (device && userId)
          return { kind: "device", deviceId: device.id, device: { label: device.label, trustedSince: device.createdAt }, network };
      }
      return { kind: "untrusted", subject, network };
    },

    /** whether the scope is locked (the account's lock first) and the failures counted against it so far */
    async check(scope: LockScope): Promise<LockCheck> {
      if (scope.kind === "device") {
        const device = await lockout.status({ deviceId: scope.deviceId });
        return { lockedBy: device.lockedUntil ? "device" : null, failures: device.failures };
      }
      const [account, network] = await Promise.all([
        lockout.status(scope.subject),
        scope.network ? lockout.networkLockedUntil(scope.network) : null,
      ]);
      return { lockedBy: account.lockedUntil ? "account" : network ? "network" : null, failures: account.failures };
    },

    /** counts a failed credential check (`user`: the account tried, null for an unknown identifier) */
    async recordFailure(scope: LockScope, user: User | null, request: LockRequest, factor: FailedFactor): Promise<RecordedFailure> {
      if (scope.kind === "device") {
        const [device] = await Promise.all([lockout.recordFailure({ deviceId: scope.deviceId }), networkFailure(scope.network, request)]);
        if (device.lockedNow && device.lockedUntil) await deviceLocked(user, scope, device.lockedUntil, device.failures, request, factor);
        return { failures: device.failures };
      }
      const [account] = await Promise.all([lockout.recordFailure(scope.subject), networkFailure(scope.network, request)]);
      if (!account.lockedNow || !account.lockedUntil) return { failures: account.failures };
      if (user) await accountLocked(user, account.lockedUntil, account.failures, request, factor);
      else await locked("account", null, account.lockedUntil, account.failures, request, { factor, knownAccount: false });
      return { failures: account.failures, lockedUntil: account.lockedUntil };
    },

    /** every factor passed: the count of the scope starts over (a network's never does: it only drains) */
    async succeeded(scope: LockScope): Promise<void> {
      await lockout.reset(scope.kind === "device" ? { deviceId: scope.deviceId } : scope.subject);
    },

    /** resolves when every lockout email started so far is handed over (or given up and logged): shutdown, tests */
    settled: pending.settled,
  };
}

export type SignInLocks = ReturnType<typeof createSignInLocks>;
