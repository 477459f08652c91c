// A software WebAuthn authenticator for tests: an ES256 key pair from node:crypto, CBOR from
// @simplewebauthn/server's own helpers, and the exact bytes a real authenticator sends (authenticator data,
// "none" attestation, the assertion signature over authData || SHA-256(clientDataJSON)). Each part can be made
// wrong on purpose (origin, RP ID, challenge, signature, counter, user verification) for the bad-input tests.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { isoCBOR } from "@simplewebauthn/server/helpers";

const b64 = (bytes: Uint8Array | Buffer) => Buffer.from(bytes).toString("base64url");
const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest();

export type Ceremony = {
  /** the options' challenge (base64url), unless `challenge` overrides it */
  challenge: string;
  origin?: string;
  rpId?: string;
  userVerified?: boolean;
};

export class SoftAuthenticator {
  readonly credentialId: Buffer = randomBytes(32);
  readonly privateKey: KeyObject;
  readonly publicJwk: { x: string; y: string };
  counter = 0;
  /** set by create(): the user handle the site gave (base64url) */
  userHandle: string | undefined;

  constructor(
    readonly defaults: { origin: string; rpId: string },
    readonly opts: { transports?: string[]; attachment?: "platform" | "cross-platform"; countsSignatures?: boolean } = {},
  ) {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    this.privateKey = privateKey;
    const jwk = publicKey.export({ format: "jwk" }) as { x: string; y: string };
    this.publicJwk = { x: jwk.x, y: jwk.y };
  }

  get id(): string {
    return b64(this.credentialId);
  }

  /** the public key as COSE (EC2, P-256, ES256): what a site stores */
  cosePublicKey(): Buffer {
    const cose = new Map<number, number | Uint8Array>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, Buffer.from(this.publicJwk.x, "base64url")],
      [-3, Buffer.from(this.publicJwk.y, "base64url")],
    ]);
    return Buffer.from(isoCBOR.encode(cose));
  }

  private clientData(type: string, c: Ceremony): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge: c.challenge, origin: c.origin ?? this.defaults.origin, crossOrigin: false }));
  }

  private authData(c: Ceremony, attested: Uint8Array | null, counter: number): Buffer {
    const flags = 0x01 | (c.userVerified === false ? 0 : 0x04) | (attested ? 0x40 : 0);
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    return Buffer.concat([sha256(c.rpId ?? this.defaults.rpId), Buffer.from([flags]), count, ...(attested ? [attested] : [])]);
  }

  /** navigator.credentials.create's answer, as @simplewebauthn/browser sends it */
  create(options: { challenge: string; user?: { id: string } }, over: Partial<Ceremony> = {}) {
    const c: Ceremony = { challenge: options.challenge, ...over };
    this.userHandle = options.user?.id;
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.credentialId.length);
    const attested = Buffer.concat([Buffer.alloc(16), idLength, this.credentialId, this.cosePublicKey()]);
    const authData = this.authData(c, attested, this.counter);
    const attestationObject = isoCBOR.encode(
      new Map<string, unknown>([
        ["fmt", "none"],
        ["attStmt", new Map()],
        ["authData", authData],
      ]) as never,
    );
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key",
      ...(this.opts.attachment ? { authenticatorAttachment: this.opts.attachment } : {}),
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64(this.clientData("webauthn.create", c)),
        attestationObject: b64(attestationObject),
        transports: this.opts.transports ?? ["usb"],
      },
    };
  }

  /**
   * navigator.credentials.get's answer; the counter moves on by one unless told (`counter`) or the authenticator
   * keeps none; `signedData`: sign these bytes instead of the right ones
   */
  get(
    options: { challenge: string },
    over: Partial<Ceremony> & { counter?: number; signedData?: Buffer; userHandle?: string | null; credentialId?: string } = {},
  ) {
    const c: Ceremony = { challenge: options.challenge, ...over };
    if (over.counter !== undefined) this.counter = over.counter;
    else if (this.opts.countsSignatures !== false) this.counter += 1;
    const clientDataJSON = this.clientData("webauthn.get", c);
    const authData = this.authData(c, null, this.counter);
    const signature = sign("sha256", over.signedData ?? Buffer.concat([authData, sha256(clientDataJSON)]), this.privateKey);
    const handle = over.userHandle === null ? undefined : (over.userHandle ?? this.userHandle);
    const id = over.credentialId ?? this.id;
    return {
      id,
      rawId: id,
      type: "public-key",
      ...(this.opts.attachment ? { authenticatorAttachment: this.opts.attachment } : {}),
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64(clientDataJSON),
        authenticatorData: b64(authData),
        signature: b64(signature),
        ...(handle ? { userHandle: handle } : {}),
      },
    };
  }
}
