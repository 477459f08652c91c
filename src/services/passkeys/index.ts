// Passkeys and security keys (WebAuthn): registration on the account page, assertions for the login flow (first
// or second factor), and management (list, rename, remove) for the owner and administrators. RP ID and origin
// come from ISSUER (relying-party.ts); challenges live in Redis (challenges.ts).
import type { RedisClient } from "../../db/redis.ts";
import type { PasskeyDeps } from "./types.ts";
import { createChallenges } from "./challenges.ts";
import { relyingPartyFor } from "./relying-party.ts";
import { createPasskeyRegistration } from "./registration.ts";
import { createPasskeyAuthentication } from "./authentication.ts";
import { createPasskeyManagement } from "./management.ts";

export function createPasskeys(deps: Omit<PasskeyDeps, "challenges" | "rp"> & { redis: RedisClient; issuer: string; rpName: string }) {
  const full: PasskeyDeps = {
    ...deps,
    challenges: createChallenges(deps.redis, deps.clock),
    rp: relyingPartyFor(deps.issuer, deps.rpName),
  };
  const registration = createPasskeyRegistration(full);
  const authentication = createPasskeyAuthentication(full);
  const management = createPasskeyManagement(full);
  return {
    rp: full.rp,
    registration,
    authentication,
    ...management,
    /** whether the user has a passkey (a second factor then, beside TOTP) */
    enrolled: async (userId: string): Promise<boolean> => (await deps.passkeys.countFor(userId)) > 0,
  };
}

export type Passkeys = ReturnType<typeof createPasskeys>;
export type { PasskeyView } from "./management.ts";
export type { PasskeyRefusal } from "./types.ts";
