// The signing keys of a connector that authenticates at its upstream's token endpoint with private_key_jwt (#17,
// RFC 7523): one ES256 key pair per connector, made here. The private JWK is kept only encrypted with the master
// key, bound to the connector's id and the key's id (lib/crypto.ts), and is decrypted just to sign the client
// assertion; the public keys are published at <ISSUER>/federation/<slug>/jwks for the upstream (its jwks_uri).
// Rotation publishes a new key at once but signs with it only PUBLISH_LEAD_MS later: an upstream that cached the
// old set (we say max-age JWKS_MAX_AGE) has fetched the new one by then, so a rotation never breaks a sign-in. The
// older keys stay published until removed.
import { createHash, generateKeyPairSync, webcrypto } from "node:crypto";
import type { CryptoKey } from "openid-client";
import { decryptSecret, encryptSecret } from "../../lib/crypto.ts";
import type { ConnectorKey, ConnectorRow } from "../../queries/upstream-connectors.ts";

const ALG = "ES256";
/** how long the published key set may be cached (the JWKS route's Cache-Control), seconds */
export const JWKS_MAX_AGE = 300;
/** a new key signs only once published this long (twice the cache time: an upstream has fetched it by then) */
export const PUBLISH_LEAD_MS = 2 * JWKS_MAX_AGE * 1000;
const keyPurpose = (connectorId: string, kid: string) => `upstream-connector-key:${connectorId}:${kid}`;

/** RFC 7638 thumbprint of an EC public key: the key's id, the same wherever it is computed */
function thumbprint(jwk: { crv?: string; x?: string; y?: string }): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: "EC", x: jwk.x, y: jwk.y });
  return createHash("sha256").update(canonical).digest("base64url");
}

/** a new P-256 key pair for the connector; the private half leaves this function only encrypted */
export function newConnectorKey(masterKey: Buffer, connectorId: string, at: Date): ConnectorKey {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const pub = publicKey.export({ format: "jwk" });
  const kid = thumbprint(pub);
  const publicJwk = { kty: "EC", crv: String(pub.crv), x: String(pub.x), y: String(pub.y), kid, alg: ALG, use: "sig" };
  const privateJwk = JSON.stringify(privateKey.export({ format: "jwk" }));
  return {
    kid,
    alg: ALG,
    publicJwk,
    privateEncrypted: encryptSecret(masterKey, privateJwk, keyPurpose(connectorId, kid)),
    createdAt: at.toISOString(),
  };
}

/** what the JWKS endpoint publishes: only the public members (kty, crv, x, y, kid, alg, use), never "d" */
export function publicJwksOf(c: Pick<ConnectorRow, "clientKeys">): { keys: Record<string, string>[] } {
  return {
    keys: c.clientKeys.map(({ publicJwk: k }) => ({ kty: k.kty!, crv: k.crv!, x: k.x!, y: k.y!, kid: k.kid!, alg: k.alg!, use: "sig" })),
  };
}

/**
 * the key that signs now: the newest one published for PUBLISH_LEAD_MS; while none is (a connector made minutes
 * ago, whose only key the admin registers before use), the oldest. Keys are stored newest first.
 */
export function currentKeyOf(c: Pick<ConnectorRow, "clientKeys">, now: Date): ConnectorKey | undefined {
  return c.clientKeys.find((k) => now.getTime() - Date.parse(k.createdAt) >= PUBLISH_LEAD_MS) ?? c.clientKeys.at(-1);
}

/** the key that signs now, ready for openid-client's PrivateKeyJwt; throws when the connector has none */
export async function signingKeyOf(
  masterKey: Buffer,
  c: Pick<ConnectorRow, "id" | "clientKeys">,
  now: Date,
): Promise<{ key: CryptoKey; kid: string }> {
  const current = currentKeyOf(c, now);
  if (!current) throw new Error("the connector has no private_key_jwt signing key");
  const jwk = JSON.parse(decryptSecret(masterKey, current.privateEncrypted, keyPurpose(c.id, current.kid))) as webcrypto.JsonWebKey;
  const key = await webcrypto.subtle.importKey("jwk", jwk, { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
  return { key: key as CryptoKey, kid: current.kid };
}

/** the keys without the older ones than the one signing now (the newer, still waiting ones stay) */
export function withoutOldKeys(c: Pick<ConnectorRow, "clientKeys">, now: Date): ConnectorKey[] {
  const current = currentKeyOf(c, now);
  return current ? c.clientKeys.slice(0, c.clientKeys.indexOf(current) + 1) : [];
}

/** the keys as an admin sees them: ids and dates; which one signs now; a newer one waits until `signsFrom` */
export function keySummaryOf(c: Pick<ConnectorRow, "clientKeys">, now: Date) {
  const current = currentKeyOf(c, now);
  const at = current ? c.clientKeys.indexOf(current) : -1;
  return c.clientKeys.map((k, i) => ({
    kid: k.kid,
    createdAt: k.createdAt,
    current: i === at,
    signsFrom: i < at ? new Date(Date.parse(k.createdAt) + PUBLISH_LEAD_MS).toISOString() : null,
  }));
}
