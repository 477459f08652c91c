// Postgres or Redis not there: the pages, the REST API and the OAuth endpoints answer 503 with Retry-After (the
// OAuth ones `temporarily_unavailable`), never a 500 and never a wait without end, and everything works again
// once the dependency is back. The app reaches the shared Postgres and Redis through a fault proxy on loopback
// (test/helpers/fault-proxy.ts) that refuses or stalls; the shared servers themselves are never touched.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";
import { openAccountPage, tryRefresh } from "../helpers/sessions.ts";
import { createTestDatabase } from "../helpers/databases.ts";
import { startFaultProxy, type FaultProxy } from "../helpers/fault-proxy.ts";
import { TEST_REDIS_URL } from "../helpers/env.ts";

const REDIRECT = "https://rp.example.test/callback";

/** retries until check holds (the app reconnects by itself); fails the test when it never does */
async function eventually(check: () => Promise<boolean>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("never recovered");
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("dependency outages answer 503 with Retry-After", () => {
  let t: TestApp;
  let rp: client.Configuration;
  let secret: { id: string; secret: string };
  let pgProxy: FaultProxy;
  let redisProxy: FaultProxy;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeAll(async () => {
    database = await createTestDatabase();
    const db = new URL(database.url);
    const redis = new URL(TEST_REDIS_URL);
    pgProxy = await startFaultProxy({ host: db.hostname, port: Number(db.port || 5432) });
    redisProxy = await startFaultProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
    db.port = String(pgProxy.port);
    redis.port = String(redisProxy.port);
    t = await startTestApp({
      DATABASE_URL: db.toString(),
      REDIS_URL: redis.toString(),
      REDIS_COMMAND_TIMEOUT_MS: "500",
      REDIS_CONNECT_TIMEOUT_MS: "500",
      DATABASE_CONNECT_TIMEOUT_MS: "1000",
      DATABASE_QUERY_TIMEOUT_MS: "2000",
    });
    const created = await t.createClient({
      name: "Outage RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty: true,
      grantTypes: ["authorization_code", "refresh_token"],
      resources: [`${t.url}/api`],
    });
    secret = { id: created.clientId, secret: created.clientSecret! };
    rp = await discover(t.url, created.clientId, created.clientSecret);
  });
  afterAll(async () => {
    await pgProxy?.mode("pass");
    await redisProxy?.mode("pass");
    await t?.close();
    await pgProxy?.close();
    await redisProxy?.close();
    await database?.drop();
  });

  const refresh = (refreshToken: string) =>
    fetch(`${t.url}/token`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${Buffer.from(`${secret.id}:${secret.secret}`).toString("base64")}`,
      },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken }),
      signal: AbortSignal.timeout(10_000), // an answer, not a wait without end
    });
  const signedIn = async () => {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    const { tokens } = await loginWithCode(rp, browser, REDIRECT, { identifier: user.email, password: user.password });
    return { user, browser, tokens };
  };
  const expectUnavailableJson = async (res: Response, field: "error" | "code", value: string) => {
    expect(res.status).toBe(503);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(res.headers.get("content-type")).toMatch(/json/);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body[field]).toBe(value);
    expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|Connection is closed|stack|at .*\.js/);
  };
  const backAgain = async (refreshToken: string) => {
    await eventually(async () => (await tryRefresh(rp, refreshToken)).ok, 15_000);
  };

  it("Redis refusing: the token endpoint answers temporarily_unavailable, the pages a 503 page; then it recovers", async () => {
    const { browser, tokens } = await signedIn();
    const account = await openAccountPage(browser, t.url, "/account/profile");
    expect(account.status).toBe(200);
    await redisProxy.mode("refuse");
    try {
      await expectUnavailableJson(await refresh(tokens.refresh_token!), "error", "temporarily_unavailable");
      // a new sign-in: the relying party is told, as the spec says, and may try again
      const authorize = client.buildAuthorizationUrl(rp, {
        redirect_uri: REDIRECT,
        scope: "openid",
        state: "s1",
        code_challenge: "x".repeat(43),
        code_challenge_method: "S256",
      });
      const answer = await new TestBrowser(t.url).request(authorize.toString(), { redirect: "manual" });
      expect(answer.status).toBe(303);
      const back = new URL(answer.headers.get("location")!);
      expect(back.origin + back.pathname).toBe(REDIRECT);
      expect(back.searchParams.get("error")).toBe("temporarily_unavailable");
      expect(back.searchParams.get("state")).toBe("s1");
      const page = await browser.request(`${t.url}/account/profile`);
      expect(page.status).toBe(503);
      expect(Number(page.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(await page.text()).toContain("try again");
    } finally {
      await redisProxy.mode("pass");
    }
    await backAgain(tokens.refresh_token!);
  });

  it("Redis stalling: a refresh is answered 503 after the command timeout, not held; then it recovers", async () => {
    const { tokens } = await signedIn();
    await redisProxy.mode("stall");
    try {
      await expectUnavailableJson(await refresh(tokens.refresh_token!), "error", "temporarily_unavailable");
    } finally {
      await redisProxy.mode("pass");
    }
    await backAgain(tokens.refresh_token!);
  });

  it("Postgres refusing: the password step answers a 503 page with Retry-After; then it recovers", async () => {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    const login = await browser.go(`${t.url}/login`);
    expect(login.html).toContain('name="password"');
    await pgProxy.mode("refuse");
    try {
      const res = await browser.submit(login, "/login", { identifier: user.email, password: user.password });
      expect(res.status).toBe(503);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(res.html).toContain("try again");
      expect(res.html).not.toMatch(/ECONNREFUSED|stack/);
    } finally {
      await pgProxy.mode("pass");
    }
    const again = await browser.go(`${t.url}/login`);
    await eventually(
      async () => (await browser.submit(again, "/login", { identifier: user.email, password: user.password })).status < 400,
      15_000,
    );
  });

  it("Postgres refusing: the REST API answers its JSON error with 503 and Retry-After; then it recovers", async () => {
    const { user } = await signedIn();
    const browser = new TestBrowser(t.url);
    const { tokens } = await loginWithCode(
      rp,
      browser,
      REDIRECT,
      { identifier: user.email, password: user.password },
      { resource: `${t.url}/api`, scope: "openid" },
    );
    const me = () =>
      fetch(`${t.url}/api/v1/me`, {
        headers: { authorization: `Bearer ${tokens.access_token}`, accept: "application/json" },
        signal: AbortSignal.timeout(10_000),
      });
    expect((await me()).status).toBe(200);
    await pgProxy.mode("refuse");
    try {
      await expectUnavailableJson(await me(), "code", "service_unavailable");
    } finally {
      await pgProxy.mode("pass");
    }
    await eventually(async () => (await me()).status === 200, 15_000);
  });

  it("Postgres stalling: the password step answers 503 after the query timeout, not held", async () => {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    const login = await browser.go(`${t.url}/login`);
    await pgProxy.mode("stall");
    try {
      const res = await browser.submit(login, "/login", { identifier: user.email, password: user.password });
      expect(res.status).toBe(503);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      await pgProxy.mode("pass");
    }
  });
});
