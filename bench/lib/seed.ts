// Seeds the benchmark database in bulk: users sharing one precomputed argon2id hash (hashing each would only
// measure the seeding), some of them with TOTP turned on (secrets sealed with the server's master key, as
// enrollment would), some with a passkey (software authenticators), a third-party confidential client and a client_credentials client.
import argon2 from "argon2";
import { openDatabase } from "../../src/db/postgres.ts";
import { createQueries } from "../../src/queries/index.ts";
import { createClientService } from "../../src/services/clients.ts";
import { systemClock } from "../../src/lib/clock.ts";
import { decodeMasterKey } from "../../src/config/load.ts";
import { encryptSecret } from "../../src/lib/crypto.ts";
import { generateSecret } from "otplib";
import { BENCH_RESOURCE } from "./server.ts";
import { SoftAuthenticator } from "../../test/helpers/soft-authenticator.ts";

export const BENCH_PASSWORD = "correct horse battery staple 2026";
export const BENCH_REDIRECT = "https://rp.bench.test/callback";
const PASSKEY_USERS = 200;

export type Seeded = {
  users: { email: string; username: string }[];
  /** users with TOTP on: each signs in at most once per 30 s step, so the flows take them in turn */
  totpUsers: { email: string; secret: string }[];
  /** users with a passkey (a software authenticator that keeps no sign counter, so parallel sign-ins never clash) */
  passkeyUsers: { email: string; key: SoftAuthenticator }[];
  webClient: { id: string; secret: string };
  machineClient: { id: string; secret: string };
};

export async function seed(
  databaseUrl: string,
  userCount: number,
  argon: { memoryCost: number; timeCost: number; parallelism: number },
  totp: { count: number; masterKey: string },
): Promise<Seeded> {
  const db = await openDatabase({ url: databaseUrl, dataDir: ".data", poolSize: 2 });
  try {
    const queries = createQueries(db.prisma, db.sql);
    const passwordHash = await argon2.hash(BENCH_PASSWORD, { type: argon2.argon2id, ...argon });
    const users = Array.from({ length: userCount }, (_, i) => ({ email: `bench-${i}@bench.test`, username: `bench${i}` }));
    const totpSeed = Array.from({ length: totp.count }, (_, i) => ({ email: `bench-totp-${i}@bench.test`, username: `benchtotp${i}` }));
    const passkeySeed = Array.from({ length: PASSKEY_USERS }, (_, i) => ({
      email: `bench-passkey-${i}@bench.test`,
      username: `benchpasskey${i}`,
    }));
    for (let i = 0; i < users.length; i += 5000) {
      await queries.users.createMany(
        [...users.slice(i, i + 5000), ...(i === 0 ? [...totpSeed, ...passkeySeed] : [])].map((u) => ({
          email: u.email,
          emailNormalized: u.email,
          username: u.username,
          usernameNormalized: u.username,
          passwordHash,
          emailVerified: true,
        })),
      );
    }
    const totpUsers: Seeded["totpUsers"] = [];
    const masterKey = decodeMasterKey(totp.masterKey);
    const totpRows = await db.prisma.user.findMany({ where: { email: { startsWith: "bench-totp-" } }, select: { id: true, email: true } });
    for (const row of totpRows.slice(0, totp.count)) {
      const secret = generateSecret({ length: 20 });
      await db.prisma.user.update({
        where: { id: row.id },
        data: { totpSecretEncrypted: encryptSecret(masterKey, secret, `totp:${row.id}`), totpEnabledAt: new Date() },
      });
      totpUsers.push({ email: row.email, secret });
    }
    const passkeyUsers: Seeded["passkeyUsers"] = [];
    const passkeyRows = await db.prisma.user.findMany({
      where: { email: { startsWith: "bench-passkey-" } },
      select: { id: true, email: true },
    });
    for (const row of passkeyRows) {
      // the origin and RP ID are given at each sign-in (the flow's), the row needs only the public key
      const key = new SoftAuthenticator(
        { origin: "", rpId: "" },
        { countsSignatures: false, attachment: "platform", transports: ["internal"] },
      );
      key.userHandle = Buffer.from(row.id).toString("base64url");
      await db.prisma.passkey.create({
        data: {
          userId: row.id,
          credentialId: key.id,
          publicKey: new Uint8Array(key.cosePublicKey()),
          counter: 0n,
          transports: ["internal"],
          deviceType: "multiDevice",
          backedUp: true,
          attachment: "platform",
          aaguid: "00000000-0000-0000-0000-000000000000",
          name: "Bench passkey",
        },
      });
      passkeyUsers.push({ email: row.email, key });
    }
    const clients = createClientService({ queries: queries.clients, clock: systemClock });
    const web = await clients.create({
      name: "Bench web app",
      type: "confidential",
      redirectUris: [BENCH_REDIRECT],
      grantTypes: ["authorization_code", "refresh_token"],
      resources: [BENCH_RESOURCE],
    });
    const machine = await clients.create({
      name: "Bench service",
      type: "confidential",
      grantTypes: ["client_credentials"],
      resources: [BENCH_RESOURCE],
    });
    return {
      users,
      totpUsers,
      passkeyUsers,
      webClient: { id: web.client.id, secret: web.secret! },
      machineClient: { id: machine.client.id, secret: machine.secret! },
    };
  } finally {
    await db.close();
  }
}
