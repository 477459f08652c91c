// Team-scoped platform sessions cached in Redis (sealed with the master key), refreshed lazily and single-flight
// across processes. A cached session is handed out while more than the safety window is left; inside the window
// the first caller takes the team's Redis lock and signs in again, everyone else keeps getting the still valid
// session (or, when none is valid, waits for the lock holder's new one): 10 parallel callers, one sign-in. A purge
// (unlink, Owner change, platform refusal, revoke, re-link) bumps the team's epoch and takes the entry away (GETDEL,
// so the caller can sign the old session out); the caller snapshots the epoch before it reads the team's link, and
// a sign-in whose epoch is no longer current never writes its session back (one Lua script compares the epoch).
// A failed sign-in leaves a marker, written under the same epoch check, so nobody retries it at once: "refused"
// (the platform refused the stored credentials) stays until the Owner links again or confirms the link, so a
// changed platform password is not tried on every request (which could lock the platform account);
// "unavailable" lasts UNAVAILABLE_MARK_MS (the Retry-After). Callers and waiters finding a marker answer at once.
import type { Redis } from "ioredis";
import type { RedisClient } from "../../db/redis.ts";
import type { Clock } from "../../lib/clock.ts";
import { decryptSecret, encryptSecret } from "../../lib/crypto.ts";
import { createRedisLock } from "../../db/redis-lock.ts";

export type CachedSession = { session: string; expiresAt: Date };
/** what a fresh sign-in produced: a session, or why not (passed through to the caller) */
export type SignInResult<F> = { outcome: "ok"; session: string } | F;
export type FailureMarker = "refused" | "unavailable";
/** how long a platform outage is remembered (no sign-in is tried meanwhile): the API's Retry-After */
export const UNAVAILABLE_MARK_MS = 5000;

// KEYS: epoch, session. ARGV: the epoch the caller started in, the sealed value, its TTL in ms
const WRITE_IF_EPOCH = `
local e = redis.call('GET', KEYS[1]) or '0'
if e ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return 1`;
// KEYS: epoch, session, marker. ARGV: the epoch the caller started in, the marker, its TTL in ms (0: none).
// "refused" also takes the cached session away (returned, to be signed out). false when the epoch moved on.
const MARK_IF_EPOCH = `
local e = redis.call('GET', KEYS[1]) or '0'
if e ~= ARGV[1] then return false end
local old = ''
if ARGV[2] == 'refused' then old = redis.call('GETDEL', KEYS[2]) or '' end
if ARGV[3] == '0' then redis.call('SET', KEYS[3], ARGV[2]) else redis.call('SET', KEYS[3], ARGV[2], 'PX', ARGV[3]) end
return old`;

type Commands = {
  gatehouseVirtuozzoWrite(epochKey: string, sessionKey: string, epoch: string, value: string, ttlMs: number): Promise<number>;
  gatehouseVirtuozzoMark(
    epochKey: string,
    sessionKey: string,
    markerKey: string,
    epoch: string,
    marker: FailureMarker,
    ttlMs: number,
  ): Promise<string | null>;
};

const POLL_MS = 50;

export type CacheAnswer<F> =
  /** `replaced`: the session a forced refresh replaced (the caller signs it out) */
  | { outcome: "ok"; cached: CachedSession; refreshed: boolean; stale?: true; replaced?: string }
  /** this caller's sign-in failed (`dropped`: a cached session the refusal took away, to be signed out) */
  | { outcome: "failed"; failure: F; dropped?: string }
  /** an earlier sign-in failed and its marker is still there: no sign-in was tried */
  | { outcome: "marked"; marker: FailureMarker }
  /** purged while signing in, or the lock holder took too long; `dropped`: the new session nobody may have */
  | { outcome: "busy"; dropped?: string };

