// The one place randomness, hashing and at-rest encryption come from (tests can rely on their formats).
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, randomInt, randomUUID, timingSafeEqual } from "node:crypto";

/** where short random numbers come from (codes people type); the CSPRNG, or a test's own sequence */
export type RandomSource = { int(min: number, max: number): number };
export const cryptoRandom: RandomSource = { int: (min, max) => randomInt(min, max) };

/** A random token: 32 bytes (256 bits) from the CSPRNG, base64url. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** A random UUID (v4) for a row the application names itself (an outbox message, whose id is also its Message-ID). */
export function randomUuid(): string {
  return randomUUID();
}

export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("base64url");
}

/** HMAC-SHA-256 of `value` under a key derived from the master key for `purpose`: stable, and not reversible or linkable without the key */
export function keyedDigest(masterKey: Buffer, purpose: string, value: string): string {
  const key = createHmac("sha256", masterKey).update(purpose).digest();
  return createHmac("sha256", key).update(value).digest("base64url");
}

export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** AES-256-GCM with the master key; "v1.<iv>.<tag>.<ciphertext>", the purpose bound as associated data. */
export function encryptSecret(masterKey: Buffer, plaintext: string, purpose: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", masterKey, iv);
  cipher.setAAD(Buffer.from(purpose));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
}

export function decryptSecret(masterKey: Buffer, envelope: string, purpose: string): string {
  const [version, iv, tag, body] = envelope.split(".");
  if (version !== "v1" || !iv || !tag || body === undefined) throw new Error("unknown secret envelope");
  const decipher = createDecipheriv("aes-256-gcm", masterKey, Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(purpose));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
}
