// The policy for offline access at sign-out (#14 item 12): by default a refresh token with offline_access
// outlives RP-initiated logout (OpenID Connect's offline access: the app works while the user is away), and a
// client set to end with the session (admin pages, API, CLI: endsWithSession) loses its refresh tokens when the
// user signs out, whichever app the sign-out started from.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";
import { tryRefresh } from "../helpers/sessions.ts";

const REDIRECT = "https://offline.example.test/cb";
const LOGOUT_REDIRECT = "https://offline.example.test/bye";

describe("offline access at sign-out", () => {
  let t: TestApp;
  let outlives: client.Configuration;
  let ends: client.Configuration;

  beforeAll(async () => {
    t = await startTestApp();
    const make = async (name: string, endsWithSession: boolean) => {
      const c = await t.createClient({
        name,
        type: "confidential",
        redirectUris: [REDIRECT],
        postLogoutRedirectUris: [LOGOUT_REDIRECT],
        firstParty: true,
        endsWithSession,
      });
      return discover(t.url, c.clientId, c.clientSecret);
    };
    outlives = await make("Sync app", false);
    ends = await make("Kiosk app", true);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function signOut(browser: TestBrowser, rp: client.Configuration, idToken: string) {
    const confirm = await browser.go(
      client.buildEndSessionUrl(rp, { id_token_hint: idToken, post_logout_redirect_uri: LOGOUT_REDIRECT }).toString(),
    );
    const done = await browser.submit(confirm, "/session/end/confirm", { logout: "yes" }, { stopAt: LOGOUT_REDIRECT });
    expect(done.url.startsWith(LOGOUT_REDIRECT)).toBe(true);
  }

  it("by default offline_access outlives the sign-out; a client set to end with the session loses its refresh token", async () => {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    const creds = { identifier: user.email, password: user.password };
    const sync = (await loginWithCode(outlives, browser, REDIRECT, creds)).tokens; // offline_access asked (the helper's scope)
    const kiosk = (await loginWithCode(ends, browser, REDIRECT, creds)).tokens; // the same session (SSO)
    expect(sync.scope).toContain("offline_access");
    expect(kiosk.scope).toContain("offline_access");
    const before = await tryRefresh(ends, kiosk.refresh_token!); // works while signed in (and rotates)
    if (!before.ok) throw new Error(`refresh before the sign-out failed: ${before.error}`);

    await signOut(browser, outlives, sync.id_token!);

    expect((await tryRefresh(outlives, sync.refresh_token!)).ok).toBe(true);
    expect(await tryRefresh(ends, before.refreshToken)).toEqual({ ok: false, error: "invalid_grant" });
  });

  it("a client set to end with the session loses its refresh token when the sign-out starts from it too", async () => {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    const kiosk = (await loginWithCode(ends, browser, REDIRECT, { identifier: user.email, password: user.password })).tokens;
    await signOut(browser, ends, kiosk.id_token!);
    expect(await tryRefresh(ends, kiosk.refresh_token!)).toEqual({ ok: false, error: "invalid_grant" });
  });
});
