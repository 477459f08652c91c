// Drives the real pages for an authorization request: login, then consent when asked, until the browser is
// sent back to the relying party. Returns the callback URL the relying party would receive.
import * as client from "openid-client";
import { TestBrowser, type Page } from "./browser.ts";

export type Credentials = { identifier: string; password: string; remember?: boolean };

/** the authorization request as a GET of the URL, or (post) as a form POST of its parameters to the endpoint */
function startAuthorization(browser: TestBrowser, authorizationUrl: string, stopAt: string, post: boolean): Promise<Page> {
  if (!post) return browser.go(authorizationUrl, { stopAt });
  const url = new URL(authorizationUrl);
  const init = { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: url.searchParams.toString() };
  return browser.go(`${url.origin}${url.pathname}`, { init, stopAt });
}

export async function signInThroughPages(
  browser: TestBrowser,
  authorizationUrl: string,
  redirectUri: string,
  creds: Credentials,
  opts: { post?: boolean } = {},
): Promise<{ callback: string; pages: Page[] }> {
  const pages: Page[] = [];
  let page = await startAuthorization(browser, authorizationUrl, redirectUri, opts.post === true);
  pages.push(page);
  for (let step = 0; step < 6 && !page.url.startsWith(redirectUri); step++) {
    if (page.url.includes("/interaction/") && page.html.includes('name="password"')) {
      page = await browser.submit(
        page,
        "/login",
        { identifier: creds.identifier, password: creds.password, ...(creds.remember ? { remember: "1" } : {}) },
        { stopAt: redirectUri },
      );
    } else if (page.url.includes("/interaction/") && page.html.includes("/confirm")) {
      page = await browser.submit(page, "/confirm", {}, { stopAt: redirectUri });
    } else if (page.html.includes("/session/end/confirm") && page.html.includes("document.forms[0].submit()")) {
      // signing in as someone else ends the old session first: oidc-provider's self-submitting form
      page = await browser.submit(page, "/session/end/confirm", {}, { stopAt: redirectUri });
    } else {
      break;
    }
    pages.push(page);
  }
  if (!page.url.startsWith(redirectUri))
    throw new Error(`expected a redirect to ${redirectUri}, got ${page.status} ${page.url}\n${page.html.slice(0, 1500)}`);
  return { callback: page.url, pages };
}

export async function discover(issuer: string, clientId: string, clientSecret: string | null): Promise<client.Configuration> {
  return client.discovery(new URL(issuer), clientId, clientSecret ?? undefined, clientSecret ? undefined : client.None(), {
    execute: [client.allowInsecureRequests],
  });
}

/** a full authorization code + PKCE login through the pages; returns the token response */
export async function loginWithCode(
  config: client.Configuration,
  browser: TestBrowser,
  redirectUri: string,
  creds: Credentials,
  extra: Record<string, string> = {},
): Promise<{ tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers; pages: Page[] }> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: "openid profile email offline_access",
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
    prompt: "consent",
    ...extra,
  });
  const { callback, pages } = await signInThroughPages(browser, url.toString(), redirectUri, creds);
  const tokens = await client.authorizationCodeGrant(config, new URL(callback), {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
  return { tokens, pages };
}
