// Idle and absolute session timeouts against the app clock (moved by hand): a session idle longer than
// SESSION_IDLE_TIMEOUT, or past SESSION_TTL (SESSION_REMEMBER_TTL with remember me), is dead at its next
// request (the account page asks to sign in) and at its next refresh (invalid_grant); requests carrying the
// session cookie before the idle limit keep it alive, a relying party's refreshes do not (they are checked, not
// activity); "last active" is written at most once per resolution.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import type * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";
import { authorizationRequest, manualClock, type ManualClock } from "../helpers/totp-login.ts";
import { asksToSignIn, tryRefresh } from "../helpers/sessions.ts";

const REDIRECT = "https://rp.example.test/callback";

async function setUp(env: Record<string, string>) {
  const clock = manualClock();
  const t = await startTestApp(env, { clock });
  const { clientId, clientSecret } = await t.createClient({
    name: "Timeout RP",
    type: "confidential",
    redirectUris: [REDIRECT],
    firstParty: true,
  });
  return { t, clock, rp: await discover(t.url, clientId, clientSecret) };
}

async function signedIn(t: TestApp, rp: client.Configuration, remember = false) {
  const user = await t.createUser();
  const browser = new TestBrowser(t.url);
  const { tokens } = await loginWithCode(rp, browser, REDIRECT, { identifier: user.email, password: user.password, remember });
  const [row] = await t.app.services.sessions.listActive(user.id);
  return { user, browser, refreshToken: tokens.refresh_token!, sessionId: row!.id };
}

describe("idle timeout", () => {
  let t: TestApp;
  let clock: ManualClock;
  let rp: client.Configuration;
  beforeAll(async () => ({ t, clock, rp } = await setUp({ SESSION_IDLE_TIMEOUT: "600", SESSION_ACTIVITY_RESOLUTION: "60" })));
  afterAll(async () => {
    await t?.close();
  });

  it("an idle session is dead at its next request, and its refresh token then fails", async () => {
    const s = await signedIn(t, rp);
    clock.advance(601);
    expect(await asksToSignIn(s.browser, t.url)).toBe(true);
    expect(await tryRefresh(rp, s.refreshToken)).toEqual({ ok: false, error: "invalid_grant" });
    expect(await t.app.queries.userSessions.find(s.sessionId)).toMatchObject({ endReason: "idle" });
    const events = (await t.app.queries.auditEvents.listByType("session.idle_timeout")).filter((e) => e.userId === s.user.id);
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ sessionId: s.sessionId, reason: "idle", durationSeconds: 601 });
  });

  it("an idle session is dead at its next refresh, and its browser must sign in again", async () => {
    const s = await signedIn(t, rp);
    clock.advance(601);
    expect(await tryRefresh(rp, s.refreshToken)).toEqual({ ok: false, error: "invalid_grant" });
    expect(await asksToSignIn(s.browser, t.url)).toBe(true);
    expect(await t.app.queries.userSessions.find(s.sessionId)).toMatchObject({ endReason: "idle" });
  });

  it("an authorization request of an idle session asks for the password again", async () => {
    const s = await signedIn(t, rp);
    clock.advance(300);
    const live = await s.browser.go((await authorizationRequest(rp, REDIRECT)).url, { stopAt: REDIRECT });
    expect(live.url.startsWith(REDIRECT)).toBe(true); // single sign-on while active
    clock.advance(601);
    const dead = await s.browser.go((await authorizationRequest(rp, REDIRECT)).url, { stopAt: REDIRECT });
    expect(dead.url).toMatch(/\/interaction\//);
    expect(dead.html).toContain('name="password"');
  });

  it("requests carrying the session cookie keep it alive; the relying party's refreshes do not", async () => {
    const s = await signedIn(t, rp);
    clock.advance(400);
    expect(await asksToSignIn(s.browser, t.url)).toBe(false); // 400 s after sign-in: activity
    clock.advance(400);
    expect(await asksToSignIn(s.browser, t.url)).toBe(false); // 800 s after sign-in, 400 s after the last activity
    // from now on only background refreshes, no request of the user's
    clock.advance(300);
    const first = await tryRefresh(rp, s.refreshToken); // 300 s idle
    expect(first.ok).toBe(true);
    clock.advance(299);
    const second = await tryRefresh(rp, (first as { refreshToken: string }).refreshToken); // 599 s idle: still alive
    expect(second.ok).toBe(true);
    clock.advance(2);
    // 601 s since the last request: the refreshes did not count, the session is dead
    expect(await tryRefresh(rp, (second as { refreshToken: string }).refreshToken)).toEqual({ ok: false, error: "invalid_grant" });
    expect(await asksToSignIn(s.browser, t.url)).toBe(true);
    expect(await t.app.queries.userSessions.find(s.sessionId)).toMatchObject({ endReason: "idle" });
  });

  it("writes last active at most once per resolution", async () => {
    const s = await signedIn(t, rp);
    const started = (await t.app.queries.userSessions.find(s.sessionId))!.lastActiveAt.getTime();
    clock.advance(30);
    expect(await asksToSignIn(s.browser, t.url)).toBe(false);
    expect(await asksToSignIn(s.browser, t.url)).toBe(false);
    // within the 60 s resolution of the sign-in: no write
    expect((await t.app.queries.userSessions.find(s.sessionId))!.lastActiveAt.getTime()).toBe(started);
    clock.advance(31);
    expect(await asksToSignIn(s.browser, t.url)).toBe(false);
    const written = (await t.app.queries.userSessions.find(s.sessionId))!.lastActiveAt.getTime();
    expect(written).toBe(started + 61_000);
    clock.advance(59);
    expect(await asksToSignIn(s.browser, t.url)).toBe(false);
    expect((await t.app.queries.userSessions.find(s.sessionId))!.lastActiveAt.getTime()).toBe(written);
  });
});

