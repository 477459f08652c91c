// "Remember me": a 30-day persistent session cookie and session; without it, a browser-session cookie and a
// 24-hour session (both lengths are configuration).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Redis } from "ioredis";
import type * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";
import { TEST_REDIS_URL } from "../helpers/env.ts";
import { decodeRecord } from "../../src/oidc/record-codec.ts";

const REDIRECT = "https://rp.example.test/cb";

describe("remember me", () => {
  let t: TestApp;
  let rp: client.Configuration;
  let redis: Redis;
  beforeAll(async () => {
    t = await startTestApp({ SESSION_TTL: "86400", SESSION_REMEMBER_TTL: "2592000" });
    const { clientId, clientSecret } = await t.createClient({
      name: "RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty: true,
    });
    rp = await discover(t.url, clientId, clientSecret);
    redis = new Redis(TEST_REDIS_URL, { keyPrefix: t.config.redis.keyPrefix });
  });
  afterAll(async () => {
    redis?.disconnect();
    await t?.close();
  });

  async function signIn(remember: boolean) {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    await loginWithCode(rp, browser, REDIRECT, { identifier: user.email, password: user.password, remember });
    const cookie = (await browser.jar.getCookies(t.url)).find((c) => c.key === "gh.session")!;
    // the session record in Redis that belongs to this user (records are stored compact: decoded as the adapter does)
    let sessionTtl = -2;
    for (const key of await redis.keys(`${t.config.redis.keyPrefix}oidc:{Session:*}`)) {
      const bare = key.slice(t.config.redis.keyPrefix.length);
      const jti = /^oidc:\{Session:(.+)\}$/.exec(bare)![1]!;
      const text = await redis.get(bare);
      if (text && decodeRecord("Session", jti, text).accountId === user.id) sessionTtl = await redis.ttl(bare);
    }
    return { cookie, sessionTtl };
  }

  it("with Remember me: a persistent cookie and a 30-day session", async () => {
    const { cookie, sessionTtl } = await signIn(true);
    const expires = cookie.expires instanceof Date ? cookie.expires.getTime() : NaN;
    expect(expires - Date.now()).toBeGreaterThan(29 * 86400 * 1000);
    expect(sessionTtl).toBeGreaterThan(29 * 86400);
    expect(sessionTtl).toBeLessThanOrEqual(30 * 86400);
  });

  it("without it: a browser-session cookie and a 24-hour session", async () => {
    const { cookie, sessionTtl } = await signIn(false);
    expect(cookie.expires).toBe("Infinity"); // tough-cookie's "no Expires": gone when the browser closes
    expect(sessionTtl).toBeGreaterThan(86400 - 60);
    expect(sessionTtl).toBeLessThanOrEqual(86400);
  });
});
