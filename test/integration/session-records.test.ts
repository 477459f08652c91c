// Session records against real Postgres and Redis: a password change ends the other sessions' rows
// (password_changed) and keeps the current one; a provider logout ends the row and its uid key; a row whose
// Redis session vanished is dropped from the listing (and marked ended); "last active" reaches Postgres at
// most once per SESSION_ACTIVITY_RESOLUTION however many requests come in.
// Ends that stick: a revocation during a request in flight on that session is not undone by the provider's
// save at the end of the request (and the code that request issued is void); a login stopped at consent is
// recorded and timed, and "sign out all others" ends it, even without a row; a signed-in session without a
// clock gets one from its login time; idle sessions are not listed; two revocations act once; parallel first
// sign-ins of one session to two clients both succeed and keep both clients.
import { describe, it, expect, beforeAll, afterAll, vi } from "vitest";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";
import { authorizationRequest, manualClock, passwordStep, type ManualClock } from "../helpers/totp-login.ts";
import { asksToSignIn, tryRefresh } from "../helpers/sessions.ts";
import { decodeRecord } from "../../src/oidc/record-codec.ts";
import { decodeSessionKey } from "../../src/services/sessions/session-key.ts";

const REDIRECT = "https://rp.example.test/callback";
const LOGOUT = "https://rp.example.test/bye";

describe("session records", () => {
  let t: TestApp;
  let rp: client.Configuration;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = manualClock();
    t = await startTestApp({ SESSION_ACTIVITY_RESOLUTION: "60" }, { clock });
    const { clientId, clientSecret } = await t.createClient({
      name: "Records RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      postLogoutRedirectUris: [LOGOUT],
      firstParty: true,
    });
    rp = await discover(t.url, clientId, clientSecret);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function signIn(user: { email: string; password: string }) {
    const browser = new TestBrowser(t.url);
    const { tokens } = await loginWithCode(rp, browser, REDIRECT, { identifier: user.email, password: user.password });
    const jti = (await browser.jar.getCookies(t.url)).find((c) => c.key === "gh.session")!.value;
    const stored = decodeRecord("Session", jti, (await t.app.redis.get(`oidc:{Session:${jti}}`))!) as { uid: string };
    return { browser, tokens, jti, uid: stored.uid };
  }

  it("a password change marks the other sessions ended and keeps the one that changed it", async () => {
    const user = await t.createUser();
    const [keep, other] = [await signIn(user), await signIn(user)];
    const row = (await t.app.queries.users.findById(user.id))!;
    const result = await t.app.services.credentials.changePassword(row, "a new and quite long harbour lantern", {
      keepSessionId: keep.jti,
      request: { ip: "127.0.0.1", userAgent: null },
    });
    expect(result.outcome).toBe("changed");
    expect(await t.app.queries.userSessions.find(other.uid)).toMatchObject({ endReason: "password_changed" });
    expect((await t.app.queries.userSessions.find(keep.uid))!.endedAt).toBeNull();
    expect((await t.app.services.sessions.listActive(user.id)).map((s) => s.id)).toEqual([keep.uid]);
  });

  it("a provider logout ends the row and the session's uid key", async () => {
    const user = await t.createUser();
    const s = await signIn(user);
    const confirm = await s.browser.go(
      client.buildEndSessionUrl(rp, { id_token_hint: s.tokens.id_token!, post_logout_redirect_uri: LOGOUT }).toString(),
    );
    const done = await s.browser.submit(confirm, "/session/end/confirm", { logout: "yes" }, { stopAt: LOGOUT });
    expect(done.url).toBe(LOGOUT);
    expect(await t.app.queries.userSessions.find(s.uid)).toMatchObject({ endReason: "logout" });
    expect(await t.app.redis.get(`oidc:{uid:${s.uid}}`)).toBeNull();
    // and a request in flight on it cannot save it back
    expect(await t.app.services.oidcStore.sessionEnded(s.uid)).toBe(true);
    expect(await t.app.services.sessions.listActive(user.id)).toEqual([]);
  });

  it("a row whose Redis session is gone is not listed and is marked ended", async () => {
    const user = await t.createUser();
    const [gone, alive] = [await signIn(user), await signIn(user)];
    await t.app.redis.del(`oidc:{uid:${gone.uid}}`, `oidc:{Session:${gone.jti}}`);
    expect((await t.app.services.sessions.listActive(user.id)).map((s) => s.id)).toEqual([alive.uid]);
    expect(await t.app.queries.userSessions.find(gone.uid)).toMatchObject({ endReason: "expired" });
  });

  it("many requests within the resolution write last active once", async () => {
    const user = await t.createUser();
    const s = await signIn(user);
    // the service's own queries object, watched (not replaced): every Postgres write of last active is counted
    const touch = vi.spyOn(t.app.queries.userSessions, "touch");
    const records = t.app.services.sessions;
    const writes = () => touch.mock.calls.filter(([id]) => id === s.uid).length;
    clock.advance(60);
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => records.onRequest(s.jti, {})));
    expect(writes()).toBe(1);
    expect(outcomes.filter((o) => o === "write")).toHaveLength(1);
    clock.advance(59);
    await records.onRequest(s.jti, {});
    expect(writes()).toBe(1);
    clock.advance(1);
    await records.onRequest(s.jti, {});
    expect(writes()).toBe(2);
    expect((await t.app.queries.userSessions.find(s.uid))!.lastActiveAt.getTime()).toBe(clock.now().getTime());
    touch.mockRestore();
  });
});

