// Helpers for the session tests: a browser with its own user agent and (behind a trusted proxy) its own
// client address, signing in to the account pages, and asking whether a refresh token still works.
import * as client from "openid-client";
import { TestBrowser, type Page } from "./browser.ts";
import type { Credentials } from "./oidc-flow.ts";

export const FIREFOX_LINUX = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
export const CHROME_ANDROID =
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36";
export const SAFARI_MAC =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15";

/** a browser that sends X-Forwarded-For (only honoured with TRUST_PROXY=true) */
export class ProxiedBrowser extends TestBrowser {
  constructor(
    origin: string,
    userAgent: string,
    readonly forwardedFor: string | null = null,
  ) {
    super(origin, userAgent);
  }
  override async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.forwardedFor) headers.set("x-forwarded-for", this.forwardedFor);
    return super.request(url, { ...init, headers });
  }
}

/** opens an account page, signing in first when the browser has no session */
export async function openAccountPage(browser: TestBrowser, issuer: string, path: string, creds?: Credentials): Promise<Page> {
  let page = await browser.go(`${issuer}/login?return_to=${encodeURIComponent(path)}`);
  if (page.html.includes('name="password"') && creds) {
    page = await browser.submit(page, "/login", {
      identifier: creds.identifier,
      password: creds.password,
      ...(creds.remember ? { remember: "1" } : {}),
    });
  }
  return page;
}

/** whether the browser is asked to sign in when it opens an account page */
export async function asksToSignIn(browser: TestBrowser, issuer: string, path = "/account/sessions"): Promise<boolean> {
  const res = await browser.request(`${issuer}${path}`);
  return res.status === 302 && (res.headers.get("location") ?? "").startsWith("/login");
}

/** the refresh grant's outcome: "ok" with the new refresh token, or the OAuth error code */
export async function tryRefresh(
  rp: client.Configuration,
  refreshToken: string,
): Promise<{ ok: true; refreshToken: string } | { ok: false; error: string }> {
  try {
    const tokens = await client.refreshTokenGrant(rp, refreshToken);
    return { ok: true, refreshToken: tokens.refresh_token ?? refreshToken };
  } catch (err) {
    return { ok: false, error: String((err as { error?: unknown }).error ?? (err as Error).message) };
  }
}

export const waitUntil = async (check: () => boolean, tries = 100) => {
  for (let i = 0; i < tries && !check(); i++) await new Promise((r) => setTimeout(r, 20));
};
