// WebAuthn challenges: 32 random bytes, single use, short lived, one per purpose and binding (a login
// interaction's uid, or an account session's uid for registration and re-authentication). Taking one deletes it (GETDEL) whatever the
// answer: a refused attempt asks for new options. A challenge issued for one flow is never found under another.
import type { RedisClient } from "../../db/redis.ts";
import type { Clock } from "../../lib/clock.ts";
import { randomToken } from "../../lib/crypto.ts";
import { CHALLENGE_TTL_SECONDS } from "./relying-party.ts";

export type ChallengePurpose = "register" | "first_factor" | "second_factor" | "reauthenticate";
export type IssuedChallenge = { challenge: string; expiresAt: number; userId?: string; name?: string };

export function createChallenges(redis: RedisClient, clock: Pick<Clock, "epoch">) {
  const key = (purpose: ChallengePurpose, binding: string) => `webauthn:{${binding}}:${purpose}`;
  return {
    /** a fresh challenge for this purpose and binding (an older one waiting there is replaced) */
    async issue(purpose: ChallengePurpose, binding: string, extra: { userId?: string; name?: string } = {}): Promise<string> {
      const challenge = randomToken(32);
      const record: IssuedChallenge = { challenge, expiresAt: clock.epoch() + CHALLENGE_TTL_SECONDS, ...extra };
      await redis.set(key(purpose, binding), JSON.stringify(record), "EX", CHALLENGE_TTL_SECONDS);
      return challenge;
    },
    /** takes the waiting challenge (once); null when there is none or it has expired (by the app's clock too) */
    async take(purpose: ChallengePurpose, binding: string): Promise<IssuedChallenge | null> {
      const raw = await redis.getdel(key(purpose, binding));
      if (!raw) return null;
      const record = JSON.parse(raw) as IssuedChallenge;
      return record.expiresAt > clock.epoch() ? record : null;
    },
  };
}

export type Challenges = ReturnType<typeof createChallenges>;
