// The ceilings each scenario is compared with, measured on this machine in the same run: argon2id verify,
// ES256 signing, Redis GETs, Postgres lookups by email, a bare Node HTTP server under the same driver, and a
// sequential count(*) over the seeded audit_events (bench/lib/analytics.ts).
import { spawn } from "node:child_process";
import path from "node:path";
import argon2 from "argon2";
import { SignJWT, generateKeyPair } from "jose";
import { Redis } from "ioredis";
import { openDatabase } from "../../src/db/postgres.ts";
import { createQueries } from "../../src/queries/index.ts";
import { PROJECT_ROOT } from "../../src/lib/paths.ts";
import { runCannon, runLoop } from "./drivers.ts";
import { measureAuditSeqCount } from "./analytics.ts";
import type { Summary } from "./stats.ts";

export type Limits = Record<
  "argon2Verify" | "es256Sign" | "redisGet" | "postgresLookup" | "bareHttp" | "auditSeqCount",
  Summary & { concurrency: number }
>;

export async function measureLimits(opts: {
  seconds: number;
  httpConcurrency: number;
  argon: { memoryCost: number; timeCost: number; parallelism: number };
  databaseUrl: string;
  redisUrl: string;
  sampleEmail: string;
}): Promise<Limits> {
  const w = (concurrency: number) => ({ concurrency, seconds: opts.seconds });
  const hash = await argon2.hash("limit password of decent length", { type: argon2.argon2id, ...opts.argon });
  const argon2Verify = await runLoop(
    w(2),
    () => null,
    async () => {
      if (!(await argon2.verify(hash, "limit password of decent length"))) throw new Error("argon2 verify failed");
    },
  );

  const { privateKey } = await generateKeyPair("ES256");
  const es256Sign = await runLoop(
    w(4),
    () => null,
    async () => {
      await new SignJWT({ sub: "x", scope: "api" })
        .setProtectedHeader({ alg: "ES256", typ: "at+jwt" })
        .setIssuedAt()
        .setExpirationTime("15m")
        .sign(privateKey);
    },
  );

  const redis = new Redis(opts.redisUrl, { keyPrefix: "ghbench:limit:" });
  await redis.set("k", "v".repeat(200));
  const redisGet = await runLoop(
    w(16),
    () => null,
    async () => {
      if ((await redis.get("k")) === null) throw new Error("redis GET returned nothing");
    },
  );
  await redis.del("k");
  redis.disconnect();

  const db = await openDatabase({ url: opts.databaseUrl, dataDir: ".data", poolSize: 10 });
  const users = createQueries(db.prisma, db.sql).users;
  const postgresLookup = await runLoop(
    w(10),
    () => null,
    async () => {
      if (!(await users.findByEmailNormalized(opts.sampleEmail))) throw new Error("user not found");
    },
  );
  await db.close();

  const bareHttp = await measureBareHttp(w(opts.httpConcurrency));
  const auditSeqCount = await measureAuditSeqCount(opts.databaseUrl, w(1));
  const tag = <T extends Summary>(s: T, concurrency: number) => ({ ...s, concurrency });
  return {
    argon2Verify: tag(argon2Verify, 2),
    es256Sign: tag(es256Sign, 4),
    redisGet: tag(redisGet, 16),
    postgresLookup: tag(postgresLookup, 10),
    bareHttp: tag(bareHttp, opts.httpConcurrency),
    auditSeqCount: tag(auditSeqCount, 1),
  };
}

/** a bare Node HTTP server in its own process (like Gatehouse), answering a small JSON body */
async function measureBareHttp(window: { concurrency: number; seconds: number }): Promise<Summary> {
  const script = `require("node:http").createServer((q, s) => { s.setHeader("content-type", "application/json"); s.end('{"ok":true}'); }).listen(0, "127.0.0.1", function () { console.log(this.address().port); });`;
  const child = spawn(path.join(PROJECT_ROOT, "node_modules/.bin/node"), ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve) => child.stdout!.once("data", (d: Buffer) => resolve(Number(d.toString().trim()))));
  try {
    return await runCannon(`http://127.0.0.1:${port}`, window, [
      { path: "/", validate: (status, body) => status === 200 && body === '{"ok":true}' },
    ]);
  } finally {
    child.kill();
  }
}