describe("absolute timeout", () => {
  let t: TestApp;
  let clock: ManualClock;
  let rp: client.Configuration;
  beforeAll(async () => ({ t, clock, rp } = await setUp({ SESSION_TTL: "3600", SESSION_REMEMBER_TTL: "7200" })));
  afterAll(async () => {
    await t?.close();
  });

  it("without remember me a session ends SESSION_TTL after sign-in, however active", async () => {
    const s = await signedIn(t, rp);
    clock.advance(1800);
    expect(await asksToSignIn(s.browser, t.url)).toBe(false);
    clock.advance(1799);
    expect(await asksToSignIn(s.browser, t.url)).toBe(false);
    clock.advance(2);
    expect(await asksToSignIn(s.browser, t.url)).toBe(true);
    expect(await tryRefresh(rp, s.refreshToken)).toEqual({ ok: false, error: "invalid_grant" });
    expect(await t.app.queries.userSessions.find(s.sessionId)).toMatchObject({ endReason: "expired" });
    expect((await t.app.queries.auditEvents.listByType("session.expired")).some((e) => e.userId === s.user.id)).toBe(true);
  });

  it("past SESSION_TTL a refresh fails first, then the browser must sign in", async () => {
    const s = await signedIn(t, rp);
    clock.advance(3601);
    expect(await tryRefresh(rp, s.refreshToken)).toEqual({ ok: false, error: "invalid_grant" });
    expect(await asksToSignIn(s.browser, t.url)).toBe(true);
  });

  it("with remember me it lasts SESSION_REMEMBER_TTL", async () => {
    const s = await signedIn(t, rp, true);
    clock.advance(3601);
    expect(await asksToSignIn(s.browser, t.url)).toBe(false);
    const refreshed = await tryRefresh(rp, s.refreshToken);
    expect(refreshed.ok).toBe(true);
    clock.advance(3600);
    expect(await asksToSignIn(s.browser, t.url)).toBe(true);
    expect(await tryRefresh(rp, (refreshed as { refreshToken: string }).refreshToken)).toEqual({ ok: false, error: "invalid_grant" });
  });

  it("the Redis session's own lifetime counts from the sign-in, not from its last save", async () => {
    const s = await signedIn(t, rp);
    // signing in to the application again through the live session re-saves the session: not a day more
    await new Promise((r) => setTimeout(r, 1100));
    const again = await authorizationRequest(rp, REDIRECT);
    const page = await s.browser.go(again.url, { stopAt: REDIRECT });
    expect(page.url.startsWith(REDIRECT)).toBe(true);
    const jti = (await s.browser.jar.getCookies(t.url)).find((c) => c.key === "gh.session")!.value;
    const ttl = await t.app.redis.ttl(`oidc:{Session:${jti}}`);
    expect(ttl).toBeGreaterThan(3500);
    expect(ttl).toBeLessThan(3600);
  });
});