export function createSessionCache(deps: {
  redis: RedisClient;
  clock: Clock;
  masterKey: Buffer;
  safetyWindowSeconds: number;
  sessionTtlSeconds: number;
  timeoutMs: number;
}) {
  const client = deps.redis as Redis & Commands;
  client.defineCommand("gatehouseVirtuozzoWrite", { numberOfKeys: 2, lua: WRITE_IF_EPOCH });
  client.defineCommand("gatehouseVirtuozzoMark", { numberOfKeys: 3, lua: MARK_IF_EPOCH });
  const sessionKey = (teamId: string) => `virtuozzo:session:{${teamId}}`;
  const epochKey = (teamId: string) => `virtuozzo:epoch:{${teamId}}`;
  const lockKey = (teamId: string) => `virtuozzo:lock:{${teamId}}`;
  const markerKey = (teamId: string) => `virtuozzo:failed:{${teamId}}`;
  // a sign-in is at most one platform call: the lock outlives it, and a dead holder's lock runs out soon after
  const lockMs = deps.timeoutMs * 2 + 2000;
  const windowMs = deps.safetyWindowSeconds * 1000;

  function unsealed(teamId: string, sealed: string | null | undefined): CachedSession | null {
    if (!sealed) return null;
    try {
      const { s, e } = JSON.parse(decryptSecret(deps.masterKey, sealed, sessionKey(teamId))) as { s: string; e: number };
      return { session: s, expiresAt: new Date(e) };
    } catch {
      return null; // sealed under another master key: as good as missing
    }
  }
  const read = async (teamId: string) => unsealed(teamId, await deps.redis.get(sessionKey(teamId)));
  const readMarker = async (teamId: string) => (await deps.redis.get(markerKey(teamId))) as FailureMarker | null;
  const left = (c: CachedSession) => c.expiresAt.getTime() - deps.clock.now().getTime();
  const fresh = (c: CachedSession | null): c is CachedSession => c !== null && left(c) > windowMs;
  const valid = (c: CachedSession | null): c is CachedSession => c !== null && left(c) > 0;

  async function write(teamId: string, epoch: string, session: string): Promise<CachedSession | null> {
    const expiresAt = new Date(deps.clock.now().getTime() + deps.sessionTtlSeconds * 1000);
    const value = encryptSecret(deps.masterKey, JSON.stringify({ s: session, e: expiresAt.getTime() }), sessionKey(teamId));
    const written = await client.gatehouseVirtuozzoWrite(epochKey(teamId), sessionKey(teamId), epoch, value, deps.sessionTtlSeconds * 1000);
    return written === 1 ? { session, expiresAt } : null;
  }

  /** the marker of a failed sign-in (only while the epoch is the caller's); a session "refused" took away */
  async function mark(teamId: string, epoch: string, marker: FailureMarker): Promise<string | undefined> {
    const old = await client.gatehouseVirtuozzoMark(
      epochKey(teamId),
      sessionKey(teamId),
      markerKey(teamId),
      epoch,
      marker,
      marker === "refused" ? 0 : UNAVAILABLE_MARK_MS,
    );
    return unsealed(teamId, old)?.session;
  }

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  // callers of this process waiting for another caller's sign-in (what single flight looks like from outside)
  let waiting = 0;
  const markerOf = (outcome: string): FailureMarker | null =>
    outcome === "credentials_refused" ? "refused" : outcome === "unavailable" ? "unavailable" : null;

  return {
    read,
    /** the team's epoch now: taken before the team's link is read, handed to `get` */
    epoch: async (teamId: string): Promise<string> => (await deps.redis.get(epochKey(teamId))) ?? "0",
    /**
     * The team's session: the cached one while fresh; otherwise one sign-in across all processes (`signIn`, called
     * only by the lock holder; its session is kept only while the team's epoch is still `epoch`). A platform outage
     * while a cached session is still valid hands that one out (`stale`), except to a forced refresh.
     */
    async get<F extends { outcome: string }>(
      teamId: string,
      epoch: string,
      signIn: () => Promise<SignInResult<F>>,
      opts: { force?: boolean } = {},
    ): Promise<CacheAnswer<F>> {
      const deadline = Date.now() + lockMs + deps.timeoutMs;
      const lock = createRedisLock(deps.redis, lockKey(teamId), lockMs);
      // a forced refresh wants any session but the one cached now (another caller's new one will do)
      const replaced = opts.force ? ((await read(teamId))?.session ?? null) : undefined;
      const usable = (c: CachedSession | null): c is CachedSession => fresh(c) && c.session !== replaced;
      const staleOk = (c: CachedSession | null): c is CachedSession => !opts.force && valid(c);
      let waits = false;
      try {
        return await loop();
      } finally {
        if (waits) waiting -= 1;
      }
      async function loop(): Promise<CacheAnswer<F>> {
        for (;;) {
          const cached = await read(teamId);
          if (usable(cached)) return { outcome: "ok", cached, refreshed: false };
          const marker = await readMarker(teamId);
          if (marker === "unavailable" && staleOk(cached)) return { outcome: "ok", cached, refreshed: false, stale: true };
          if (marker) return { outcome: "marked", marker };
          const held = await lock.acquire();
          if (held) {
            try {
              const again = await read(teamId);
              if (usable(again)) return { outcome: "ok", cached: again, refreshed: false };
              if (await readMarker(teamId)) continue; // failed just before this caller got the lock: answer from the marker
              const made = await signIn();
              if (made.outcome !== "ok") {
                const kind = markerOf(made.outcome);
                const dropped = kind ? await mark(teamId, epoch, kind) : undefined;
                // the platform did not give a new one: a still valid session is served on (nothing is overwritten)
                if (kind === "unavailable" && staleOk(again)) return { outcome: "ok", cached: again, refreshed: false, stale: true };
                return { outcome: "failed", failure: made as F, ...(dropped ? { dropped } : {}) };
              }
              const session = (made as { session: string }).session;
              const stored = await write(teamId, epoch, session);
              // purged since the caller read the link (re-linked, unlinked, Owner changed): this session belongs to no one
              if (!stored) return { outcome: "busy", dropped: session };
              return { outcome: "ok", cached: stored, refreshed: true, ...(replaced ? { replaced } : {}) };
            } finally {
              await held.release();
            }
          }
          // someone else is signing in: a valid session meanwhile, or wait for theirs (or their failure's marker)
          if (replaced === undefined && valid(cached)) return { outcome: "ok", cached, refreshed: false };
          if (Date.now() > deadline) return { outcome: "busy" };
          if (!waits) {
            waits = true;
            waiting += 1;
          }
          await sleep(POLL_MS);
        }
      }
    },
    /** how many callers of this process wait for another caller's sign-in right now */
    waiting: () => waiting,
    /**
     * forgets the team's session; a sign-in in flight cannot write its session back. The forgotten one, if any.
     * `clearMarker`: a new or confirmed link also forgets an earlier sign-in's failure
     */
    async purge(teamId: string, opts: { clearMarker?: boolean } = {}): Promise<CachedSession | null> {
      const tx = deps.redis.multi().incr(epochKey(teamId)).getdel(sessionKey(teamId));
      if (opts.clearMarker) tx.del(markerKey(teamId));
      const answers = (await tx.exec()) ?? [];
      return unsealed(teamId, answers[1]?.[1] as string | null);
    },
  };
}

export type SessionCache = ReturnType<typeof createSessionCache>;
