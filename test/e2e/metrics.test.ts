// /metrics after real flows: a password sign-in through openid-client, a failed one, a token refresh and a
// lockout move gatehouse_logins_total, _tokens_issued_total, _lockouts_total and the outbox counters by exactly
// what happened; the request histogram is labelled by route template (404s all count as "other").
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";
import { parseMetrics } from "../helpers/metrics.ts";

const REDIRECT = "https://rp.example.test/cb";

describe("/metrics after real flows", () => {
  let t: TestApp;
  let rp: client.Configuration;
  const scrape = async () => parseMetrics(await (await fetch(`${t.url}/metrics`)).text());
  /** what moved between two scrapes, for the series of `names` (absent = 0) */
  const moved = (before: Map<string, number>, after: Map<string, number>, names: string[]) => {
    const diff: Record<string, number> = {};
    for (const [key, value] of after) {
      if (!names.some((n) => key.startsWith(`${n}{`) || key === n)) continue;
      const d = value - (before.get(key) ?? 0);
      if (d !== 0) diff[key] = d;
    }
    return diff;
  };
  const COUNTERS = [
    "gatehouse_logins_total",
    "gatehouse_tokens_issued_total",
    "gatehouse_lockouts_total",
    "gatehouse_risk_holds_total",
    "gatehouse_device_codes_total",
  ];

  beforeAll(async () => {
    t = await startTestApp({ DEVICE_APPROVAL: "off", LOCKOUT_THRESHOLD: "3", OUTBOX_POLL_MS: "50" });
    const { clientId, clientSecret } = await t.createClient({
      name: "Metrics RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      grantTypes: ["authorization_code", "refresh_token"],
    });
    rp = await discover(t.url, clientId, clientSecret);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** one sign-in attempt through the pages with a wrong password */
  async function wrongPassword(identifier: string) {
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: "openid",
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: "S256",
    });
    const browser = new TestBrowser(t.url);
    const page = await browser.go(url.toString(), { stopAt: REDIRECT });
    const answer = await browser.submit(page, "/login", { identifier, password: "not the password at all" }, { stopAt: REDIRECT });
    expect(answer.url).not.toContain(REDIRECT);
  }

  it("counts a password sign-in and its tokens, then a refresh", async () => {
    const user = await t.createUser();
    const before = await scrape();
    const { tokens } = await loginWithCode(rp, new TestBrowser(t.url), REDIRECT, { identifier: user.email, password: user.password });
    const signedIn = await scrape();
    expect(moved(before, signedIn, COUNTERS)).toEqual({
      'gatehouse_logins_total{result="success",method="password"}': 1,
      'gatehouse_tokens_issued_total{grant_type="authorization_code"}': 1,
    });
    await client.refreshTokenGrant(rp, tokens.refresh_token!);
    expect(moved(signedIn, await scrape(), COUNTERS)).toEqual({ 'gatehouse_tokens_issued_total{grant_type="refresh_token"}': 1 });
  });

  it("counts a failed sign-in, and a lockout with its email queued and delivered", async () => {
    const user = await t.createUser();
    const before = await scrape();
    await wrongPassword(user.email);
    expect(moved(before, await scrape(), COUNTERS)).toEqual({ 'gatehouse_logins_total{result="failure",method="password"}': 1 });

    await wrongPassword(user.email);
    await wrongPassword(user.email); // the third failure (LOCKOUT_THRESHOLD=3) locks the account
    await wrongPassword(user.email); // refused: locked
    await t.app.services.accounts.settled(); // the lockout email reaches the outbox
    await t.app.services.mailer.idle();
    const after = await scrape();
    expect(moved(before, after, COUNTERS)).toEqual({
      'gatehouse_logins_total{result="failure",method="password"}': 3,
      'gatehouse_logins_total{result="locked",method="password"}': 1,
      'gatehouse_lockouts_total{scope="account"}': 1,
    });
    const outbox = moved(before, after, ["gatehouse_outbox_queued_total", "gatehouse_outbox_deliveries_total"]);
    expect(outbox).toEqual({
      'gatehouse_outbox_queued_total{kind="email"}': 1,
      'gatehouse_outbox_deliveries_total{kind="email",result="delivered"}': 1,
    });
  });

  it("labels the request histogram by route template, oidc-provider endpoint or other", async () => {
    await fetch(`${t.url}/no/such/path-${Date.now()}`);
    await fetch(`${t.url}/interaction/not-a-real-uid-${Date.now()}`);
    await fetch(`${t.url}/.well-known/openid-configuration`);
    await fetch(`${t.url}/api/v1/me`); // 401 without a token, still its template
    const text = await (await fetch(`${t.url}/metrics`)).text();
    const routes = new Set([...text.matchAll(/gatehouse_http_request_duration_seconds_count\{route="([^"]*)"/g)].map((m) => m[1]));
    expect(routes).toContain("other");
    expect(routes).toContain("oidc:discovery");
    expect(routes).toContain("oidc:token");
    expect(routes).toContain("oidc:authorization");
    expect(routes).toContain("/interaction/:uid");
    expect([...routes].filter((r) => r!.startsWith("/api/v1/me"))).not.toEqual([]);
    expect([...routes].filter((r) => r!.includes("no/such") || r!.includes("not-a-real"))).toEqual([]);
    expect(text).not.toContain('segment="');
  });
});
