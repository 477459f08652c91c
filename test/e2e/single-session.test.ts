// The single-session policy (SINGLE_SESSION=true): a sign-in while another session of the user is alive stops
// at a page listing it. "Sign the other session out and continue" ends the old session (its browser must sign
// in again, its refresh token fails) and finishes the login; "Cancel" sends access_denied to the relying party
// and leaves the old session alive. The same browser signing in again is not asked. Both buttons need CSRF.
// The old session ends only once the whole sign-in is through (not while a later step, the team page, waits),
// and parallel "continue" POSTs end it once.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";
import { authorizationRequest, passwordStep } from "../helpers/totp-login.ts";
import { CHROME_ANDROID, FIREFOX_LINUX, asksToSignIn, tryRefresh } from "../helpers/sessions.ts";
import { addMember, createTeam, throughConsent } from "../helpers/team-flow.ts";

const REDIRECT = "https://rp.example.test/callback";

describe("single-session policy", () => {
  let t: TestApp;
  let rp: client.Configuration;
  beforeAll(async () => {
    t = await startTestApp({ SINGLE_SESSION: "true" });
    const { clientId, clientSecret } = await t.createClient({
      name: "Single RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty: true,
    });
    rp = await discover(t.url, clientId, clientSecret);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** the user signed in on a laptop; then a phone starts signing in and stops at the single-session page */
  async function secondSignIn() {
    const user = await t.createUser();
    const laptop = new TestBrowser(t.url, FIREFOX_LINUX);
    const { tokens } = await loginWithCode(rp, laptop, REDIRECT, { identifier: user.email, password: user.password });
    const phone = new TestBrowser(t.url, CHROME_ANDROID);
    const req = await authorizationRequest(rp, REDIRECT, { scope: "openid offline_access", prompt: "consent" });
    const page = await passwordStep(phone, req.url, REDIRECT, { identifier: user.email, password: user.password });
    return { user, laptop, laptopRefresh: tokens.refresh_token!, phone, req, page };
  }

  it("continue: the other session is signed out and the login goes on", async () => {
    const s = await secondSignIn();
    expect(s.page.url).toMatch(/\/interaction\/[^/]+\/single-session$/);
    expect(s.page.html).toContain("You are signed in elsewhere");
    expect(s.page.html).toContain("Firefox 128 on Ubuntu");
    const [old] = await t.app.services.sessions.listActive(s.user.id);

    let done = await s.phone.submit(s.page, "/single-session/continue", {}, { stopAt: REDIRECT });
    if (!done.url.startsWith(REDIRECT) && done.html.includes("/confirm"))
      done = await s.phone.submit(done, "/confirm", {}, { stopAt: REDIRECT });
    expect(done.url.startsWith(REDIRECT)).toBe(true);
    const tokens = await client.authorizationCodeGrant(rp, new URL(done.url), {
      pkceCodeVerifier: s.req.verifier,
      expectedState: s.req.state,
      expectedNonce: s.req.nonce,
    });
    expect(tokens.refresh_token).toBeTruthy();

    expect(await asksToSignIn(s.laptop, t.url)).toBe(true);
    expect(await tryRefresh(rp, s.laptopRefresh)).toEqual({ ok: false, error: "invalid_grant" });
    expect(await asksToSignIn(s.phone, t.url)).toBe(false);
    const live = await t.app.services.sessions.listActive(s.user.id);
    expect(live).toHaveLength(1);
    expect(live[0]!.browser).toBe("Chrome 126");
    expect(await t.app.queries.userSessions.find(old!.id)).toMatchObject({ endReason: "single_session" });
    const replaced = (await t.app.queries.auditEvents.listByType("session.single_session_replaced")).filter((e) => e.userId === s.user.id);
    expect(replaced.map((e) => (e.data as { sessionId?: string }).sessionId)).toEqual([old!.id]);
    const login = (await t.app.queries.auditEvents.listByType("login.succeeded")).find(
      (e) => e.userId === s.user.id && (e.data as { singleSession?: string }).singleSession === "replaced",
    );
    expect(login).toBeTruthy();
  });

  it("cancel: the relying party hears access_denied and the other session lives on", async () => {
    const s = await secondSignIn();
    const done = await s.phone.submit(s.page, "/single-session/cancel", {}, { stopAt: REDIRECT });
    expect(done.url.startsWith(REDIRECT)).toBe(true);
    const answer = new URL(done.url).searchParams;
    expect(answer.get("error")).toBe("access_denied");
    expect(answer.get("state")).toBe(s.req.state);
    expect(answer.get("error_description")).toContain("cancelled");

    expect(await asksToSignIn(s.laptop, t.url)).toBe(false);
    expect((await tryRefresh(rp, s.laptopRefresh)).ok).toBe(true);
    expect(await asksToSignIn(s.phone, t.url)).toBe(true);
    expect(await t.app.services.sessions.listActive(s.user.id)).toHaveLength(1);
    const cancelled = (await t.app.queries.auditEvents.listByType("session.single_session_cancelled")).filter(
      (e) => e.userId === s.user.id,
    );
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0]!.data).toMatchObject({ decision: "cancel" });
  });

  it("both buttons refuse a POST without the CSRF token and change nothing", async () => {
    const s = await secondSignIn();
    for (const action of ["/single-session/continue", "/single-session/cancel"]) {
      const denied = await s.phone.submit(s.page, action, { _csrf: "" }, { stopAt: REDIRECT });
      expect(denied.status).toBe(403);
    }
    expect(await asksToSignIn(s.laptop, t.url)).toBe(false);
    expect((await tryRefresh(rp, s.laptopRefresh)).ok).toBe(true);
    // the login still waits at the page
    expect((await s.phone.go(s.page.url)).html).toContain("Sign the other session out and continue");
  });

  it("continue ends the other session only once the sign-in is through: not while the team page waits", async () => {
    const s = await secondSignIn();
    // a user in two teams: after this gate the login stops at the team page
    const [own, other] = [await createTeam(t, s.user.id), await createTeam(t, (await t.createUser()).id)];
    await addMember(t, other, s.user.id, "developer");
    const teamPage = await s.phone.submit(s.page, "/single-session/continue", {}, { stopAt: REDIRECT });
    expect(teamPage.url).toMatch(/\/interaction\/[^/]+\/team$/);
    expect(await t.app.services.sessions.listActive(s.user.id)).toHaveLength(1);
    expect((await tryRefresh(rp, s.laptopRefresh)).ok).toBe(true);
    const done = await throughConsent(s.phone, await s.phone.submit(teamPage, "/team", { team: own.id }, { stopAt: REDIRECT }), REDIRECT);
    expect(done.url.startsWith(REDIRECT)).toBe(true);
    expect(await asksToSignIn(s.laptop, t.url)).toBe(true);
    const live = await t.app.services.sessions.listActive(s.user.id);
    expect(live.map((x) => x.browser)).toEqual(["Chrome 126"]);
  });

  it("parallel continue POSTs end the other session once (one audit)", async () => {
    const s = await secondSignIn();
    const [old] = await t.app.services.sessions.listActive(s.user.id);
    await Promise.all([1, 2, 3].map(() => s.phone.submit(s.page, "/single-session/continue", {}, { stopAt: REDIRECT })));
    expect(await asksToSignIn(s.laptop, t.url)).toBe(true);
    const replaced = (await t.app.queries.auditEvents.listByType("session.single_session_replaced")).filter((e) => e.userId === s.user.id);
    expect(replaced.map((e) => (e.data as { sessionId?: string }).sessionId)).toEqual([old!.id]);
  });

  it("the same browser signing in again is not asked", async () => {
    const user = await t.createUser();
    const laptop = new TestBrowser(t.url, FIREFOX_LINUX);
    await loginWithCode(rp, laptop, REDIRECT, { identifier: user.email, password: user.password });
    const again = await loginWithCode(
      rp,
      laptop,
      REDIRECT,
      { identifier: user.email, password: user.password },
      { prompt: "login consent" },
    );
    expect(again.pages.some((p) => p.url.includes("/single-session"))).toBe(false);
    expect(await t.app.services.sessions.listActive(user.id)).toHaveLength(1);
  });
});