describe("session ends that stick", () => {
  let t: TestApp;
  let rp: client.Configuration;
  let third: client.Configuration;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = manualClock();
    t = await startTestApp({ SESSION_IDLE_TIMEOUT: "600", SESSION_ACTIVITY_RESOLUTION: "60" }, { clock });
    const a = await t.createClient({ name: "First party", type: "confidential", redirectUris: [REDIRECT], firstParty: true });
    rp = await discover(t.url, a.clientId, a.clientSecret);
    const b = await t.createClient({ name: "Third party", type: "confidential", redirectUris: [REDIRECT], firstParty: false });
    third = await discover(t.url, b.clientId, b.clientSecret);
  });
  afterAll(async () => {
    await t?.close();
  });

  const uidOf = async (browser: TestBrowser) => {
    const jti = (await browser.jar.getCookies(t.url)).find((c) => c.key === "gh.session")!.value;
    return (decodeRecord("Session", jti, (await t.app.redis.get(`oidc:{Session:${jti}}`))!) as { uid: string }).uid;
  };
  /** a browser whose login stopped at the consent page of the third-party client (no code issued) */
  async function stoppedAtConsent(user: { email: string; password: string }) {
    const browser = new TestBrowser(t.url);
    const page = await passwordStep(browser, (await authorizationRequest(third, REDIRECT)).url, REDIRECT, {
      identifier: user.email,
      password: user.password,
    });
    expect(page.html).toContain("/confirm");
    return { browser, uid: await uidOf(browser) };
  }

  it("a revocation during a request in flight on that session is not undone", async () => {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    await loginWithCode(rp, browser, REDIRECT, { identifier: user.email, password: user.password });
    const [row] = await t.app.services.sessions.listActive(user.id);
    // the provider's own adapter, held up right after it loaded the session (deterministic, no timing)
    const adapter = (t.app.oidc.provider.Session as unknown as { adapter: { find(id: string): Promise<unknown> } }).adapter;
    const find = adapter.find.bind(adapter);
    let loaded!: () => void;
    let release!: () => void;
    const isLoaded = new Promise<void>((r) => {
      loaded = r;
    });
    const released = new Promise<void>((r) => {
      release = r;
    });
    let held = false;
    adapter.find = async (id: string) => {
      const found = await find(id);
      if (!held) {
        held = true;
        loaded();
        await released;
      }
      return found;
    };
    try {
      const req = await authorizationRequest(rp, REDIRECT, { prompt: "none" });
      const inflight = browser.go(req.url, { stopAt: REDIRECT });
      await isLoaded;
      expect(await t.app.services.sessions.revoke(user.id, row!.id, { reason: "revoked" })).toEqual({ outcome: "revoked" });
      release();
      const page = await inflight;
      // whatever that request answered, a code it issued is void
      const code = page.url.startsWith(REDIRECT) ? new URL(page.url).searchParams.get("code") : null;
      if (code) {
        await expect(
          client.authorizationCodeGrant(rp, new URL(page.url), {
            pkceCodeVerifier: req.verifier,
            expectedState: req.state,
            expectedNonce: req.nonce,
          }),
        ).rejects.toThrow();
      }
    } finally {
      adapter.find = find;
    }
    expect(await asksToSignIn(browser, t.url)).toBe(true);
    expect(await t.app.queries.userSessions.find(row!.id)).toMatchObject({ endReason: "revoked", endedAt: expect.any(Date) });
    expect(await t.app.services.sessions.listActive(user.id)).toEqual([]);
    expect(await t.app.redis.get(`oidc:{uid:${row!.id}}`)).toBeNull();
  });

  it("a login stopped at consent is listed and timed: the idle timeout ends it", async () => {
    const user = await t.createUser();
    const s = await stoppedAtConsent(user);
    const listed = await t.app.services.sessions.listActive(user.id);
    expect(listed.map((r) => ({ id: r.id, clients: r.clients }))).toEqual([{ id: s.uid, clients: [] }]);
    clock.advance(601);
    expect(await asksToSignIn(s.browser, t.url, "/account/profile")).toBe(true);
    expect(await t.app.queries.userSessions.find(s.uid)).toMatchObject({ endReason: "idle" });
    // nor single sign-on to another client
    const sso = await s.browser.go((await authorizationRequest(rp, REDIRECT)).url, { stopAt: REDIRECT });
    expect(sso.html).toContain('name="password"');
  });

  it("sign out all others ends a session stopped at consent, with its row or (older sessions) without one", async () => {
    const user = await t.createUser();
    const here = new TestBrowser(t.url);
    await loginWithCode(rp, here, REDIRECT, { identifier: user.email, password: user.password });
    const keep = await uidOf(here);
    const [withRow, withoutRow] = [await stoppedAtConsent(user), await stoppedAtConsent(user)];
    // a session the records never saw: only the Redis user index knows it
    await t.app.db.prisma.userSession.delete({ where: { id: withoutRow.uid } });
    const ended = await t.app.services.sessions.revokeAll(user.id, { reason: "revoked", actorId: user.id, keepUid: keep });
    expect(ended.sort()).toEqual([withRow.uid, withoutRow.uid].sort());
    expect(await asksToSignIn(withRow.browser, t.url, "/account/profile")).toBe(true);
    expect(await asksToSignIn(withoutRow.browser, t.url, "/account/profile")).toBe(true);
    expect(await asksToSignIn(here, t.url, "/account/profile")).toBe(false);
    expect(await t.app.queries.userSessions.find(withRow.uid)).toMatchObject({ endReason: "revoked" });
    const audits = (await t.app.queries.auditEvents.listByType("session.revoked")).filter((e) => e.userId === user.id);
    expect(audits.map((e) => (e.data as { sessionId: string }).sessionId).sort()).toEqual([withRow.uid, withoutRow.uid].sort());
  });

  it("a signed-in session without a clock gets one from its login time, never a pass (request or refresh)", async () => {
    const user = await t.createUser();
    const [byRequest, byRefresh] = [new TestBrowser(t.url), new TestBrowser(t.url)];
    await loginWithCode(rp, byRequest, REDIRECT, { identifier: user.email, password: user.password });
    const { tokens } = await loginWithCode(rp, byRefresh, REDIRECT, { identifier: user.email, password: user.password });
    const uids = [await uidOf(byRequest), await uidOf(byRefresh)];
    // the clock sits in the uid key (services/sessions/session-key.ts): only the pointer is left, as an older layout wrote it
    for (const uid of uids) await stripClock(uid);
    clock.advance(601);
    expect(await asksToSignIn(byRequest, t.url, "/account/profile")).toBe(true);
    expect(await tryRefresh(rp, tokens.refresh_token!)).toEqual({ ok: false, error: "invalid_grant" });
    for (const uid of uids) expect(await t.app.queries.userSessions.find(uid)).toMatchObject({ endReason: "idle" });
  });

  /** the uid key without the session's clock: the record id alone, as written before the clock moved in; returns the clock */
  async function stripClock(uid: string): Promise<{ exp: string; seen: string }> {
    const key = `oidc:{uid:${uid}}`;
    const [value, ttl] = [(await t.app.redis.get(key))!, await t.app.redis.pttl(key)];
    const { id: jti, exp, seen } = decodeSessionKey(value)!;
    expect(jti && exp && seen).toBeTruthy();
    await t.app.redis.set(key, jti, "PX", ttl);
    return { exp: String(exp), seen: String(seen) };
  }

  it("a session whose clock is of the older layout (its own hash) keeps it after an upgrade: active is not idle, idle is", async () => {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    const { tokens } = await loginWithCode(rp, browser, REDIRECT, { identifier: user.email, password: user.password });
    const uid = await uidOf(browser);
    // as stored before: the uid key names the record, the clock is `session-meta:{uid}` (exp, seen)
    const { exp, seen } = await stripClock(uid);
    await t.app.redis.hset(`session-meta:{${uid}}`, "exp", exp, "seen", seen);
    await t.app.redis.expire(`session-meta:{${uid}}`, 3600);
    clock.advance(300);
    expect(await asksToSignIn(browser, t.url, "/account/profile")).toBe(false); // activity, recorded in that clock
    expect(await t.app.redis.hget(`session-meta:{${uid}}`, "seen")).toBe(String(Number(seen) + 300));
    clock.advance(301); // 601 s after the sign-in, 301 after the last activity: a clock restarted from the login would say idle
    expect(await tryRefresh(rp, tokens.refresh_token!)).toMatchObject({ ok: true });
    expect((await t.app.services.sessions.listActive(user.id)).map((r) => r.id)).toEqual([uid]);
    clock.advance(300); // 601 s after the last activity
    expect(await asksToSignIn(browser, t.url, "/account/profile")).toBe(true);
    expect(await t.app.queries.userSessions.find(uid)).toMatchObject({ endReason: "idle" });
    // the end took both (two hash tags: two commands)
    expect([await t.app.redis.exists(`session-meta:{${uid}}`), await t.app.redis.exists(`oidc:{uid:${uid}}`)]).toEqual([0, 0]);
  });

  it("an idle session is not listed (it is ended on the way), with no request of its own", async () => {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    await loginWithCode(rp, browser, REDIRECT, { identifier: user.email, password: user.password });
    const uid = await uidOf(browser);
    clock.advance(300);
    expect((await t.app.services.sessions.listActive(user.id)).map((r) => r.id)).toEqual([uid]);
    clock.advance(301);
    expect(await t.app.services.sessions.listActive(user.id)).toEqual([]);
    expect(await t.app.queries.userSessions.find(uid)).toMatchObject({ endReason: "idle" });
    expect((await t.app.queries.auditEvents.listByType("session.idle_timeout")).filter((e) => e.userId === user.id)).toHaveLength(1);
    expect(await asksToSignIn(browser, t.url, "/account/profile")).toBe(true);
  });

  it("two parallel revocations of one session act once: one revoked, one audit", async () => {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    await loginWithCode(rp, browser, REDIRECT, { identifier: user.email, password: user.password });
    const uid = await uidOf(browser);
    const results = await Promise.all(
      [1, 2].map(() => t.app.services.sessions.revoke(user.id, uid, { reason: "revoked", actorId: user.id })),
    );
    expect(results.map((r) => r.outcome).sort()).toEqual(["not_found", "revoked"]);
    const audits = (await t.app.queries.auditEvents.listByType("session.revoked")).filter(
      (e) => (e.data as { sessionId?: string }).sessionId === uid,
    );
    expect(audits).toHaveLength(1);
  });

  it("parallel first sign-ins of one session to two clients both succeed and keep both clients", async () => {
    const user = await t.createUser();
    const uid = `parallel-${Date.now().toString(36)}`;
    const signIn = (clientId: string, fresh: boolean) =>
      t.app.services.sessions.recordSignIn({ uid, userId: user.id, clientId, remember: false, ip: null, userAgent: null, fresh });
    const rows = await Promise.all([signIn("client-a", true), signIn("client-b", false), signIn("client-c", false)]);
    expect(rows.every(Boolean)).toBe(true);
    expect((await t.app.queries.userSessions.find(uid))!.clients.sort()).toEqual(["client-a", "client-b", "client-c"]);
  });
});
