// Session records against real Postgres and Redis: a password change ends the other sessions' rows
// (password_changed) and keeps the current one; a provider logout ends the row and its uid key; a row whose
// Redis session vanished is dropped from the listing (and marked ended); "last active" reaches Postgres at
// most once per SESSION_ACTIVITY_RESOLUTION however many requests come in.
import { describe, it, expect, beforeAll, afterAll, vi } from "vitest";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";
import { manualClock, type ManualClock } from "../helpers/totp-login.ts";

const REDIRECT = "https://rp.example.test/callback";
const LOGOUT = "https://rp.example.test/bye";

describe("session records", () => {
  let t: TestApp;
  let rp: client.Configuration;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = manualClock();
    t = await startTestApp({ SESSION_ACTIVITY_RESOLUTION: "60" }, { clock });
    const { clientId, clientSecret } = await t.createClient({ name: "Records RP", type: "confidential", redirectUris: [REDIRECT], postLogoutRedirectUris: [LOGOUT], firstParty: true });
    rp = await discover(t.url, clientId, clientSecret);
  });
  afterAll(async () => { await t?.close(); });

  async function signIn(user: { email: string; password: string }) {
    const browser = new TestBrowser(t.url);
    const { tokens } = await loginWithCode(rp, browser, REDIRECT, { identifier: user.email, password: user.password });
    const jti = (await browser.jar.getCookies(t.url)).find((c) => c.key === "gh.session")!.value;
    const stored = JSON.parse((await t.app.redis.get(`oidc:{Session:${jti}}`))!) as { uid: string };
    return { browser, tokens, jti, uid: stored.uid };
  }

  it("a password change marks the other sessions ended and keeps the one that changed it", async () => {
    const user = await t.createUser();
    const [keep, other] = [await signIn(user), await signIn(user)];
    const row = (await t.app.queries.users.findById(user.id))!;
    const result = await t.app.services.credentials.changePassword(row, "a new and quite long harbour lantern", { keepSessionId: keep.jti, request: { ip: "127.0.0.1", userAgent: null } });
    expect(result.outcome).toBe("changed");
    expect(await t.app.queries.userSessions.find(other.uid)).toMatchObject({ endReason: "password_changed" });
    expect((await t.app.queries.userSessions.find(keep.uid))!.endedAt).toBeNull();
    expect((await t.app.services.sessions.listActive(user.id)).map((s) => s.id)).toEqual([keep.uid]);
  });

  it("a provider logout ends the row and the session's uid key", async () => {
    const user = await t.createUser();
    const s = await signIn(user);
    const confirm = await s.browser.go(client.buildEndSessionUrl(rp, { id_token_hint: s.tokens.id_token!, post_logout_redirect_uri: LOGOUT }).toString());
    const done = await s.browser.submit(confirm, "/session/end/confirm", { logout: "yes" }, { stopAt: LOGOUT });
    expect(done.url).toBe(LOGOUT);
    expect(await t.app.queries.userSessions.find(s.uid)).toMatchObject({ endReason: "logout" });
    expect(await t.app.redis.get(`oidc:{uid:${s.uid}}`)).toBeNull();
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
