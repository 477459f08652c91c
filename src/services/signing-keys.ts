// Signing keys: generated here, kept in Postgres with the private half encrypted by the master key.
// States: next (published in the JWKS, not yet signing) -> current (signs) -> previous (published until every
// token it signed has expired) -> retired (gone from the JWKS). Two algorithms sign: SIGNING_ALG (ES256 by
// default) signs access tokens and every ID token unless a client asks RS256, which OpenID Connect requires a
// provider to offer and some relying parties accept alone; each has its own keys, rotated together.
import { exportJWK, generateKeyPair, type JWK } from "jose";
import { decryptSecret, encryptSecret, randomToken } from "../lib/crypto.ts";
import type { Clock } from "../lib/clock.ts";
import { StartupError } from "../lib/startup-error.ts";
import type { NewSigningKey, SigningKey, SigningKeyQueries } from "../queries/signing-keys.ts";

export type KeySet = { keys: JWK[]; fingerprint: string };

const CURVES: Record<string, string | undefined> = { ES256: "P-256", ES384: "P-384", EdDSA: "Ed25519" };
/** the algorithm every provider must offer for ID tokens (OpenID Connect Discovery, id_token_signing_alg_values_supported) */
export const REQUIRED_ID_TOKEN_ALG = "RS256";
/** the algorithms that sign: SIGNING_ALG first, then RS256 */
export const signingAlgs = (alg: string): string[] => (alg === REQUIRED_ID_TOKEN_ALG ? [alg] : [alg, REQUIRED_ID_TOKEN_ALG]);

export function createSigningKeyService(deps: {
  queries: SigningKeyQueries;
  masterKey: Buffer;
  clock: Clock;
  alg: string;
  /** seconds a previous key stays published: the longest token lifetime it may have signed, plus margin */
  retireAfterSeconds: number;
}) {
  const { queries, masterKey, clock, alg } = deps;
  const algs = signingAlgs(alg);
  const purpose = (kid: string) => `signing-key:${kid}`;

  async function generate(alg: string): Promise<NewSigningKey> {
    const kid = randomToken(12);
    const crv = CURVES[alg];
    const { privateKey, publicKey } = await generateKeyPair(alg, {
      extractable: true,
      ...(crv && alg === "EdDSA" ? { crv } : {}),
      ...(alg.startsWith("RS") || alg.startsWith("PS") ? { modulusLength: 2048 } : {}),
    });
    const base = { kid, alg, use: "sig" };
    const privateJwk = { ...(await exportJWK(privateKey)), ...base };
    const publicJwk = { ...(await exportJWK(publicKey)), ...base };
    return { id: kid, alg, publicJwk, privateJwkEncrypted: encryptSecret(masterKey, JSON.stringify(privateJwk), purpose(kid)) };
  }

  function toProviderJwk(key: SigningKey): JWK {
    let jwk: JWK;
    try {
      jwk = JSON.parse(decryptSecret(masterKey, key.privateJwkEncrypted, purpose(key.id))) as JWK;
    } catch {
      throw new StartupError(
        `MASTER_KEY cannot decrypt signing key ${key.id}: it is not the key the signing keys were encrypted with. Restore the original MASTER_KEY.`,
      );
    }
    // only the current key may sign; the others are in the set to be published and to verify
    return key.state === "current" ? jwk : { ...jwk, key_ops: ["verify"] };
  }

  const order = { current: 0, next: 1, previous: 2, retired: 3 } as const;

  return {
    /** first start of each algorithm: a current and a next key (no-op for an algorithm that has keys) */
    async ensureKeys(): Promise<boolean> {
      const published = await queries.listPublished();
      let created = false;
      for (const a of algs) {
        if (published.some((k) => k.alg === a)) continue;
        if (await queries.createInitial(await generate(a), await generate(a), clock.now())) created = true;
      }
      return created;
    },

    /**
     * promotes each algorithm's next key to current now; the old current keys stay published until their tokens
     * have expired. Returns the new current key of SIGNING_ALG.
     */
    async rotate(): Promise<string> {
      const now = clock.now();
      const retireAfter = new Date(now.getTime() + deps.retireAfterSeconds * 1000);
      const [primary] = await Promise.all(algs.map(async (a) => queries.rotate(await generate(a), now, retireAfter)));
      return primary!;
    },

    /** the private key set for oidc-provider, current keys first (SIGNING_ALG's before RS256's) */
    async load(): Promise<KeySet> {
      await queries.retireExpired(clock.now());
      // a current key of an algorithm no longer configured only verifies what it signed
      const published = (await queries.listPublished()).map((k) =>
        k.state === "current" && !algs.includes(k.alg) ? { ...k, state: "previous" as const } : k,
      );
      const rank = (a: string) => (algs.includes(a) ? algs.indexOf(a) : algs.length);
      published.sort((a, b) => order[a.state] - order[b.state] || rank(a.alg) - rank(b.alg));
      for (const a of algs)
        if (!published.some((k) => k.state === "current" && k.alg === a))
          throw new Error(`no current ${a} signing key (run \`gatehouse rotate-keys\`)`);
      return { keys: published.map(toProviderJwk), fingerprint: published.map((k) => `${k.id}:${k.state}`).join(",") };
    },

    list: () => queries.listAll(),
  };
}

export type SigningKeyService = ReturnType<typeof createSigningKeyService>;
