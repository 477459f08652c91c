// Sign-in with a second factor for tests: turning TOTP on for a test user through the real service, codes at
// a given time, and the login pages driven through the code page (password, code, consent when asked).
import * as client from "openid-client";
import { generate } from "otplib";
import { TestBrowser, parseForms, type Page } from "./browser.ts";
import type { TestApp } from "./test-app.ts";
import type { Credentials } from "./oidc-flow.ts";

/** a clock the test moves by hand (TOTP steps, expiry) */
export function manualClock(start = Math.floor(Date.now() / 1000)) {
  let now = start;
  return {
    now: () => new Date(now * 1000),
    epoch: () => now,
    advance: (seconds: number) => {
      now += seconds;
    },
  };
}
export type ManualClock = ReturnType<typeof manualClock>;

export const totpCode = (secret: string, epoch: number) => generate({ secret, epoch });

/**
 * enrolls and confirms TOTP for a user with the previous step's code (within the ±1 window), so the current
 * step is still unused and the test need not move the clock to sign in
 */
export async function enableTotp(
  t: TestApp,
  clock: ManualClock,
  user: { id: string; email: string },
): Promise<{ secret: string; backupCodes: string[] }> {
  const { secret } = await t.app.services.totp.beginEnrollment(user);
  const result = await t.app.services.totp.confirmEnrollment(user, await totpCode(secret, clock.epoch() - 30));
  if (result.outcome !== "enabled") throw new Error(`enrollment failed: ${result.outcome}`);
  return { secret, backupCodes: result.backupCodes };
}

/** posts a form as the browser would, without following the answer */
export async function post(
  browser: TestBrowser,
  page: Page,
  actionPart: string,
  fields: Record<string, string>,
): Promise<{ status: number; html: string; location: string | null }> {
  const form = parseForms(page.html, page.url).find((f) => f.action.includes(actionPart));
  if (!form) throw new Error(`no form with action containing ${actionPart} on ${page.url}`);
  const res = await browser.request(form.action, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: browser.origin },
    body: new URLSearchParams({ ...form.fields, ...fields }).toString(),
  });
  return { status: res.status, html: await res.text(), location: res.headers.get("location") };
}

/** an authorization request for `rp` with PKCE; returns the URL and what the token request needs */
export async function authorizationRequest(rp: client.Configuration, redirectUri: string, extra: Record<string, string> = {}) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(rp, {
    redirect_uri: redirectUri,
    scope: "openid profile email",
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
    ...extra,
  });
  return { url: url.toString(), verifier, state, nonce };
}

/** opens the login page and submits the password; returns the page that follows (the code page for TOTP users) */
export async function passwordStep(browser: TestBrowser, authorizationUrl: string, redirectUri: string, creds: Credentials): Promise<Page> {
  const login = await browser.go(authorizationUrl, { stopAt: redirectUri });
  return browser.submit(
    login,
    "/login",
    { identifier: creds.identifier, password: creds.password, ...(creds.remember ? { remember: "1" } : {}) },
    { stopAt: redirectUri },
  );
}

/** from the code page: submits the code, then consent when asked, until the redirect to the relying party */
export async function codeStep(browser: TestBrowser, codePage: Page, redirectUri: string, code: string): Promise<string> {
  let page = await browser.submit(codePage, "/totp", { code }, { stopAt: redirectUri });
  if (!page.url.startsWith(redirectUri) && page.html.includes("/confirm"))
    page = await browser.submit(page, "/confirm", {}, { stopAt: redirectUri });
  if (!page.url.startsWith(redirectUri))
    throw new Error(`expected a redirect to ${redirectUri}, got ${page.status} ${page.url}\n${page.html.slice(0, 1500)}`);
  return page.url;
}

/** password, code (from `code()` at the moment the code page is shown), consent, then the token request */
export async function loginWithTotp(
  rp: client.Configuration,
  browser: TestBrowser,
  redirectUri: string,
  creds: Credentials,
  code: () => Promise<string> | string,
  extra: Record<string, string> = {},
) {
  const req = await authorizationRequest(rp, redirectUri, extra);
  const codePage = await passwordStep(browser, req.url, redirectUri, creds);
  if (!codePage.html.includes('name="code"'))
    throw new Error(`expected the code page, got ${codePage.status} ${codePage.url}\n${codePage.html.slice(0, 1500)}`);
  const callback = await codeStep(browser, codePage, redirectUri, await code());
  const tokens = await client.authorizationCodeGrant(rp, new URL(callback), {
    pkceCodeVerifier: req.verifier,
    expectedState: req.state,
    expectedNonce: req.nonce,
    idTokenExpected: true,
  });
  return { tokens, codePage };
}
