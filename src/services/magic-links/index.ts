// "Email me a sign-in link" (MAGIC_LINKS): a single-use link valid 10 minutes for one login interaction, bound
// to the browser that asked. Kept in Redis, not Postgres: every record lives minutes, expires by TTL on its own,
// is taken once with GETDEL, and nothing about it needs to outlive a Redis restart (the user asks again), like
// the login flow's own state and the device codes. Only hashes are kept:
//   magic:link:{sha256(token)}  the interaction, the account, sha256(browser nonce), remember, expiry (app clock)
//   magic:uid:{uid}             the hash of the interaction's current link: a newer request ends the older link
//   magic:code:{uid}            the short code a link opened elsewhere gave (sha256 of it), 5 minutes, 5 tries
// The browser that asks gets a random nonce in a cookie; the link completes the first factor only where that
// nonce comes back (the same browser). Opened elsewhere (a phone's mail app), the link is spent and shows a
// 6-digit code instead, to type in the asking browser, which still needs its nonce: the other device is never
// signed in. Every request gets the same answer whether or not the address has an account; only accounts get
// mail (through the outbox, so sending takes no time in the request). Audited: magic_link.requested,
// .handed_off (a code given), .refused (a dead link, a wrong code), and the sign-in itself as login.succeeded.
import type { RedisClient } from "../../db/redis.ts";
import type { Clock } from "../../lib/clock.ts";
import { constantTimeEqual, randomToken, sha256, type RandomSource } from "../../lib/crypto.ts";
import type { User } from "../../queries/users.ts";
import type { AuditService } from "../audit.ts";
import { normalizeEmail } from "../identifiers.ts";
import type { RequestInfo } from "../notifications.ts";
import { createTrackedJobs } from "../../lib/tracked-jobs.ts";
import type { Logger } from "../../lib/logger.ts";

export const MAGIC_LINK_TTL = 600;
export const MAGIC_CODE_TTL = 300;
export const MAGIC_CODE_TRIES = 5;
/** base64url of 32 bytes: anything else (a truncated link) is refused before Redis is asked */
export const MAGIC_TOKEN = /^[A-Za-z0-9_-]{43}$/;

type Link = { uid: string; userId: string; browser: string; remember: boolean; exp: number };
type Code = { code: string; userId: string; browser: string; remember: boolean; exp: number };
export type Redeemed = { outcome: "ok"; userId: string; remember: boolean } | { outcome: "refused"; reason: string; userId: string | null };

export type MagicLinkDeps = {
  redis: RedisClient;
  clock: Clock;
  random: RandomSource;
  issuer: string;
  audit: AuditService;
  users: { findByEmailNormalized(email: string): Promise<User | null> };
  notifications: { magicLink(user: User, link: string, ttlSeconds: number, request: RequestInfo): Promise<unknown> };
  log: Pick<Logger, "warn">;
};

const parse = <T>(raw: string | null): T | null => {
  if (!raw) return null;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return null;
  }
};

