// Signing keys: generated here, kept in Postgres with the private half encrypted by the master key.
// States: next (published in the JWKS, not yet signing) -> current (signs) -> previous (published until every
// token it signed has expired) -> retired (gone from the JWKS).
import { exportJWK, generateKeyPair, type JWK } from "jose";
import { decryptSecret, encryptSecret, randomToken } from "../lib/crypto.ts";
import type { Clock } from "../lib/clock.ts";
import { StartupError } from "../lib/startup-error.ts";
import type { NewSigningKey, SigningKey, SigningKeyQueries } from "../queries/signing-keys.ts";

export type KeySet = { keys: JWK[]; fingerprint: string };

const CURVES: Record<string, string | undefined> = { ES256: "P-256", ES384: "P-384", EdDSA: "Ed25519" };

export function createSigningKeyService(deps: {
  queries: SigningKeyQueries;
  masterKey: Buffer;
  clock: Clock;
  alg: string;
  /** seconds a previous key stays published: the longest token lifetime it may have signed, plus margin */
  retireAfterSeconds: number;
}) {
  const { queries, masterKey, clock, alg } = deps;
  const purpose = (kid: string) => `signing-key:${kid}`;

  async function generate(): Promise<NewSigningKey> {
    const kid = randomToken(12);
    const crv = CURVES[alg];
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(crv && alg === "EdDSA" ? { crv } : {}) });
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
      throw new StartupError(`MASTER_KEY cannot decrypt signing key ${key.id}: it is not the key the signing keys were encrypted with. Restore the original MASTER_KEY.`);
    }
    // only the current key may sign; the others are in the set to be published and to verify
    return key.state === "current" ? jwk : { ...jwk, key_ops: ["verify"] };
  }

  const order = { current: 0, next: 1, previous: 2, retired: 3 } as const;

  return {
    /** first start: create a current and a next key (no-op when keys exist) */
    async ensureKeys(): Promise<boolean> {
      if ((await queries.listPublished()).length) return false;
      return queries.createInitial(await generate(), await generate(), clock.now());
    },

    /** promotes next to current now; the old current stays published until its tokens have expired */
    async rotate(): Promise<string> {
      const now = clock.now();
      return queries.rotate(await generate(), now, new Date(now.getTime() + deps.retireAfterSeconds * 1000));
    },

    /** the private key set for oidc-provider, current key first */
    async load(): Promise<KeySet> {
      await queries.retireExpired(clock.now());
      const published = (await queries.listPublished()).filter((k) => k.alg === alg || k.state !== "current");
      published.sort((a, b) => order[a.state] - order[b.state]);
      if (!published.some((k) => k.state === "current")) throw new Error("no current signing key (run `gatehouse rotate-keys`)");
      return { keys: published.map(toProviderJwk), fingerprint: published.map((k) => `${k.id}:${k.state}`).join(",") };
    },

    list: () => queries.listAll(),
  };
}

export type SigningKeyService = ReturnType<typeof createSigningKeyService>;
