// argon2id hashing with a cap on how many hashes run at once, so a burst of logins cannot starve token
// signing (both run on libuv's threadpool). Unknown accounts are verified against a dummy hash so response
// time does not reveal whether an account exists.
import argon2 from "argon2";
import pLimit from "p-limit";
import { randomToken } from "../lib/crypto.ts";

export type Argon2Settings = { memoryCost: number; timeCost: number; parallelism: number; maxConcurrency: number; maxQueue?: number };

export function createPasswordService(settings: Argon2Settings) {
  const limit = pLimit(settings.maxConcurrency);
  const options: Parameters<typeof argon2.hash>[1] = {
    type: argon2.argon2id as 2,
    memoryCost: settings.memoryCost,
    timeCost: settings.timeCost,
    parallelism: settings.parallelism,
  };
  // NFC so a password typed on a keyboard that composes differently still matches (NIST 800-63B)
  const prepare = (password: string) => password.normalize("NFC");
  let dummyHash: Promise<string> | undefined;

  const hash = (password: string) => limit(() => argon2.hash(prepare(password), options));

  return {
    hash,
    /** true when the hash matches; unknown accounts pass `null` and still pay for one verification */
    async verify(passwordHash: string | null, password: string): Promise<boolean> {
      dummyHash ??= hash(randomToken());
      const target = passwordHash ?? (await dummyHash);
      const ok = await limit(() => argon2.verify(target, prepare(password)).catch(() => false));
      return ok && passwordHash !== null;
    },
    /** true when the stored hash was made with other parameters than the configured ones */
    needsRehash: (passwordHash: string) => argon2.needsRehash(passwordHash, options),
    /** true while more password checks wait than ARGON2_MAX_QUEUE allows: callers answer "try again" */
    saturated: () => limit.pendingCount >= (settings.maxQueue ?? Number.POSITIVE_INFINITY),
    /** warms the dummy hash at start so the first unknown-account login costs the same as the others */
    warmUp: async () => {
      dummyHash ??= hash(randomToken());
      await dummyHash;
    },
  };
}

export type PasswordService = ReturnType<typeof createPasswordService>;