export function createMagicLinks(deps: MagicLinkDeps) {
  const { redis, clock } = deps;
  // the email of an existing account is prepared and queued after the answer, so asking for a link takes as
  // long whether or not the address has an account (the page is the same either way)
  const mails = createTrackedJobs();
  const linkKey = (hash: string) => `magic:link:{${hash}}`;
  const uidKey = (uid: string) => `magic:uid:{${uid}}`;
  const codeKey = (uid: string) => `magic:code:{${uid}}`;
  const triesKey = (uid: string) => `magic:tries:{${uid}}`;
  const refused = async (
    reason: string,
    userId: string | null,
    request: RequestInfo,
    uid: string,
  ): Promise<{ outcome: "refused"; reason: string; userId: string | null }> => {
    await deps.audit.record({ type: "magic_link.refused", outcome: "failure", userId, ...request, data: { reason, interaction: uid } });
    return { outcome: "refused", reason, userId };
  };

  return {
    /** resolves once every link email started so far is queued (shutdown and tests) */
    settled: () => mails.settled(),

    /**
     * a new link for this interaction (the older one ends); mailed only when the address has an enabled
     * account. Returns the browser nonce for the asking browser's cookie, the same way in every case
     */
    async request(input: { uid: string; email: string; remember: boolean; request: RequestInfo }): Promise<{ browser: string }> {
      const browser = randomToken(32);
      const token = randomToken(32);
      const hash = sha256(token);
      const user = await deps.users.findByEmailNormalized(normalizeEmail(input.email));
      const account = user && !user.disabled ? user : null;
      const previous = await redis.set(uidKey(input.uid), hash, "EX", MAGIC_LINK_TTL + 60, "GET");
      // the interaction's keys share its hash tag (one slot in a cluster); a link's key has its own
      if (previous) await redis.del(linkKey(previous));
      await redis.del(codeKey(input.uid), triesKey(input.uid));
      if (account) {
        const record: Link = {
          uid: input.uid,
          userId: account.id,
          browser: sha256(browser),
          remember: input.remember,
          exp: clock.epoch() + MAGIC_LINK_TTL,
        };
        await redis.set(linkKey(hash), JSON.stringify(record), "EX", MAGIC_LINK_TTL + 60);
        const link = `${deps.issuer}/interaction/${input.uid}/magic/${token}`;
        mails.track(
          deps.notifications.magicLink(account, link, MAGIC_LINK_TTL, input.request).then(
            () => undefined,
            (err: unknown) =>
              deps.log.warn({ err: { message: (err as Error).message }, userId: account.id }, "magic link: the email could not be queued"),
          ),
        );
      }
      await deps.audit.record({
        type: "magic_link.requested",
        outcome: "success",
        userId: account?.id ?? null,
        ...input.request,
        data: { interaction: input.uid, sent: account ? "yes" : "no", ...(previous ? { superseded: "yes" } : {}) },
      });
      return { browser };
    },

    /** whether this browser's nonce is the one the link is bound to (changes nothing) */
    async sameBrowser(token: string, browser: string | undefined): Promise<boolean> {
      if (!browser || !MAGIC_TOKEN.test(token)) return false;
      const link = parse<Link>(await redis.get(linkKey(sha256(token))));
      return Boolean(link && constantTimeEqual(link.browser, sha256(browser)));
    },

    /** the link, taken once, in the browser that asked: the first factor of interaction `uid` */
    async redeemLink(uid: string, token: string, browser: string | undefined, request: RequestInfo): Promise<Redeemed> {
      if (!MAGIC_TOKEN.test(token)) return refused("malformed", null, request, uid);
      const hash = sha256(token);
      const link = parse<Link>(await redis.getdel(linkKey(hash)));
      if (!link) return refused("unknown_or_used", null, request, uid);
      if (link.exp <= clock.epoch()) return refused("expired", link.userId, request, uid);
      if (link.uid !== uid || (await redis.get(uidKey(uid))) !== hash) return refused("superseded", link.userId, request, uid);
      if (!browser || !constantTimeEqual(link.browser, sha256(browser))) return refused("other_browser", link.userId, request, uid);
      await redis.del(uidKey(uid));
      return { outcome: "ok", userId: link.userId, remember: link.remember };
    },

    /** the link opened in another browser: spent, and a short code for the asking browser instead */
    async handOff(
      uid: string,
      token: string,
      request: RequestInfo,
    ): Promise<{ outcome: "code"; code: string; ttlSeconds: number } | { outcome: "refused"; reason: string }> {
      if (!MAGIC_TOKEN.test(token)) return refused("malformed", null, request, uid);
      const hash = sha256(token);
      const link = parse<Link>(await redis.getdel(linkKey(hash)));
      if (!link) return refused("unknown_or_used", null, request, uid);
      if (link.exp <= clock.epoch()) return refused("expired", link.userId, request, uid);
      if (link.uid !== uid || (await redis.get(uidKey(uid))) !== hash) return refused("superseded", link.userId, request, uid);
      const code = String(deps.random.int(0, 1_000_000)).padStart(6, "0");
      const stored: Code = {
        code: sha256(code),
        userId: link.userId,
        browser: link.browser,
        remember: link.remember,
        exp: clock.epoch() + MAGIC_CODE_TTL,
      };
      await redis
        .multi()
        .set(codeKey(uid), JSON.stringify(stored), "EX", MAGIC_CODE_TTL + 60)
        .del(triesKey(uid))
        .del(uidKey(uid))
        .exec();
      await deps.audit.record({
        type: "magic_link.handed_off",
        outcome: "success",
        userId: link.userId,
        ...request,
        data: { interaction: uid },
      });
      return { outcome: "code", code, ttlSeconds: MAGIC_CODE_TTL };
    },

    /** the code typed in the asking browser: once, within 5 minutes, at most 5 tries in all */
    async redeemCode(uid: string, code: string, browser: string | undefined, request: RequestInfo): Promise<Redeemed> {
      const stored = parse<Code>(await redis.get(codeKey(uid)));
      if (!stored) return refused("no_code", null, request, uid);
      if (stored.exp <= clock.epoch()) return refused("code_expired", stored.userId, request, uid);
      const tries = await redis.incr(triesKey(uid));
      if (tries === 1) await redis.expire(triesKey(uid), MAGIC_CODE_TTL + 60);
      if (tries > MAGIC_CODE_TRIES) {
        await redis.del(codeKey(uid));
        return refused("code_attempts_used", stored.userId, request, uid);
      }
      const right = /^\d{6}$/.test(code) && constantTimeEqual(stored.code, sha256(code));
      if (!right || !browser || !constantTimeEqual(stored.browser, sha256(browser)))
        return refused(right ? "other_browser" : "wrong_code", stored.userId, request, uid);
      // single use: of two right answers only the one that takes it goes on
      if (!(await redis.getdel(codeKey(uid)))) return refused("no_code", stored.userId, request, uid);
      return { outcome: "ok", userId: stored.userId, remember: stored.remember };
    },
  };
}

export type MagicLinks = ReturnType<typeof createMagicLinks>;
