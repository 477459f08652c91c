// The unlock link in the lockout email: lets the owner of an account locked by wrong passwords lift the lock
// at once. 32 random bytes; only the SHA-256 is kept, in Redis (`unlock:link:{<hash>}`: the user, their
// address and the expiry, LOCKOUT_UNLOCK_TTL by the app clock); single use (taken with GETDEL); bound to the
// address it was mailed to, and to the lock it was issued for (its hash is kept with the lock: a link of an earlier
// lock, or one issued before a success or a reset, ends nothing). One link goes out per lock, because only the
// failure that starts a lock emails (services/sign-in-locks.ts). Following it ends the lock but keeps the count, so an attacker who goes on reaches
// the next, longer lock; every use and refusal is audited.
import type { RedisClient } from "../db/redis.ts";
import type { Clock } from "../lib/clock.ts";
import { randomToken, sha256 } from "../lib/crypto.ts";
import type { User, UserQueries } from "../queries/users.ts";
import type { AuditService } from "./audit.ts";
import type { LockoutService } from "./lockout.ts";
import type { RequestInfo } from "./notifications.ts";

type Stored = { userId: string; email: string; exp: number };
export type UnlockLinkCheck = { outcome: "valid"; user: User; lockedUntil: Date | null } | { outcome: "invalid" | "expired" };
export type UnlockResult = { outcome: "unlocked"; user: User; wasLockedUntil: Date | null } | { outcome: "invalid" | "expired" };

/** what an unlock token looks like (base64url of 32 bytes); anything else is refused before Redis is asked */
export const UNLOCK_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function createUnlockLinks(deps: {
  redis: RedisClient;
  clock: Clock;
  users: Pick<UserQueries, "findById">;
  lockout: Pick<LockoutService, "lockedUntil" | "unlock" | "bindUnlockLink" | "isCurrentUnlockLink">;
  audit: AuditService;
  issuer: string;
  ttlSeconds: number;
}) {
  const { redis, clock } = deps;
  const key = (token: string) => `unlock:link:{${sha256(token)}}`;
  const parse = (value: string | null): Stored | null => {
    if (!value) return null;
    try {
      const stored = JSON.parse(value) as Partial<Stored>;
      return typeof stored.userId === "string" && typeof stored.email === "string" && typeof stored.exp === "number"
        ? (stored as Stored)
        : null;
    } catch {
      return null;
    }
  };

  /** the link's account when the link is live and still belongs to it (enabled, same address) */
  async function accountOf(stored: Stored | null): Promise<{ outcome: "valid"; user: User } | { outcome: "invalid" | "expired" }> {
    if (!stored) return { outcome: "invalid" };
    if (stored.exp <= clock.epoch()) return { outcome: "expired" };
    const user = await deps.users.findById(stored.userId);
    if (!user || user.disabled || user.emailNormalized !== stored.email) return { outcome: "invalid" };
    return { outcome: "valid", user };
  }

  return {
    ttlSeconds: deps.ttlSeconds,

    /** a new link for the user's current lock (the raw token goes into the email only) */
    async issue(user: Pick<User, "id" | "emailNormalized">): Promise<{ link: string; ttlSeconds: number }> {
      const token = randomToken(32);
      const stored: Stored = { userId: user.id, email: user.emailNormalized, exp: clock.epoch() + deps.ttlSeconds };
      // Redis forgets it a minute after the app clock says it expired (the clock follows Redis's TIME)
      await redis.set(key(token), JSON.stringify(stored), "EX", deps.ttlSeconds + 60);
      await deps.lockout.bindUnlockLink({ userId: user.id }, sha256(token));
      return { link: `${deps.issuer}/unlock?token=${token}`, ttlSeconds: deps.ttlSeconds };
    },

    /** what the link's page shows; changes nothing (mail scanners open links) */
    async inspect(token: string): Promise<UnlockLinkCheck> {
      if (!UNLOCK_TOKEN.test(token)) return { outcome: "invalid" };
      const found = await accountOf(parse(await redis.get(key(token))));
      if (found.outcome !== "valid") return found;
      if (!(await deps.lockout.isCurrentUnlockLink({ userId: found.user.id }, sha256(token)))) return { outcome: "invalid" };
      return { ...found, lockedUntil: await deps.lockout.lockedUntil({ userId: found.user.id }) };
    },

    /** uses the link, once: the account's lock ends (audited either way) */
    async redeem(token: string, request: RequestInfo): Promise<UnlockResult> {
      const taken = UNLOCK_TOKEN.test(token) ? parse(await redis.getdel(key(token))) : null;
      const found = await accountOf(taken);
      if (found.outcome !== "valid") {
        // no user id: the account the link named may be gone
        await deps.audit.record({
          type: "lockout.unlock_failed",
          outcome: "failure",
          userId: null,
          ...request,
          data: { reason: found.outcome },
        });
        return found;
      }
      const unlocked = await deps.lockout.unlock({ userId: found.user.id }, sha256(token));
      if (unlocked.outcome === "stale") {
        await deps.audit.record({
          type: "lockout.unlock_failed",
          outcome: "failure",
          userId: found.user.id,
          ...request,
          data: { reason: "superseded" },
        });
        return { outcome: "invalid" };
      }
      const { wasLockedUntil } = unlocked;
      await deps.audit.record({
        type: "lockout.cleared",
        outcome: "success",
        userId: found.user.id,
        ...request,
        data: { via: "unlock_link", wasLockedUntil: wasLockedUntil?.toISOString() ?? null },
      });
      return { outcome: "unlocked", user: found.user, wasLockedUntil };
    },
  };
}

export type UnlockLinks = ReturnType<typeof createUnlockLinks>;
