// Starts a real Gatehouse for one test file: its own Postgres database and Redis prefix, a real HTTP server
// on a free loopback port, and the issuer set to that address. Closing it fails (after cleaning up) when a REST
// API route answered an error its declaration does not document (routes/api/declared-errors.ts), so no API
// test passes while a route answers an undeclared refusal.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { loadConfig, type Config } from "../../src/config/load.ts";
import { createContext } from "../../src/context.ts";
import { createWebContext, type WebContext } from "../../src/http/web-context.ts";
import { createApp } from "../../src/app.ts";
import type { NewClientInput } from "../../src/services/clients.ts";
import type { Clock } from "../../src/lib/clock.ts";
import type { RandomSource } from "../../src/lib/crypto.ts";
import { createTestDatabase, deleteRedisPrefix, testRedisPrefix } from "./databases.ts";
import { TEST_REDIS_URL } from "./env.ts";
import { undeclaredAnswersOf } from "../../src/http/routes/api/declared-errors.ts";

export type TestApp = {
  app: WebContext;
  config: Config;
  url: string;
  createUser(input?: {
    email?: string;
    username?: string;
    password?: string;
    verified?: boolean;
  }): Promise<{ id: string; email: string; username: string; password: string }>;
  createClient(input: NewClientInput): Promise<{ clientId: string; clientSecret: string | null }>;
  close(): Promise<void>;
};

let counter = 0;
export const uniqueEmail = (tag = "user") =>
  `${tag}-${Date.now().toString(36)}-${++counter}-${randomBytes(3).toString("hex")}@example.test`;

/** `hostname`: the issuer's host name ("localhost" for WebAuthn, whose RP ID cannot be an IP address) */
export async function startTestApp(
  env: Record<string, string> = {},
  opts: { clock?: Clock; random?: RandomSource; hostname?: string } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const prefix = testRedisPrefix();
  let handler: http.RequestListener = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://${opts.hostname ?? "127.0.0.1"}:${(server.address() as AddressInfo).port}`;
  const config = loadConfig({
    NODE_ENV: "test",
    ISSUER: url,
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: "5",
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    COOKIE_KEYS: randomBytes(32).toString("base64url"),
    MASTER_KEY: randomBytes(32).toString("base64"),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    // an example API, and Gatehouse's own (its REST API accepts tokens for ISSUER/api only)
    RESOURCE_SERVERS: `https://api.example.test,${url}/api`,
    // every test talks from 127.0.0.1: the rate-limit tests set their own limits
    RATE_LIMIT_LOGIN_PER_IP: "100000",
    RATE_LIMIT_LOGIN_PER_IDENTIFIER: "100000",
    RATE_LIMIT_ACCOUNT_PER_IP: "100000",
    RATE_LIMIT_ACCOUNT_PER_IDENTIFIER: "100000",
    RATE_LIMIT_STRENGTH_PER_IP: "100000",
    RATE_LIMIT_INVITES_PER_USER: "100000",
    RATE_LIMIT_RESET_PER_IP: "100000",
    RATE_LIMIT_RESET_PER_IDENTIFIER: "100000",
    RATE_LIMIT_CODE_PER_USER: "100000",
    RATE_LIMIT_CODE_PER_IP: "100000",
    RATE_LIMIT_DEVICE_CODE_PER_USER: "100000",
    RATE_LIMIT_DEVICE_CODE_PER_IP: "100000",
    RATE_LIMIT_RISK_LINK_PER_IP: "100000",
    // most tests sign in from a fresh browser as a fresh user: the device and suspicious-login tests turn
    // these on themselves (from loopback no location is known, so the risk rules would not fire anyway)
    DEVICE_APPROVAL: "off",
    RISK_RULES: "off",
    // no background retention pass under a test's rows (its clock may be far ahead): the retention tests turn it on
    RETENTION_INTERVAL_MINUTES: "0",
    ...env,
  });
  const app = createWebContext(await createContext(config, { clock: opts.clock, random: opts.random }));
  handler = createApp(app).callback();

  return {
    app,
    config,
    url,
    async createUser(input = {}) {
      const email = input.email ?? uniqueEmail();
      const username =
        input.username ??
        email
          .split("@")[0]!
          .replace(/[^\w.-]/g, "")
          .slice(0, 32);
      const password = input.password ?? `correct horse ${randomBytes(6).toString("hex")}`;
      const user = await app.queries.users.create({
        email,
        emailNormalized: email.toLowerCase(),
        username,
        usernameNormalized: username.toLowerCase(),
        passwordHash: await app.services.passwords.hash(password),
        emailVerified: input.verified ?? true,
      });
      return { id: user.id, email, username, password };
    },
    async createClient(input) {
      const { client, secret } = await app.services.clients.create(input);
      return { clientId: client.id, clientSecret: secret };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
      await database.drop();
      await deleteRedisPrefix(prefix);
      const undeclared = undeclaredAnswersOf(app);
      if (undeclared.length) {
        throw new Error(
          `REST API routes answered errors their declarations do not document (declare each with documented(code, when)):\n${[...new Set(undeclared)].join("\n")}`,
        );
      }
    },
  };
}
